import Cluster
import Engine
import Layer2
import Membership
import Speaker
import Wire

/// A Kubernetes node on the segment: its kernel (answering ARP for its own address), the
/// MetalLB speaker (when running) and kube-proxy's rules for service traffic.
public final class NodeHost: Host {
    public let name: String
    public let mac: MACAddress
    public let ip: IPv4Address
    /// The primary interface's port on the switch.
    let port: Int32
    let interfaceName: String
    /// Every interface of the node, the primary one first, as its kernel shows them now (up or
    /// down, link-local address and all: `NodeHost+Interfaces.swift`); `ports[i]` is where
    /// interface `i` plugs into the switch.
    public internal(set) var interfaces: [L2Interface]
    /// The interfaces as the node boots (the scenario's declared state).
    let bootInterfaces: [L2Interface]
    /// Per interface: its carrier as the link actions and power left it. The switch port
    /// passes frames only while the interface has carrier and is up.
    var carrier: [Bool]
    /// Per interface: the duplicate address detection under way for its link-local address
    /// (a newer down or up of the interface makes an older one moot).
    var dadGeneration: [UInt64]
    /// Counts DAD runs on this node: each draws its wait from a stream of its own.
    var dadRuns: UInt64 = 0
    var ports: [Int32]
    /// The machine is on. A powered-off node sends and receives nothing.
    public internal(set) var powered = true
    /// The MetalLB speaker process, when it runs. `NodeHost` only drives it: every protocol
    /// decision is the speaker's (see `Speaker`). Boxed: a `Speaker` holds a dozen tables, and
    /// every read of an optional struct stored in a class copies it (a retain and release per
    /// table), on a path that runs for every frame on the segment.
    private var process: SpeakerProcess?

    /// A copy of the speaker process's state, when it runs (for tests and reports).
    public var speaker: Speaker? { process?.speaker }
    /// A warm start's history has not reached this node's first speaker start yet: the
    /// speaker DaemonSet does not start it earlier.
    var awaitsFirstSpeakerStart = false
    /// Counts speaker starts: timers armed by an earlier speaker process are ignored.
    var speakerGeneration: UInt64 = 0
    /// The kernel's ARP cache for the node's own datagrams.
    var neighbours = NodeNeighbours()
    /// The kernel's Neighbor Discovery tables, one per interface (`NodeHost+NDP.swift`).
    var neighbourDiscovery: NodeNeighbourDiscovery
    /// Counts the machine's boots: a pod's readiness timer from one boot must not fire into
    /// the next (off, on, off, on within a readiness delay).
    var bootGeneration: UInt64 = 0
    /// The machine booted while cut off from the API server: its kubelet has not yet read
    /// which pods are bound to it, so it restarts them (and reports them) once it can.
    var kubeletAwaitsAPIServer = false
    /// The kernel's TCP connections on the memberlist port (`NodeHost+Streams.swift`).
    var streams: [StreamKey: MemberlistStream] = [:]
    /// A join's seeds not dialed yet, and whether one of its dials is under way.
    var pendingJoinSeeds: [MembershipOutput.Datagram] = []
    var joinInFlight = false
    /// A join asked for while one runs: it starts when that one is done.
    var waitingJoin: [MembershipOutput.Datagram]?
    var nextEphemeralPort: UInt16

    /// What every speaker process on this node starts with (the DaemonSet's pod spec).
    public let speakerConfiguration: SpeakerConfiguration
    /// The run's root seed: each speaker process draws memberlist's randomness from its own
    /// stream, split off it by node and generation.
    let speakerSeed: UInt64

    init(spec: WorldConfig.NodeSpec, port: Int32, interfaceName: String, config: WorldConfig) {
        name = spec.name
        mac = spec.mac
        ip = spec.ip
        self.port = port
        self.interfaceName = interfaceName
        interfaces =
            [L2Interface(name: interfaceName, hardwareAddress: spec.mac)]
            + spec.extraInterfaces.map {
                L2Interface(name: $0.name, hardwareAddress: $0.mac, isUp: $0.up, isNoARP: $0.noARP, master: $0.master)
            }
        bootInterfaces = interfaces
        carrier = Array(repeating: true, count: interfaces.count)
        dadGeneration = Array(repeating: 0, count: interfaces.count)
        ports = [port]
        neighbourDiscovery = NodeNeighbourDiscovery(
            interfaceCount: interfaces.count,
            random: RandomStream(rootSeed: config.seed, .nodeNeighbour).split(spec.name))
        nextEphemeralPort = 32768 + UInt16(RandomStream.fnv1a(spec.name) % 28232)
        speakerSeed = config.seed
        speakerConfiguration = SpeakerConfiguration(
            node: spec.name, address: spec.ip, interfaces: interfaces, rules: config.speakerRules,
            membership: config.membership.map { membership in
                // MetalLB v0.9.4 pins memberlist v0.1.7, whose pings do not name the sender.
                var pinned = membership
                if config.version == .v0_9_4 { pinned.pingsNameTheSender = false }
                return pinned
            }, memberlistPort: Self.memberlistPort,
            speakerAddresses: config.nodes.map(\.ip), informerSyncDelay: config.watchDelay.nanoseconds)
    }

    public var isSpeakerRunning: Bool { powered && process != nil }

    /// A speaker with memberlist runs: something listens on TCP 7946.
    var listensOnMemberlistPort: Bool { process?.speaker.memberlist != nil }

    /// A speaker process exists (on a powered node, `isSpeakerRunning`).
    var hasSpeaker: Bool { process != nil }

    /// The speaker's memberlist, while the speaker runs with memberlist enabled.
    public var membership: Memberlist<RandomStream>? { speaker?.memberlist }

    // MARK: the speaker process

    /// Starts the speaker with empty state, as a new pod of the DaemonSet does. A restarted
    /// speaker (`resync`) re-syncs every service once its informers have synced; the first
    /// speakers of a run get their services as the scenario's objects are applied.
    func startSpeaker(in context: HostContext, resync: Bool = false) {
        speakerGeneration &+= 1
        dropStreams()
        let generator = RandomStream(rootSeed: speakerSeed, .memberlist)
            .split("\(name)#\(speakerGeneration)")
        process = SpeakerProcess(
            Speaker(
                configuration: speakerConfiguration, generator: generator, now: context.now.nanoseconds,
                informer: context.speakerInformerList(for: name), resyncWhenInformersSync: resync,
                poolConfig: context.speakerPoolConfig(for: name), interfaces: interfaces))
        flushSpeaker(process!, in: context)
    }

    /// Removes a speaker that has not run yet (the scenario's speaker DaemonSet has no pod
    /// here): its timers are dropped with its generation, and it has sent nothing.
    func discardSpeakerBeforeStart() {
        process = nil
        speakerGeneration &+= 1
    }

    /// Signals the speaker process: SIGTERM (`graceful`) or SIGKILL. A power loss is a kill.
    func terminateSpeaker(graceful: Bool, in context: HostContext) {
        driveSpeaker(in: context) { $0.terminate(graceful: graceful, now: context.now.nanoseconds) }
    }

    /// Runs `body` on the speaker in place (no copy of its tables), if it runs, then carries
    /// out what it produced.
    @inline(__always)
    func driveSpeaker(in context: HostContext, _ body: (inout Speaker) -> Void) {
        guard let process else { return }
        body(&process.speaker)
        if process.speaker.hasOutput { flushSpeaker(process, in: context) }
    }

    /// Carries out the speaker's outputs in the order it produced them: frames onto the
    /// node's interfaces, datagrams through the node's IP stack, records into the recorder,
    /// timers into the event queue (tagged with the process's generation).
    private func flushSpeaker(_ process: SpeakerProcess, in context: HostContext) {
        var exited = false
        var dials: [MembershipOutput.Datagram] = []
        while let output = process.speaker.poll() {
            switch output {
            case .transmit(let frame):
                if let nextHop = frame.nextHop {
                    sendSpeakerAnswer(frame, to: nextHop, in: context)
                } else {
                    context.transmit(frame.bytes, from: ports[frame.interface])
                }
            case .datagram(let datagram) where datagram.transport == .stream:
                dials.append(datagram)
            case .datagram(let datagram):
                send(
                    NodeNeighbours.Waiting(
                        destination: datagram.destination, destinationPort: datagram.port,
                        payload: datagram.payload), in: context)
            case .record(.announceFailed(let failure)):
                // The speaker's event recorder posts it on the Service, stamped now.
                context.postServiceEvent(
                    ObjectEvent(
                        time: context.now.nanoseconds, type: .warning, reason: AnnounceFailure.reason,
                        message: failure.message), for: failure.service)
            case .record(let record):
                context.recorder.speakerRecord(record, node: name, at: context.now)
            case .arm(let timer, let time):
                context.schedule(
                    .speaker(timer, generation: speakerGeneration), port: port, at: SimTime(nanoseconds: time))
            case .exited:
                exited = true
            }
        }
        if !dials.isEmpty && !exited { dialStreams(dials, in: context) }
        if exited {
            self.process = nil
            dropStreams()
        }
    }

    // MARK: Host

    func timerFired(_ kind: HostTimer, in context: HostContext) { timerFired(kind, on: 0, in: context) }

    /// A timer armed on interface `index`'s port fired: a neighbour timer of that interface's
    /// Neighbor Discovery table; every other timer is armed on the primary port.
    func timerFired(_ kind: HostTimer, on index: Int, in context: HostContext) {
        guard powered else { return }
        switch kind {
        case .speaker(let timer, let generation):
            guard generation == speakerGeneration else { return }
            driveSpeaker(in: context) { $0.handleTimeout(timer, now: context.now.nanoseconds) }
        case .arpRetransmit(let ip):
            retransmitResolution(ip, in: context)
        case .stream(let key, let generation):
            streamTimerFired(key, generation: generation, in: context)
        case .addressDAD(let index, let generation):
            duplicateAddressDetectionDone(on: index, generation: generation, in: context)
        case .neighbour(.v6(let ip), let generation):
            neighbourDiscoveryTimerFired(ip, generation: generation, on: index, in: context)
        case .probe, .arping, .neighbour(.v4, _):
            break
        }
    }

    func receive(_ frame: [UInt8], in context: HostContext) { receive(frame, on: 0, in: context) }

    /// A frame arrived on interface `index` (a down interface receives nothing).
    func receive(_ frame: [UInt8], on index: Int, in context: HostContext) {
        guard powered, interfaces[index].isUp else { return }
        let interfaceMAC = interfaces[index].hardwareAddress
        // Parse once; both the kernel and the speaker read the same ARP packet.
        let arp: (destination: MACAddress, packet: ARPPacket)?? = frame.withUnsafeBytes { raw in
            guard let ethernet = try? EthernetHeader.parse(raw) else { return .some(nil) }
            // The NIC's filter: its MAC, broadcast or multicast.
            guard ethernet.destination == interfaceMAC || ethernet.destination.isMulticast else { return .some(nil) }
            guard ethernet.etherType == .arp else {
                return ethernet.etherType == .ipv4 || ethernet.etherType == .ipv6 ? nil : .some(nil)
            }
            // MetalLB reads ARP of any hardware and protocol type; the kernel checks them.
            guard
                let packet = try? ARPPacket.parseAnyTypes(
                    UnsafeRawBufferPointer(rebasing: raw[EthernetHeader.length...]))
            else { return .some(nil) }
            return (ethernet.destination, packet)
        }
        switch arp {
        case .some(.some((let destination, let packet))):
            // In place: calling through the optional would copy the speaker's tables per frame.
            driveSpeaker(in: context) {
                $0.handleARP(packet, ethernetDestination: destination, interface: index, now: context.now.nanoseconds)
            }
            answerOwnARP(packet, on: index, in: context)
        case .none:
            receiveIP(frame, on: index, in: context)
        case .some(.none):
            break
        }
    }

    /// An IPv4 or IPv6 frame, decoded once for whichever part of the node takes it: Neighbor
    /// Discovery the speaker's NDP responder and the kernel's own (`NodeHost+NDP.swift`; the
    /// responder checks the groups itself, and a unicast NUD probe to a service address
    /// reaches no socket and is dropped), memberlist the UDP datagrams to the node's address,
    /// and kube-proxy TCP to LoadBalancer ingress addresses.
    private func receiveIP(_ frame: [UInt8], on index: Int, in context: HostContext) {
        guard let decoded = try? EthernetFrame.decode(frame) else {
            // NDP with a non-zero ICMPv6 code: the kernel drops it, MetalLB's library reads it.
            if let ndp = EthernetFrame.decodeNDPAnyCode(frame), case .ipv6NDP(let header, let message) = ndp.payload {
                receiveNDP(
                    frame, decoded: ndp, header: header, message: message, kernelReads: false, on: index, in: context)
            }
            return
        }
        switch decoded.payload {
        case .ipv6NDP(let header, let message):
            receiveNDP(
                frame, decoded: decoded, header: header, message: message, kernelReads: true, on: index, in: context)
        // With the primary interface down the node's address has no local route, so the
        // kernel delivers nothing for it, whichever interface it came in on (fib_disable_ip).
        case .ipv4Other(let header) where header.protocol == .udp && header.destination == ip && hasRoutes:
            receiveDatagram(frame, decoded: decoded, header: header, in: context)
        case .ipv4TCP(let header, let tcp) where header.destination == ip && hasRoutes:
            // The node's own TCP: memberlist's port (anything else finds no listener).
            let payload = decoded.dataRange.upperBound <= frame.count ? Array(frame[decoded.dataRange]) : []
            receiveSegment(tcp, payload: payload, from: header.source, in: context)
        case .ipv4TCP(let header, let tcp):
            kubeProxy(
                tcp, from: .v4(header.source), to: .v4(header.destination), sender: decoded.ethernet.source,
                on: index, in: context)
        case .ipv6TCP(let header, let tcp):
            kubeProxy(
                tcp, from: .v6(header.source), to: .v6(header.destination), sender: decoded.ethernet.source,
                on: index, in: context)
        default:
            break
        }
    }

    /// The node's kernel answers ARP for its own InternalIP (MetalLB's addresses are not on
    /// the interface, so the kernel never answers for those). With Linux's default
    /// `arp_ignore=0` it answers on whichever interface the request came in on, with that
    /// interface's MAC (ARP flux, when a node has two NICs on one segment); a NOARP
    /// interface answers nothing, and no interface does while the primary one is down (the
    /// address has no local route then: `hasRoutes`).
    private func answerOwnARP(_ packet: ARPPacket, on index: Int, in context: HostContext) {
        guard packet.targetProtocolAddress == ip, packet.isForLinuxOnEthernet, !interfaces[index].isNoARP,
            hasRoutes
        else {
            return
        }
        // Linux records the sender of a request or reply aimed at its address.
        learnNeighbour(packet.senderProtocolAddress, at: packet.senderHardwareAddress, in: context)
        guard packet.operation == .request else { return }
        let request = packet
        let mac = interfaces[index].hardwareAddress
        let port = ports[index]
        let reply = ARPPacket(
            operation: .reply, senderHardwareAddress: mac, senderProtocolAddress: ip,
            targetHardwareAddress: request.senderHardwareAddress,
            targetProtocolAddress: request.senderProtocolAddress)
        context.transmit(EthernetFrame.arp(reply, destination: request.senderHardwareAddress, source: mac), from: port)
    }

    /// kube-proxy (iptables mode): every node has rules for every LoadBalancer ingress IP and
    /// port, so a SYN for one reaches a pod from whichever node it lands on, as long as the
    /// service has a ready endpoint (on this node, for externalTrafficPolicy Local). The pod's
    /// SYN-ACK leaves through this node. A service without endpoints is rejected with a RST.
    /// IPv4 and IPv6 alike (iptables and ip6tables hold the same rules for each family's
    /// ingress address); the answer goes to the SYN's Ethernet source, so the node's own
    /// neighbour resolution of the client is not modelled for this traffic in either family
    /// (the node's Neighbor Discovery tables carry only Neighbor Discovery: `NodeHost+NDP.swift`).
    private func kubeProxy(
        _ tcp: TCPHeader, from clientAddress: IPAddress, to serviceAddress: IPAddress,
        sender source: MACAddress, on index: Int, in context: HostContext
    ) {
        let mac = interfaces[index].hardwareAddress
        let port = ports[index]
        let segment = (source: clientAddress, destination: serviceAddress)
        // No route back to the client while the interface holding the node's subnet is down.
        guard hasRoutes, tcp.flags.contains(.syn), !tcp.flags.contains(.ack),
            let service = context.kubeProxyService(
                forIngress: segment.destination, port: Int(tcp.destinationPort), on: name)
        else { return }
        let local = service.externalTrafficPolicy == .local ? name : nil
        var endpoints = context.kubeProxyEndpoints(of: service, onNode: local, on: name)
        // kube-proxy programs a service port with the pods that resolve its target port; a
        // selectorless Service's port with the endpoints that list a port of its name.
        if let port = service.ports.first(where: { $0.port == Int(tcp.destinationPort) && $0.protocol == "TCP" }) {
            if service.isSelectorless {
                endpoints = endpoints.filter { $0.containerPorts.contains { $0.name == (port.name ?? "") } }
            } else if !port.isNumeric {
                endpoints = endpoints.filter { port.resolve(on: $0) != nil }
            }
        }
        // A deterministic initial sequence number: a hash of the connection's 4-tuple.
        let isn = UInt32(
            truncatingIfNeeded: RandomStream.fnv1a(
                "\(segment.destination):\(tcp.destinationPort)>\(segment.source):\(tcp.sourcePort):\(tcp.sequenceNumber)"
            ))
        let serving = !endpoints.isEmpty
        if serving {
            // iptables picks an endpoint at random per connection (here: by the hash). One on a
            // machine that is off or cut off still counts as Ready until Kubernetes notices:
            // the SYN goes there and nothing answers.
            let chosen = endpoints[Int(isn % UInt32(endpoints.count))]
            guard let backend = chosen.nodeName,
                context.canForward(to: backend, from: port, isSelf: backend == name)
            else { return }
        }
        let answer = TCPHeader(
            sourcePort: tcp.destinationPort, destinationPort: tcp.sourcePort,
            sequenceNumber: serving ? isn : 0,
            acknowledgmentNumber: tcp.sequenceNumber &+ 1,
            flags: serving ? [.syn, .ack] : [.rst, .ack],
            window: serving ? 65160 : 0, checksum: 0, urgentPointer: 0,
            options: serving ? [2, 4, 0x05, 0xb4] : [])
        switch (segment.destination, segment.source) {
        case (.v4(let service), .v4(let client)):
            context.transmit(
                EthernetFrame.ipv4TCP(
                    destination: source, source: mac, ipSource: service,
                    ipDestination: client, identification: 0, tcp: answer), from: port)
        case (.v6(let service), .v6(let client)):
            context.transmit(
                EthernetFrame.ipv6TCP(
                    destination: source, source: mac, ipSource: service,
                    ipDestination: client, tcp: answer), from: port)
        default:
            break
        }
    }
}

/// The box a node keeps its speaker process in (see `NodeHost.process`).
final class SpeakerProcess {
    var speaker: Speaker

    init(_ speaker: Speaker) { self.speaker = speaker }
}
