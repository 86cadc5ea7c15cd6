import Cluster
import Layer2
import Wire

/// What every node's processes read of the API server, computed once per change instead of
/// once per speaker and service: the speakers' service views (with the endpoint index and each
/// pool's eligible nodes behind them), kube-proxy's rules, and which hosts run the control
/// plane. Everything derived from the control plane is dropped when its `revision` moves, so
/// a cached reading is always a reading of the current state.
///
/// Election rankings (every node in hash order for an election key) depend only on the node
/// names, which never change during a run, so they stay for the whole run.
final class SpeakerViewCache {
    /// A pool's eligible nodes, and the nodes its advertisements select when that is not all.
    private struct Eligible {
        var list: [String]
        var set: Set<String>
        var advertising: Set<String>?
        var interfaces: [String: Set<String>]
        /// The advertisements' `preferredNodeSelectors` scores, if any.
        var scores: [String: Int64]?
        /// Whether some advertisement here has `serviceSelectors`.
        var selectsServices = false
    }

    private var revision: UInt64?
    private var views: [String: ServiceView?] = [:]
    private var endpoints: EndpointIndex?
    private var eligible: [String: Eligible] = [:]
    private var rankings: [String: [String]] = [:]
    private var kubeProxyRules = KubeProxyRules()
    private var controlPlaneHosts: [NodeHost]?

    /// Drops what was derived from an older state of the control plane.
    @inline(__always)
    private func validate(_ controlPlane: ControlPlane) {
        guard revision != controlPlane.revision else { return }
        revision = controlPlane.revision
        kubeProxyRules.invalidate()
        controlPlaneHosts = nil
        guard !views.isEmpty || endpoints != nil || !eligible.isEmpty else { return }
        views.removeAll(keepingCapacity: true)
        endpoints = nil
        eligible.removeAll(keepingCapacity: true)
    }

    // MARK: kube-proxy

    /// kube-proxy's rules: the LoadBalancer service answering on `address`:`port`, if any.
    func kubeProxyService(forIngress address: IPAddress, port: Int, in controlPlane: ControlPlane) -> Service? {
        validate(controlPlane)
        return kubeProxyRules.service(forIngress: address, port: port, protocol: "TCP", in: controlPlane.api)
    }

    /// kube-proxy's rules: the ready endpoints of `service` (on `node` only, when given).
    func kubeProxyEndpoints(of service: Service, onNode node: String?, in controlPlane: ControlPlane) -> [Pod] {
        validate(controlPlane)
        return kubeProxyRules.readyEndpoints(
            of: service, onNode: node, in: controlPlane.api, fromSlices: controlPlane.version == .current)
    }

    // MARK: the kubelets' API server

    /// The hosts of control-plane nodes (roles `control-plane` or `master`): every kubelet asks
    /// every 10 s, and they change only with the Node objects.
    func controlPlaneHosts(_ controlPlane: ControlPlane, among nodes: [NodeHost]) -> [NodeHost] {
        validate(controlPlane)
        if let hosts = controlPlaneHosts { return hosts }
        let hosts = nodes.filter { node in
            controlPlane.api.nodes[node.name]?.roles.contains { $0 == "control-plane" || $0 == "master" } == true
        }
        controlPlaneHosts = hosts
        return hosts
    }

    // MARK: the speakers' service views

    /// What a speaker sees of service `key` right now.
    func view(
        of key: String, in controlPlane: ControlPlane, nodeNames: @autoclosure () -> [String],
        rules: SpeakerController.Rules, ignoreExcludeLB: Bool
    ) -> ServiceView? {
        validate(controlPlane)
        if let cached = views[key] { return cached }
        let view = buildView(
            key, in: controlPlane, nodeNames: nodeNames, rules: rules, ignoreExcludeLB: ignoreExcludeLB)
        views[key] = view
        return view
    }

    private func buildView(
        _ key: String, in controlPlane: ControlPlane, nodeNames: () -> [String],
        rules: SpeakerController.Rules, ignoreExcludeLB: Bool
    ) -> ServiceView? {
        let cluster = controlPlane.api
        guard let service = cluster.services[key] else { return nil }
        let metallb = controlPlane.metallb
        let pool = metallb?.assignment(of: key).flatMap { metallb?.allocator.pool(named: $0.pool) }
        var proto = pool.map { ServiceView.PoolAnnouncement(rawValue: $0.protocol.rawValue)! }
        // current MetalLB announces a pool in layer2 only when an L2Advertisement selects it.
        if let pool, let advertised = controlPlane.advertisedPools, !advertised.contains(pool.name) {
            proto = .notAdvertised
        }
        if endpoints == nil {
            endpoints = EndpointIndex(cluster, servingTerminating: controlPlane.version == .current)
        }
        // A selectorless Service's endpoints are what users wrote (current reads slices).
        let manual =
            service.isSelectorless
            ? cluster.manualEndpointNodes(of: service, fromSlices: controlPlane.version == .current) : nil
        let eligible = eligibleNodeSets(
            pool: pool?.name, service: service, in: controlPlane, ignoreExcludeLB: ignoreExcludeLB)
        let ingress = service.ingress
        let electionKey = rules.electionKey(service: key, firstIngress: ingress.first)
        var view = ServiceView(
            name: key, isLoadBalancer: service.type == .loadBalancer && service.isHandled(by: controlPlane.version),
            ingress: ingress,
            poolProtocol: proto,
            readyEndpointNodes: manual?.nodes ?? endpoints!.nodesWithReadyEndpoints(of: service),
            externalTrafficPolicyLocal: service.externalTrafficPolicy == .local,
            eligibleNodes: eligible.list, eligibleNodeSet: eligible.set,
            ranking: electionKey.map { key in
                let order = ranking(key, nodeNames: nodeNames)
                guard let scores = eligible.scores else { return order }
                return Election.order(candidates: order, key: key, scores: scores)
            })
        view.advertisingNodes = eligible.advertising
        view.announceInterfaces = eligible.interfaces
        view.preferenceScores = eligible.scores
        view.activeEndpointOnNoNode = manual?.activeOnNoNode ?? false
        // speaker/layer2_controller.go `serviceHasSharedIP`: the annotation's presence counts.
        view.sharedIPWithServiceSelector =
            eligible.selectsServices
            && (service.meta.annotations["metallb.io/allow-shared-ip"] != nil
                || service.meta.annotations["metallb.universe.tf/allow-shared-ip"] != nil)
        return view
    }

    /// Every node in election order for `key`: what each speaker's sort would give if every
    /// node were a candidate (memoized: node names never change during a run).
    private func ranking(_ key: String, nodeNames: () -> [String]) -> [String] {
        if let cached = rankings[key] { return cached }
        let order = Election.order(candidates: nodeNames(), key: key)
        rankings[key] = order
        return order
    }

    /// The eligible nodes for a service of `pool`: those of the L2Advertisements that select
    /// the pool and apply to the service (current; none for v0.9.4). Cached per pool and set
    /// of applicable advertisements, which is the pool's whole set unless some advertisement
    /// selects services.
    private func eligibleNodeSets(
        pool: String?, service: Service, in controlPlane: ControlPlane, ignoreExcludeLB: Bool
    ) -> Eligible {
        let cluster = controlPlane.api
        var ads: [L2Advertisement] = []
        if let pool, controlPlane.version == .current {
            let labels = cluster.metallb.ipAddressPools[pool]?.labels ?? [:]
            ads = cluster.metallb.l2Advertisements.values.filter { $0.selects(pool, labels: labels) }
        }
        var key = pool ?? ""
        let poolHasAds = !ads.isEmpty
        if ads.contains(where: { !$0.serviceSelectors.isEmpty }) {
            ads = ads.filter { $0.applies(toServiceLabels: service.meta.labels) }
            key += "\u{0}" + ads.map(\.name).joined(separator: "\u{0}")
        }
        if let cached = eligible[key] { return cached }
        let nodes = Array(cluster.nodes.values)
        let entry: Eligible
        if poolHasAds && ads.isEmpty {
            // No advertisement applies to this service: no node may announce it
            // (`noMatchingAdvertisement` everywhere).
            entry = Eligible(list: [], set: [], advertising: [], interfaces: [:])
        } else {
            let list = L2Eligibility.eligibleNodes(nodes, advertisements: ads, ignoreExcludeLB: ignoreExcludeLB)
            let advertising = L2Eligibility.advertisingNodes(nodes, advertisements: ads)
            entry = Eligible(
                list: list, set: Set(list),
                advertising: advertising.count == cluster.nodes.count ? nil : Set(advertising),
                interfaces: L2Eligibility.announceInterfaces(nodes, advertisements: ads),
                scores: L2Eligibility.preferenceScores(nodes, advertisements: ads),
                selectsServices: ads.contains { !$0.serviceSelectors.isEmpty })
        }
        eligible[key] = entry
        return entry
    }
}
