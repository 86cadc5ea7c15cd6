import Cluster
import Engine
import IPAM
import Layer2
import OrderedCollections
import Wire

/// The simulated world: the segment, the hosts on it, the cluster's control plane, and the
/// event loop that drives them all in simulated time.
///
/// Single-threaded and deterministic: events run in (time, sequence) order and every random
/// draw comes from a stream split off the root seed by subsystem name.
public final class World {
    public let config: WorldConfig
    public private(set) var now: SimTime = .zero
    var queue = EventQueue<Event>()
    var segment: Segment
    var hosts: [Host] = []
    public let recorder = Recorder()
    public weak var trace: TraceSink?
    /// The trace, held back while a warm start's history runs (nothing before 0 is traced).
    weak var traceFromZero: TraceSink?
    /// Frame loss on the segment.
    var lossRandom: RandomStream
    /// A fault window of extra loss (`loss` action), in parts per million, until a time.
    var extraLoss: (ppm: UInt32, until: SimTime)?

    public internal(set) var nodes: [NodeHost] = []
    public internal(set) var clients: [ClientHost] = []
    /// The control plane: the API server's objects and the controllers that act on them.
    var controlPlane: ControlPlane
    /// The API server's objects.
    public var cluster: ClusterState { controlPlane.api }
    /// MetalLB's controller, once a configuration has been installed.
    public var controller: ServiceIPController? { controlPlane.metallb }
    /// The node processes' readings of the API objects, valid until they change.
    let viewCache = SpeakerViewCache()
    /// The services as the speakers' informers last received them (one watch delay behind the
    /// API server), in the order they were first delivered; a deleted one is gone.
    var informerViews: OrderedDictionary<String, ServiceView> = [:]
    /// The nodes cut off from the API server, by name, with what their processes last read.
    var apiViews: [String: NodeAPIView] = [:]
    /// Each reconnected node's pending re-list, by generation (a newer cut-off cancels it).
    var pendingRelists: [String: UInt64] = [:]
    var relistGeneration: UInt64 = 0
    /// Whether the event loop has run: before it, the world is still being set up.
    var hasStarted = false
    /// What hosts get instead of the world.
    var hostContext: HostContext { HostContext(self) }

    public init(config: WorldConfig, trace: TraceSink? = nil) {
        self.config = config
        if let warmStart = config.warmStart {
            now = .zero - warmStart.running
            traceFromZero = trace
        } else {
            self.trace = trace
        }
        segment = Segment(latency: config.latency, aging: config.fdbAging, lossPPM: config.lossPPM)
        lossRandom = RandomStream(rootSeed: config.seed, .segmentLoss)
        controlPlane = ControlPlane(
            version: config.version,
            timing: ControlPlane.Timing(
                watchDelay: config.watchDelay, podReadyDelay: config.podReadyDelay,
                nodeLifecycle: config.nodeLifecycle),
            random: RandomStream(rootSeed: config.seed, .cluster))
        let neighbourRandom = RandomStream(rootSeed: config.seed, .clientNeighbour)
        for spec in config.nodes {
            let node = NodeHost(
                spec: spec, port: Int32(hosts.count), interfaceName: config.interfaceName, config: config)
            attach(node)
            for index in node.interfaces.indices.dropFirst() {
                node.ports.append(Int32(hosts.count))
                attach(NodeInterfacePort(node: node, index: index))
                // An interface that is down passes no frames: the switch sees its link down.
                if !node.portPasses(index) { segment.linkUp[hosts.count - 1] = false }
            }
            nodes.append(node)
            // The labels the kubelet and kubeadm set (hostname, os, arch, roles); selectors rely
            // on them. The scenario's own labels win.
            let labels = NodeLabels.standard(name: spec.name, roles: spec.roles)
                .merging(spec.labels) { _, declared in declared }
            controlPlane.registerNode(
                Node(name: spec.name, internalIP: spec.ip, roles: spec.roles, labels: labels, taints: spec.taints))
        }
        for spec in config.clients {
            let client = ClientHost(
                spec: spec, port: Int32(hosts.count),
                random: neighbourRandom.split(spec.name))
            attach(client)
            clients.append(client)
        }
        if let warmStart = config.warmStart {
            scheduleSpeakerStarts(within: warmStart.speakerStarts)
            // First at 0: scheduled before anything else for that instant.
            at(.zero) { world in world.beginAtZero() }
        } else {
            for node in nodes { node.startSpeaker(in: hostContext) }
        }
        for client in clients { client.start(in: hostContext) }
        startKubelets()
    }

    private func attach(_ host: Host) {
        hosts.append(host)
        segment.linkUp.append(true)
        segment.group.append(0)
    }

    /// Events scheduled so far: a measure of simulation work.
    public var eventCount: UInt64 { queue.scheduledCount }

    // MARK: scheduling

    func schedule(_ event: Event, at time: SimTime) { queue.schedule(event, at: time) }

    /// Runs `action` at `time` (timeline actions, cluster reconciliation).
    public func at(_ time: SimTime, _ action: @escaping @Sendable (World) -> Void) {
        queue.schedule(.call(action), at: time)
    }

    /// Runs the event loop until simulated time reaches `end` (events at `end` included).
    public func run(until end: SimTime) {
        hasStarted = true
        while let (time, event) = queue.popNext(notAfter: end) {
            now = time
            dispatch(event)
        }
        now = end
    }

    @inline(__always)
    private func dispatch(_ event: Event) {
        switch event {
        case .deliver(let port, let frame):
            deliver(frame, to: Int(port))
        case .flood(let ingress, let frame):
            // The hot loop: one event fans out to every port. Read the world's arrays once;
            // receivers only schedule new events, they never change links or hosts here.
            let hosts = self.hosts
            let links = segment.linkUp
            let groups = segment.group
            let side = groups[Int(ingress)]
            let trace = self.trace.flatMap { $0.wantsInterfaceFrames ? $0 : nil }
            let context = hostContext
            var delivered: UInt64 = 0
            for port in 0..<hosts.count where port != Int(ingress) && links[port] && groups[port] == side {
                delivered &+= 1
                trace?.interfaceFrame(port: port, frame, at: now)
                hosts[port].receive(frame, in: context)
            }
            recorder.framesDelivered &+= delivered
        case .hostTimer(let port, let kind):
            hosts[Int(port)].timerFired(kind, in: hostContext)
        case .controlPlane(let step):
            runControlPlane(step)
        case .kubelet(let step):
            runKubelet(step)
        case .call(let action):
            action(self)
        }
    }

    @inline(__always)
    private func deliver(_ frame: [UInt8], to port: Int) {
        guard segment.linkUp[port] else { return }
        recorder.framesDelivered &+= 1
        if let trace, trace.wantsInterfaceFrames { trace.interfaceFrame(port: port, frame, at: now) }
        hosts[port].receive(frame, in: hostContext)
    }

    // MARK: the segment

    /// A host puts a frame on its port. The port mirror records it as it enters the switch;
    /// it reaches its receivers `latency` later.
    func transmit(_ frame: [UInt8], from port: Int32) {
        guard frame.count >= EthernetHeader.length, segment.linkUp[Int(port)] else { return }
        if let trace {
            if trace.wantsInterfaceFrames { trace.interfaceFrame(port: Int(port), frame, at: now) }
            trace.segmentFrame(frame, at: now)
        }
        recorder.framesOnSegment &+= 1
        if isLost() { return }
        let arrival = now + segment.latency
        if let egress = segment.forward(frame, ingress: port, now: now) {
            if egress >= 0 && segment.group[Int(egress)] == segment.group[Int(port)] {
                queue.schedule(.deliver(port: egress, frame: frame), at: arrival)
            }
        } else {
            queue.schedule(.flood(ingress: port, frame: frame), at: arrival)
        }
    }

    private func isLost() -> Bool {
        var ppm = segment.lossPPM
        if let extra = extraLoss {
            if now < extra.until { ppm = max(ppm, extra.ppm) } else { extraLoss = nil }
        }
        guard ppm > 0 else { return false }
        return lossRandom.chance(UInt64(ppm), in: 1_000_000)
    }

    func setLink(port: Int32, up: Bool) { segment.linkUp[Int(port)] = up }

    /// Splits the segment: each host named in a group talks only to its group; every other
    /// host (clients, unless listed) joins the first group. An empty list heals.
    public func partition(_ groups: [[String]]) {
        for (port, host) in hosts.enumerated() {
            let index = groups.firstIndex { $0.contains(host.name) } ?? 0
            segment.group[port] = Int32(index)
        }
        refreshAPIViews()
    }

    /// Whether a frame from `a` could reach `b` now (both links up, same side of a partition).
    func canReach(_ a: Int32, _ b: Int32) -> Bool {
        segment.linkUp[Int(a)] && segment.linkUp[Int(b)] && segment.group[Int(a)] == segment.group[Int(b)]
    }

    /// Adds random frame loss of `ppm` parts per million (10,000 is 1 %) until `until`.
    public func addLoss(ppm: UInt32, until: SimTime) { extraLoss = (ppm, until) }

    /// The node plugged into `port` (timeline closures hold ports, not host objects).
    func nodeHost(port: Int32) -> NodeHost? { hosts[Int(port)] as? NodeHost }

    public func node(named name: String) -> NodeHost? { nodes.first { $0.name == name } }
    public func client(named name: String) -> ClientHost? { clients.first { $0.name == name } }
}
