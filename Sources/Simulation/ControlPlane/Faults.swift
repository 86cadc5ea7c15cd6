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
        guard let node = node(named: name) else { return }
        guard node.powered else { return skip("powerOff", name, "the node is already off") }
        node.terminateSpeaker(graceful: false, in: hostContext)
        node.powered = false
        node.neighbours.flush()
        node.neighbourDiscovery.flush()
        node.dropCarrier()
        refreshPorts(of: node)
        refreshAPIViews()
    }

    /// The machine boots: the link comes up, the kubelet reports again, the speaker starts
    /// with empty state and the pods still bound to the node start their containers again.
    public func powerOn(node name: String) {
        guard let node = node(named: name) else { return }
        guard !node.powered else { return skip("powerOn", name, "the node is already on") }
        node.powered = true
        node.bootGeneration &+= 1
        node.bootInterfacesUp()
        refreshPorts(of: node)
        refreshAPIViews(booted: name)
        kubeletBooted(node)
        // The DaemonSet's pod restarts with the machine, where it has one.
        if runsSpeaker(name) { node.startSpeaker(in: hostContext, resync: true) }
    }

    /// Starts the speaker on a node with empty state: it joins memberlist and, once its
    /// informers have synced, re-runs its election for every service.
    public func startSpeaker(node name: String) {
        guard let node = node(named: name) else { return }
        guard node.powered else { return skip("startSpeaker", name, "the node is off") }
        guard !node.hasSpeaker else { return skip("startSpeaker", name, "its speaker is already running") }
        guard runsSpeaker(name) else {
            return skip("startSpeaker", name, "MetalLB's speaker DaemonSet has no pod on this node")
        }
        node.startSpeaker(in: hostContext, resync: true)
    }

    /// Records a timeline action that had nothing to act on.
    private func skip(_ action: String, _ node: String, _ reason: String) {
        recorder.skipped(SkippedActionRecord(time: now, action: action, node: node, reason: reason))
    }

    /// Stops the speaker process. A graceful stop (SIGTERM) leaves memberlist first and keeps
    /// answering until the leave is out (at most a second); a crash is silent.
    public func stopSpeaker(node name: String, graceful: Bool = true) {
        guard let node = node(named: name) else { return }
        guard node.hasSpeaker else {
            return skip("stopSpeaker", name, node.powered ? "no speaker runs there" : "the node is off")
        }
        node.terminateSpeaker(graceful: graceful, in: hostContext)
    }

    /// A node's interface (`interface` nil: every interface) loses or regains carrier: a
    /// cable or a switch port. The interface stays up, so MetalLB keeps its responders and
    /// frames just stop crossing. The scenario loader has checked the names; a name the node
    /// does not have is a programming error, not a fault to skip silently.
    public func setLink(node name: String, interface: String? = nil, up: Bool) {
        guard let node = node(named: name) else { preconditionFailure("setLink: no node \(name)") }
        let indices = interfaceIndices(of: node, interface, action: "setLink")
        var changed = false
        for index in indices { changed = node.setCarrier(of: index, up, in: hostContext) || changed }
        for index in indices {
            setLink(port: node.ports[index], up: node.portPasses(index))
            // The kernel forgets the interface's neighbours when carrier goes (neigh_carrier_down).
            if !up { node.neighbourDiscovery.interfaceWentDown(index) }
        }
        if changed { node.reportInterfaces(in: hostContext) }
        refreshAPIViews()
    }

    /// `ip link set dev IF down|up` on a node (`interface` nil: every interface): see
    /// `NodeHost+Interfaces.swift` for what that does beyond carrier. The speaker hears of it
    /// only through its next interface scan.
    public func setInterface(node name: String, interface: String? = nil, up: Bool) {
        guard let node = node(named: name) else { preconditionFailure("setInterface: no node \(name)") }
        let action = up ? "ifUp" : "ifDown"
        let indices = interfaceIndices(of: node, interface, action: action)
        guard node.powered else { return skip(action, name, "the node is off") }
        var changed = false
        for index in indices { changed = node.setAdministrativeState(of: index, up: up, in: hostContext) || changed }
        guard changed else {
            return skip(action, name, "\(interface ?? "every interface") is \(up ? "up" : "down") already")
        }
        // An interface taken down forgets its neighbours (neigh_ifdown).
        if !up { for index in indices { node.neighbourDiscovery.interfaceWentDown(index) } }
        refreshPorts(of: node)
        node.reportInterfaces(in: hostContext)
        refreshAPIViews()
    }

    /// The node's interfaces named `interface` (nil: all of them), by index.
    private func interfaceIndices(of node: NodeHost, _ interface: String?, action: String) -> [Int] {
        precondition(
            interface == nil || node.interfaces.contains { $0.name == interface },
            "\(action): \(node.name) has no interface \(interface ?? "")")
        return node.interfaces.indices.filter { interface == nil || node.interfaces[$0].name == interface }
    }

    /// Sets each of the node's switch ports as its interface's state says.
    private func refreshPorts(of node: NodeHost) {
        for (index, port) in node.ports.enumerated() { setLink(port: port, up: node.portPasses(index)) }
    }
}
