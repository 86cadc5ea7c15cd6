import Cluster
import Engine
import Layer2
import OrderedCollections
import Speaker
import Wire

/// Per-node API views (`NodeAPIView`): which nodes' processes are cut off from the API server,
/// freezing them when a fault cuts a node off and re-listing one watch delay after it is back.
extension World {
    /// Re-checks every node's path to a control-plane node after a change of links, partitions
    /// or power. `booted` names a node that just powered on: if it is cut off, its processes
    /// have listed nothing yet.
    func refreshAPIViews(booted: String? = nil) {
        for node in nodes {
            let name = node.name
            guard node.powered else {
                // Its processes are gone; the next boot starts them afresh.
                apiViews[name] = nil
                pendingRelists[name] = nil
                node.kubeletAwaitsAPIServer = false
                continue
            }
            guard reachesAPIServer(node) else {
                pendingRelists[name] = nil
                guard apiViews[name] == nil else { continue }
                apiViews[name] =
                    name == booted
                    ? NodeAPIView(since: now, api: ClusterState(), informer: [:])
                    : NodeAPIView(since: now, api: cluster, informer: informerViews)
                recorder.apiViewChanged(APIViewRecord(time: now, node: name, change: .cutOff))
                continue
            }
            if node.kubeletAwaitsAPIServer { kubeletBooted(node) }
            if apiViews[name] != nil, pendingRelists[name] == nil {
                relistGeneration &+= 1
                let generation = relistGeneration
                pendingRelists[name] = generation
                at(now + config.watchDelay) { world in world.relist(name, generation: generation) }
            }
        }
    }

    /// The node's watches are back: its speaker's informers re-list, which client-go hands to
    /// the handlers as an update of every object, changed or not; kube-proxy re-syncs.
    private func relist(_ name: String, generation: UInt64) {
        guard pendingRelists[name] == generation, let view = apiViews.removeValue(forKey: name) else { return }
        pendingRelists[name] = nil
        recorder.apiViewChanged(APIViewRecord(time: now, node: name, change: .relisted))
        guard let host = node(named: name), host.isSpeakerRunning else { return }
        var keys = OrderedSet(view.informer.keys)
        keys.append(contentsOf: informerViews.keys)
        let views = keys.map { ($0, serviceView($0)) }
        let before = view.api.nodes[name]
        let after = cluster.nodes[name]
        let update = NodeUpdate(
            name: name, labelsChanged: before?.meta.labels != after?.meta.labels,
            networkAvailabilityChanged: before?.isNetworkUnavailable != after?.isNetworkUnavailable)
        let config = speakerPoolConfig(cluster)
        host.driveSpeaker(in: hostContext) {
            if let config { $0.handleConfig(config, now: now.nanoseconds) }
            $0.handleServices(views, now: now.nanoseconds)
            $0.handleNodeChanged(update, now: now.nanoseconds)
        }
    }

    /// v0.9.4: MetalLB's ConfigMap as a speaker's informer holds it, from `api` (the live
    /// state, or a cut-off node's last view); nil for current, or with no ConfigMap.
    func speakerPoolConfig(_ api: ClusterState) -> SpeakerPoolConfig? {
        guard config.speakerRules == .v0_9_4, let pools = api.metallb.configMapPools else { return nil }
        return SpeakerPoolConfig(
            pools: pools.map {
                SpeakerPoolConfig.Pool(
                    name: $0.name, cidrs: $0.cidrs, announcement: $0.protocol == .bgp ? .bgp : .layer2)
            })
    }

    /// What a speaker starting on `node` takes as its config (see `speakerPoolConfig`).
    func speakerPoolConfig(for node: String) -> SpeakerPoolConfig? {
        speakerPoolConfig(apiViews[node]?.api ?? cluster)
    }

    /// Whether `node`'s processes see the API server live (not cut off).
    func seesAPIServer(_ node: String) -> Bool { apiViews.isEmpty || apiViews[node] == nil }

    /// kube-proxy's rules on `node`: the LoadBalancer service answering on `address`:`port`.
    func kubeProxyService(forIngress address: IPAddress, port: Int, on node: String) -> Service? {
        guard var view = apiViews[node] else {
            return viewCache.kubeProxyService(forIngress: address, port: port, in: controlPlane)
        }
        defer { apiViews[node] = view }
        return view.rules.service(forIngress: address, port: port, protocol: "TCP", in: view.api)
    }

    /// kube-proxy's rules on `node`: the ready endpoints of `service` (on `onNode` only, when given).
    func kubeProxyEndpoints(of service: Service, onNode local: String?, on node: String) -> [Pod] {
        guard var view = apiViews[node] else {
            return viewCache.kubeProxyEndpoints(of: service, onNode: local, in: controlPlane)
        }
        defer { apiViews[node] = view }
        return view.rules.readyEndpoints(
            of: service, onNode: local, in: view.api, fromSlices: config.version == .current)
    }

    /// What a speaker starting on `node` lists: the delivered services, or the node's frozen
    /// view while it is cut off.
    func informerList(for node: String) -> OrderedDictionary<String, ServiceView> {
        apiViews[node]?.informer ?? informerViews
    }
}
