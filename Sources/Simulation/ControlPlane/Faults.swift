import Cluster
import Engine

/// Faults the timeline can inject into the world.
///
/// None of them tells the other speakers anything: they notice through memberlist (a leave
/// message after a graceful stop, failed probes otherwise), and Kubernetes notices through
/// missing kubelet status updates, exactly as on a real cluster. With memberlist disabled
/// nobody notices a dead speaker at all.
extension World {
    /// The whole machine stops: it sends and answers nothing, its speaker and pods are gone
    /// with it (the API server still lists the pods as Ready until the node lifecycle
    /// controller marks the node NotReady).
    public func powerOff(node name: String) {
        guard let node = node(named: name), node.powered else { return }
        node.terminateSpeaker(graceful: false, in: hostContext)
        node.powered = false
        node.neighbours.flush()
        for port in node.ports { setLink(port: port, up: false) }
    }

    /// The machine boots: the link comes up, the kubelet reports again, the speaker starts
    /// with empty state and the pods still bound to the node start their containers again.
    public func powerOn(node name: String) {
        guard let node = node(named: name), !node.powered else { return }
        node.powered = true
        node.bootGeneration &+= 1
        let boot = node.bootGeneration
        for (index, port) in node.ports.enumerated() { setLink(port: port, up: node.interfaces[index].isUp) }
        // Every pod restarts now and is Ready after its own delay, whatever the lifecycle
        // controller did while the node was away.
        nodeLifecycle.nodeRebooted(name)
        for pod in cluster.pods.values where pod.nodeName == name && pod.ready {
            setPodReady(pod.key, ready: false)
        }
        for pod in cluster.pods.values where pod.nodeName == name {
            let key = pod.key
            at(now + config.podReadyDelay + .seconds(Int64(pod.readinessDelaySeconds))) { world in
                guard let host = world.node(named: name), host.powered, host.bootGeneration == boot,
                    world.cluster.pods[key]?.nodeName == name
                else { return }
                world.setPodReady(key, ready: true)
            }
        }
        startSpeaker(node: name)
    }

    /// Starts the speaker on a node with empty state: it joins memberlist and, once its
    /// informers have synced, re-runs its election for every service.
    public func startSpeaker(node name: String) {
        guard let node = node(named: name), node.powered, !node.hasSpeaker else { return }
        node.startSpeaker(in: hostContext, resync: true)
    }

    /// Stops the speaker process. A graceful stop (SIGTERM) leaves memberlist first and keeps
    /// answering until the leave is out (at most a second); a crash is silent.
    public func stopSpeaker(node name: String, graceful: Bool = true) {
        guard let node = node(named: name), node.hasSpeaker else { return }
        node.terminateSpeaker(graceful: graceful, in: hostContext)
    }

    /// Takes a node's interface (`interface` nil: every interface) down or up. The scenario
    /// loader has checked the names; a name the node does not have is a programming error, not
    /// a fault to skip silently.
    public func setLink(node name: String, interface: String? = nil, up: Bool) {
        guard let node = node(named: name) else { preconditionFailure("setLink: no node \(name)") }
        precondition(
            interface == nil || node.interfaces.contains { $0.name == interface },
            "setLink: \(name) has no interface \(interface ?? "")")
        for (index, port) in node.ports.enumerated() where interface == nil || node.interfaces[index].name == interface
        {
            setLink(port: port, up: up)
        }
    }

    // MARK: the Node object

    /// Sets or removes (`value` nil) a label on a Node.
    public func setLabel(node name: String, key: String, value: String?) {
        guard var node = cluster.nodes[name] else { return }
        node.meta.labels[key] = value
        nodeObjectChanged(node)
    }

    /// Sets a Node condition other than Ready (`NetworkUnavailable`...).
    public func setCondition(node name: String, type: String, status: String) {
        guard var node = cluster.nodes[name] else { return }
        node.conditions[type] = status
        recorder.nodeChanged(NodeConditionRecord(time: now, node: name, change: "\(type)=\(status)"))
        nodeObjectChanged(node)
    }

    /// Stores a changed Node. Speakers see it a watch delay later. MetalLB's `SetNode` triggers
    /// a memberlist rejoin (v0.9.4 on any Node, current on its own); current also re-runs every
    /// election when the node's availability to load balancers changed (NetworkUnavailable or
    /// the exclude label, `isNodeAvailableChanged`); v0.9.4 re-runs nothing.
    func nodeObjectChanged(_ node: Node) {
        let old = cluster.nodes[node.name]
        cluster.nodes[node.name] = node
        let name = node.name
        let availabilityChanged =
            old.map {
                $0.isNetworkUnavailable != node.isNetworkUnavailable
                    || $0.isExcludedFromLoadBalancers != node.isExcludedFromLoadBalancers
            } ?? false
        at(now + config.watchDelay) { world in
            for host in world.nodes where host.isSpeakerRunning {
                host.driveSpeaker(in: world.hostContext) { $0.handleNodeChanged(name, now: world.now.nanoseconds) }
            }
            if world.config.version == .current && availabilityChanged {
                world.speakersSync(services: Array(world.cluster.services.keys))
            }
        }
    }
}
