import Engine
import IPAM

/// API writes: what the initial manifests and the timeline's actions do to the API server's
/// objects, and who hears of each change. Every watcher sees a write one watch delay after it
/// happens: MetalLB's controller, then (one more delay later) the speakers' informers.
extension ControlPlane {
    /// An Event a node's process posted on a Service.
    public mutating func recordServiceEvent(_ event: ObjectEvent, for service: String) {
        api.record(event, for: service)
    }

    // MARK: MetalLB's configuration

    /// Installs MetalLB's pool configuration and, when the controller takes it, reprocesses
    /// every service (that is also how pending services get their retry). `advertised` names
    /// the pools some L2Advertisement selects (current MetalLB); nil announces every layer2 pool.
    ///
    /// A configuration v0.9.4 refuses because it would orphan an assigned address is recorded
    /// in `api.configRejections` and changes nothing; other invalid configurations throw (the
    /// scenario loader has rejected them before a run starts).
    public mutating func applyMetalLBConfig(
        _ pools: [AddressPool], advertised: Set<String>? = nil, now: SimTime
    ) throws(PoolConfigError) {
        self.now = now
        let namespaces = api.namespaceLabels
        if metallb == nil {
            metallb = try ServiceIPController(version: version, pools: pools, namespaces: namespaces)
        } else {
            do {
                try metallb!.setPools(pools, namespaces: namespaces)
            } catch let error {
                guard case .orphansAssignment = error else { throw error }
                api.configRejections.append(ConfigRejection(time: now.nanoseconds, message: error.description))
                return
            }
        }
        // A new configuration can unassign or re-home services that held addresses.
        emit(.poolsInstalled(pools))
        advertisedPools = advertised
        after(timing.watchDelay, .reconcileAllServices)
    }

    /// Stores MetalLB's configuration objects as the API server now holds them and hands the
    /// resulting configuration to the controller.
    public mutating func applyMetalLBResources(_ resources: MetalLBResources, now: SimTime) {
        self.now = now
        api.metallb = resources
        // v0.9.4's speakers watch the ConfigMap themselves, whatever the controller makes of it.
        if version == .v0_9_4 { after(timing.watchDelay, .deliverMetalLBConfig) }
        // Pools are validated when a scenario loads; what can still be refused here (v0.9.4's
        // orphan rule) is recorded by applyMetalLBConfig itself.
        try? applyMetalLBConfig(resources.pools, advertised: resources.advertisedPools, now: now)
    }

    /// Creates, relabels (`labels` non-nil) or deletes a Namespace. current MetalLB's
    /// configuration depends on Namespaces (`namespaceSelectors`): the caller re-applies it.
    public mutating func setNamespace(_ name: String, labels: [String: String]?) {
        api.namespaces[name] = labels
    }

    // MARK: Services

    /// Creates or replaces a Service: the API server stores it, drawing its cluster IP and
    /// node ports.
    public mutating func applyService(_ service: Service, now: SimTime) {
        self.now = now
        var draws = random
        let key = api.admit(service) { bound in draws.uniform(below: bound) }.key
        random = draws
        after(timing.watchDelay, .reconcileService(key))
    }

    /// Deletes a Service; MetalLB's controller sees it a watch delay later.
    public mutating func deleteService(_ key: String, now: SimTime) {
        self.now = now
        api.services[key] = nil
        after(timing.watchDelay, .serviceDeleted(key))
    }

    // MARK: Pods

    /// Creates or replaces a Pod. A pod created Ready (from the initial manifests) is Ready at
    /// once; one created later turns Ready after `readyAfter` (by default the pod start-up
    /// delay plus its own readiness delay).
    public mutating func applyPod(_ pod: Pod, startsReady: Bool, readyAfter delay: SimDuration? = nil, now: SimTime) {
        self.now = now
        var pod = pod
        pod.ready = startsReady
        pod = api.admit(pod)
        podChanged(pod)
        if !startsReady {
            let readyAfter = delay ?? timing.podReadyDelay + .seconds(Int64(pod.readinessDelaySeconds))
            emit(.schedule(.podStarted(pod.key), at: now + readyAfter))
        }
    }

    /// Deletes a pod, as `kubectl delete pod` does: the workload that owns it, if any, sees the
    /// deletion a watch delay later and re-creates it (a ReplicaSet with a new name, a
    /// StatefulSet under the same one, a DaemonSet on the same node).
    public mutating func deletePod(_ key: String, now: SimTime) {
        self.now = now
        guard let pod = api.pods[key], !pod.terminating else { return }
        terminatePod(key)
        // The pod's controller sees the deletion (its deletionTimestamp) and replaces it at
        // once, whether or not it has exited yet.
        if let owner = pod.owner, workloads.workloads[owner] != nil {
            after(timing.watchDelay, .ownedPodDeleted(owner))
        }
    }

    /// A graceful deletion (`PodTermination`): a pod that exits at once, or was never placed,
    /// goes now; any other stays, terminating, until it exits, and is then re-created on
    /// `movingTo` when it is being moved (a pod's name is free again only once it is gone).
    mutating func terminatePod(_ key: String, movingTo node: String? = nil) {
        guard var pod = api.pods[key], !pod.terminating else { return }
        let exit = pod.termination.exitSeconds
        guard exit > 0, pod.nodeName != nil else {
            removePod(key)
            if let node { recreate(pod, on: node) }
            return
        }
        pod.terminating = true
        api.pods[key] = pod
        podChanged(pod)
        after(.seconds(Int64(exit)), .podExited(key, movingTo: node))
    }

    /// A terminating pod's containers have exited: the kubelet confirms and the pod is gone.
    mutating func podExited(_ key: String, movingTo node: String?) {
        guard let pod = api.pods[key], pod.terminating else { return }
        removePod(key)
        if let node { recreate(pod, on: node) }
    }

    private mutating func recreate(_ pod: Pod, on node: String) {
        var pod = pod
        pod.nodeName = node
        pod.podIP = nil
        pod.terminating = false
        applyPod(pod, startsReady: false, now: now)
    }

    /// Removes a pod the control plane itself deletes (scale-down, eviction, garbage
    /// collection, a move): its controller decided it, so nothing is re-created here.
    @discardableResult
    mutating func removePod(_ key: String) -> Pod? {
        guard let pod = api.pods.removeValue(forKey: key) else { return nil }
        podChanged(pod)
        return pod
    }

    /// The timeline's `movePod`: the pod is deleted and re-created on `node` once it has gone,
    /// not Ready until its start-up delay has passed.
    public mutating func movePod(_ key: String, to node: String, now: SimTime) {
        self.now = now
        terminatePod(key, movingTo: node)
    }

    public mutating func setPodReady(_ key: String, ready: Bool, now: SimTime) {
        self.now = now
        setPodReady(key, ready: ready)
    }

    mutating func setPodReady(_ key: String, ready: Bool) {
        guard var pod = api.pods[key], pod.ready != ready else { return }
        pod.ready = ready
        api.pods[key] = pod
        podChanged(pod)
        podReadinessChanged(pod)
    }

    /// Endpoints changed for every service that selects this pod: speakers re-sync those.
    mutating func podChanged(_ pod: Pod) {
        let affected = api.services.values
            .filter { $0.meta.namespace == pod.meta.namespace && $0.selector.matches(pod.meta.labels) }
            .map(\.key)
        guard !affected.isEmpty else { return }
        after(timing.watchDelay, .deliverServices(affected))
    }

    /// A selectorless Service's hand-written Endpoints or EndpointSlices changed: its
    /// watchers (MetalLB's speakers, kube-proxy) see them one watch delay later.
    public mutating func applyManualEndpoints(
        service key: String, now: SimTime, _ change: (inout ManualEndpoints) -> Void
    ) {
        self.now = now
        change(&api.manualEndpoints)
        after(timing.watchDelay, .deliverServices([key]))
    }

    // MARK: Nodes

    /// Registers a Node as the kubelet does when it first starts (no watcher is told: every
    /// process starts after registration).
    public mutating func registerNode(_ node: Node) {
        api.nodes[node.name] = node
    }

    /// A v1/Node manifest: merges its labels into the Node and sets its taints and cordon
    /// when it declares them. In the initial manifests (`initial`) it describes the Node as it
    /// was before anything started, so nobody is told; later it is a change every watcher sees.
    public mutating func applyNodeManifest(
        _ name: String, labels: [String: String], taints: [Taint]?, unschedulable: Bool?, initial: Bool, now: SimTime
    ) {
        self.now = now
        guard var node = api.nodes[name] else { return }
        node.meta.labels.merge(labels) { _, new in new }
        if let taints { node.taints = taints }
        if let unschedulable { node.unschedulable = unschedulable }
        if initial {
            api.nodes[name] = node
        } else {
            nodeObjectChanged(node)
        }
    }

    /// Sets or removes (`value` nil) a label on a Node.
    public mutating func setLabel(node name: String, key: String, value: String?, now: SimTime) {
        self.now = now
        guard var node = api.nodes[name] else { return }
        node.meta.labels[key] = value
        nodeObjectChanged(node)
    }

    /// Sets a Node condition other than Ready (`NetworkUnavailable`...).
    public mutating func setCondition(node name: String, type: String, status: String, now: SimTime) {
        self.now = now
        guard var node = api.nodes[name] else { return }
        node.conditions[type] = status
        emit(.nodeCondition(node: name, change: "\(type)=\(status)"))
        nodeObjectChanged(node)
    }

    /// Stores a changed Node. Speakers see it a watch delay later, with what changed (their
    /// node watches filter on it: `Speaker.handleNodeChanged`); current also re-runs every
    /// election when the node's availability to load balancers changed (NetworkUnavailable or
    /// the exclude label, `isNodeAvailableChanged`); v0.9.4 re-runs nothing.
    mutating func nodeObjectChanged(_ node: Node) {
        let old = api.nodes[node.name]
        api.nodes[node.name] = node
        let availabilityChanged =
            old.map {
                $0.isNetworkUnavailable != node.isNetworkUnavailable
                    || $0.isExcludedFromLoadBalancers != node.isExcludedFromLoadBalancers
            } ?? false
        let change = NodeChange(
            labels: old.map { $0.meta.labels != node.meta.labels } ?? true,
            networkUnavailable: old.map { $0.isNetworkUnavailable != node.isNetworkUnavailable } ?? false,
            availabilityChanged: availabilityChanged)
        after(timing.watchDelay, .deliverNode(node.name, change))
        // Only when someone is watching for it: a cluster without DaemonSets or Pending pods
        // schedules nothing more.
        if workloads.workloads.values.contains(where: { $0.kind == .daemonSet })
            || api.pods.values.contains(where: { $0.nodeName == nil })
        {
            after(timing.watchDelay, .nodeSeenByControllers)
        }
    }
}
