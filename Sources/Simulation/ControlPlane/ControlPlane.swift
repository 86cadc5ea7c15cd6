import Cluster
import Engine
import IPAM
import Layer2
import Wire

/// The cluster's control plane as the simulation runs it: API objects change, MetalLB's
/// controller allocates, and each node's speaker re-syncs the services that changed, each after
/// the watch delay.
extension World {
    // MARK: API changes (timeline actions and initial manifests call these)

    /// Installs MetalLB's pool configuration and, when the controller takes it, reprocesses
    /// every service (that is also how pending services get their retry). `advertised` names
    /// the pools some L2Advertisement selects (current MetalLB); nil announces every layer2 pool.
    ///
    /// A configuration v0.9.4 refuses because it would orphan an assigned address is recorded
    /// in `cluster.configRejections` and changes nothing; other invalid configurations throw
    /// (the scenario loader has rejected them before a run starts).
    public func applyMetalLBConfig(_ pools: [AddressPool], advertised: Set<String>? = nil) throws(PoolConfigError) {
        let namespaces = cluster.namespaceLabels
        if controller == nil {
            controller = try ServiceIPController(version: config.version, pools: pools, namespaces: namespaces)
        } else {
            do {
                try controller!.setPools(pools, namespaces: namespaces)
            } catch let error {
                guard case .orphansAssignment = error else { throw error }
                cluster.configRejections.append(ConfigRejection(time: now.nanoseconds, message: error.description))
                return
            }
        }
        recorder.poolsInstalled(PoolConfigRecord(time: now, pools: pools))
        // A new configuration can unassign or re-home services that held addresses.
        for key in recorder.servicesHoldingAddresses { recordAllocation(of: key) }
        advertisedPools = advertised
        reconcileAll()
    }

    /// Stores MetalLB's configuration objects as the API server now holds them and hands the
    /// resulting configuration to the controller.
    public func applyMetalLBResources(_ resources: MetalLBResources) {
        cluster.metallb = resources
        // Pools are validated when a scenario loads; what can still be refused here (v0.9.4's
        // orphan rule) is recorded by applyMetalLBConfig itself.
        try? applyMetalLBConfig(resources.pools, advertised: resources.advertisedPools)
    }

    /// Creates, relabels (`labels` non-nil) or deletes a Namespace. current MetalLB's
    /// configuration depends on Namespaces (`namespaceSelectors`): the caller re-applies it.
    public func setNamespace(_ name: String, labels: [String: String]?) {
        cluster.namespaces[name] = labels
    }

    /// Creates or replaces a Service: the API server stores it, drawing its cluster IP and
    /// node ports from the cluster's stream.
    public func applyService(_ service: Service) {
        let key = cluster.admit(service) { bound in clusterRandom.uniform(below: bound) }.key
        afterWatchDelay { world in world.reconcile(key) }
    }

    /// Deletes a Service. MetalLB's controller frees its addresses and then reprocesses every
    /// service: one left pending for lack of addresses may get the freed one now.
    public func deleteService(_ key: String) {
        cluster.services[key] = nil
        afterWatchDelay { world in
            world.controller?.reconcile(key, in: &world.cluster, now: world.now.nanoseconds)
            world.recordAllocation(of: key)
            world.afterWatchDelay { world in world.speakersSync(services: [key]) }
            world.reconcileAll(now: true)
        }
    }

    /// Creates or replaces a Pod. A pod created Ready (from the initial manifests) is Ready at
    /// once; one created later turns Ready after the pod start-up delay.
    public func applyPod(_ pod: Pod, startsReady: Bool, readyAfter delay: SimDuration? = nil) {
        var pod = pod
        pod.ready = startsReady
        pod = cluster.admit(pod)
        podChanged(pod)
        if !startsReady {
            let key = pod.key
            let readyAfter = delay ?? config.podReadyDelay + .seconds(Int64(pod.readinessDelaySeconds))
            at(now + readyAfter) { world in world.setPodReady(key, ready: true) }
        }
    }

    public func deletePod(_ key: String) {
        guard let pod = cluster.pods.removeValue(forKey: key) else { return }
        podChanged(pod)
    }

    /// The timeline's `movePod`: the pod is deleted and re-created on `node`, not Ready until
    /// its start-up delay has passed.
    public func movePod(_ key: String, to node: String) {
        guard var pod = cluster.pods[key] else { return }
        deletePod(key)
        pod.nodeName = node
        pod.podIP = nil
        applyPod(pod, startsReady: false)
    }

    public func setPodReady(_ key: String, ready: Bool) {
        guard var pod = cluster.pods[key], pod.ready != ready else { return }
        pod.ready = ready
        cluster.pods[key] = pod
        podChanged(pod)
    }

    // MARK: reconciliation

    private func afterWatchDelay(_ action: @escaping @Sendable (World) -> Void) {
        at(now + config.watchDelay, action)
    }

    /// Endpoints changed for every service that selects this pod: speakers re-sync those.
    private func podChanged(_ pod: Pod) {
        let affected = cluster.services.values
            .filter { $0.meta.namespace == pod.meta.namespace && $0.selector.matches(pod.meta.labels) }
            .map(\.key)
        guard !affected.isEmpty else { return }
        afterWatchDelay { world in world.speakersSync(services: affected) }
    }

    /// Reprocesses every service in creation order (deterministic; MetalLB's work queue has
    /// no fixed order), after a watch delay or, when already inside a delayed step, at once.
    func reconcileAll(now immediately: Bool = false) {
        if immediately {
            for key in cluster.services.keys { reconcile(key) }
            return
        }
        afterWatchDelay { world in
            for key in world.cluster.services.keys { world.reconcile(key) }
        }
    }

    /// MetalLB's controller handles one service; speakers see the result a watch delay later.
    func reconcile(_ key: String) {
        guard controller != nil else { return }
        _ = controller!.reconcile(key, in: &cluster, now: now.nanoseconds)
        recordAllocation(of: key)
        afterWatchDelay { world in world.speakersSync(services: [key]) }
    }

    /// Every running speaker's informers deliver the given services, in node order: each
    /// speaker stores them and re-runs its election, from its own memberlist view. The views
    /// are built once per batch: every speaker sees the same API state here (one watch delay
    /// for all).
    func speakersSync(services keys: [String]) {
        let views = keys.map { ($0, serviceView($0)) }
        for (key, view) in views { informerViews[key] = view }
        for node in nodes where node.isSpeakerRunning {
            node.driveSpeaker(in: hostContext) { $0.handleServices(views, now: now.nanoseconds) }
        }
    }

    /// Every service as a speaker's informers would list it right now, in the API server's
    /// order: the static API view `sim live --scenario` gives a real speaker process.
    public func apiServiceViews() -> [(String, ServiceView)] {
        cluster.services.keys.compactMap { key in serviceView(key).map { (key, $0) } }
    }

    /// What a speaker sees of a service right now (cached until the API objects change).
    func serviceView(_ key: String) -> ServiceView? {
        if let cached = viewCache.views[key] { return cached }
        let view = buildServiceView(key)
        viewCache.views[key] = view
        return view
    }

    private func buildServiceView(_ key: String) -> ServiceView? {
        guard let service = cluster.services[key] else { return nil }
        let pool = controller?.assignment(of: key).flatMap { controller?.allocator.pool(named: $0.pool) }
        var proto = pool.map { ServiceView.PoolAnnouncement(rawValue: $0.protocol.rawValue)! }
        // current MetalLB announces a pool in layer2 only when an L2Advertisement selects it.
        if let pool, let advertised = advertisedPools, !advertised.contains(pool.name) { proto = .notAdvertised }
        if viewCache.endpoints == nil { viewCache.endpoints = EndpointIndex(cluster) }
        let eligible = eligibleNodeSets(pool: pool?.name)
        let ingress = service.ingress
        let electionKey = speakerRules.electionKey(service: key, firstIngress: ingress.first)
        var view = ServiceView(
            name: key, isLoadBalancer: service.type == .loadBalancer, ingress: ingress,
            poolProtocol: proto,
            readyEndpointNodes: viewCache.endpoints!.nodesWithReadyEndpoints(of: service),
            externalTrafficPolicyLocal: service.externalTrafficPolicy == .local,
            eligibleNodes: eligible.list, eligibleNodeSet: eligible.set,
            ranking: electionKey.map(ranking))
        view.advertisingNodes = eligible.advertising
        view.announceInterfaces = eligible.interfaces
        return view
    }

    /// Every node in election order for `key`: what each speaker's sort would give if every
    /// node were a candidate (memoized: node names never change during a run).
    private func ranking(_ key: String) -> [String] {
        if let cached = viewCache.rankings[key] { return cached }
        let order = Election.order(candidates: config.nodes.map(\.name), key: key)
        viewCache.rankings[key] = order
        return order
    }

    private func eligibleNodeSets(pool: String?) -> SpeakerViewCache.Eligible {
        if let cached = viewCache.eligible[pool ?? ""] { return cached }
        let (eligible, advertising, interfaces) = eligibleNodes(pool: pool)
        let entry = SpeakerViewCache.Eligible(
            list: eligible, set: Set(eligible),
            advertising: advertising.count == cluster.nodes.count ? nil : Set(advertising),
            interfaces: interfaces)
        viewCache.eligible[pool ?? ""] = entry
        return entry
    }

    /// The L2Advertisements that select `pool` (current; none for v0.9.4).
    private func advertisements(for pool: String?) -> [L2Advertisement] {
        guard let pool, config.version == .current else { return [] }
        let labels = cluster.metallb.ipAddressPools[pool]?.labels ?? [:]
        return cluster.metallb.l2Advertisements.values.filter { $0.selects(pool, labels: labels) }
    }

    /// current MetalLB's eligible nodes for a pool, with the nodes its advertisements select
    /// and the interfaces they allow each node.
    func eligibleNodes(pool: String?) -> (eligible: [String], advertising: [String], interfaces: [String: Set<String>])
    {
        let ads = advertisements(for: pool)
        let nodes = Array(cluster.nodes.values)
        return (
            L2Eligibility.eligibleNodes(nodes, advertisements: ads, ignoreExcludeLB: config.ignoreExcludeLB),
            L2Eligibility.advertisingNodes(nodes, advertisements: ads),
            L2Eligibility.announceInterfaces(nodes, advertisements: ads)
        )
    }

    /// Records what the controller's allocator holds for `key`, when it changed. Every change
    /// goes through `reconcile` (one service) or a new configuration, so calling this after
    /// each of them sees every allocation change.
    func recordAllocation(of key: String) {
        recorder.allocation(of: key, is: controller?.assignment(of: key), at: now)
    }
}

/// Deployments: the ReplicaSet controller's decisions (Cluster) carried out, with the pod
/// names drawn from the cluster's stream.
extension World {
    /// Creates or updates a Deployment and reconciles its pods to the replica count.
    public func applyDeployment(_ deployment: Deployment, startsReady: Bool) {
        replicaSets.apply(deployment)
        reconcileReplicas(deployment.meta.key, startsReady: startsReady)
    }

    public func scale(deployment key: String, replicas: Int) {
        guard replicaSets.scale(key, replicas: replicas) else { return }
        reconcileReplicas(key, startsReady: false)
    }

    public func deleteDeployment(_ key: String) {
        for pod in replicaSets.delete(key, in: cluster) { deletePod(pod) }
    }

    /// Reconciles every Deployment, in creation order (after an eviction).
    func reconcileAllReplicas() {
        for key in replicaSets.deployments.keys { reconcileReplicas(key, startsReady: false) }
    }

    func reconcileReplicas(_ key: String, startsReady: Bool) {
        let decided = replicaSets.reconcile(key, in: cluster, random: &clusterRandom)
        for pod in decided.deletions { deletePod(pod) }
        let delay = config.podReadyDelay + .seconds(Int64(decided.readinessDelaySeconds))
        for pod in decided.creations {
            if pod.nodeName == nil {
                // Unschedulable: the pod stays Pending, never Ready.
                cluster.pods[pod.key] = pod
            } else {
                applyPod(pod, startsReady: startsReady, readyAfter: delay)
            }
        }
    }
}

extension World {
    /// Merges labels into a Node (from a v1/Node manifest).
    public func label(node name: String, labels: [String: String]) {
        guard var node = cluster.nodes[name] else { return }
        node.meta.labels.merge(labels) { _, new in new }
        cluster.nodes[name] = node
    }
}
