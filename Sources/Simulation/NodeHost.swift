import Cluster
import Engine
import Layer2
import Membership
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
    /// Every interface of the node, the primary one first; `ports[i]` is where interface `i`
    /// plugs into the switch.
    public let interfaces: [L2Interface]
    var ports: [Int32]
    /// For each of the speaker's responders, the node interface it runs on.
    private var speakerInterfaces: [Int] = []
    /// The machine is on. A powered-off node sends and receives nothing.
    public internal(set) var powered = true
    /// The speaker process, when it runs.
    public internal(set) var speaker: SpeakerController?
    /// The time of the speaker ticker event already in the queue, so it is not doubled.
    private var scheduledTick: SimTime?
    /// The speaker's memberlist, while the speaker runs with memberlist enabled.
    public internal(set) var membership: Memberlist<RandomStream>?
    /// The memberlist wake-up already in the queue.
    var scheduledMembershipWakeup: SimTime?
    /// Counts speaker starts: timers armed by an earlier speaker process are ignored.
    var speakerGeneration: UInt64 = 0
    /// A graceful stop is under way: memberlist is leaving; the process exits at this time
    /// at the latest (MetalLB's `Leave(time.Second)`).
    var exitDeadline: SimTime?
    /// A ForceSync of every service is queued for this speaker (memberlist events).
    var forceSyncQueued = false
    /// The kernel's ARP cache for the node's own datagrams.
    var neighbours = NodeNeighbours()
    /// Counts the machine's boots: a pod's readiness timer from one boot must not fire into
    /// the next (off, on, off, on within a readiness delay).
    var bootGeneration: UInt64 = 0

    init(spec: WorldConfig.NodeSpec, port: Int32, interfaceName: String) {
        name = spec.name
        mac = spec.mac
        ip = spec.ip
        self.port = port
        self.interfaceName = interfaceName
        interfaces = [L2Interface(name: interfaceName, hardwareAddress: spec.mac)] + spec.extraInterfaces.map {
            L2Interface(name: $0.name, hardwareAddress: $0.mac, isUp: $0.up, isNoARP: $0.noARP, master: $0.master)
        }
        ports = [port]
    }

    public var isSpeakerRunning: Bool { powered && speaker != nil }

    /// The speakers this speaker may elect (MetalLB's `UsableSpeakers`): the names of its
    /// memberlist's live members, or nil when memberlist is disabled. Kept up to date by the
    /// membership driver: the live set changes only with a join or leave event.
    var usableSpeakers: Set<String>?

    func refreshUsableSpeakers() {
        usableSpeakers = membership.map { Set($0.liveMembers.map(\.name)) }
    }

    /// Follows the live set through memberlist's events instead of rebuilding it: a join makes
    /// a member live, a leave (dead or left) takes it out, an update changes neither. At 200
    /// nodes the rebuild, once per event burst on every node, was a twentieth of a run. Debug
    /// builds (the tests) check the result against the rebuild.
    func applyToUsableSpeakers(_ events: [MemberEvent]) {
        guard membership != nil, usableSpeakers != nil else { return refreshUsableSpeakers() }
        for event in events {
            switch event.kind {
            case .join: usableSpeakers!.insert(event.member.name)
            case .leave: usableSpeakers!.remove(event.member.name)
            case .update: break
            }
        }
        assert(usableSpeakers == membership.map { Set($0.liveMembers.map(\.name)) },
               "\(name): the live set followed through events differs from memberlist's members")
    }

    // MARK: the speaker process

    /// Starts the speaker with empty state, as a new pod of the DaemonSet does.
    func startSpeaker(in world: World) {
        let rules = world.speakerRules
        speakerInterfaces = interfaces.indices.filter { interfaces[$0].answersARP(rules: rules) }
        let schedule: GratuitousSchedule = world.config.version == .v0_9_4
            ? .v0_9_4(speakerStart: world.now.nanoseconds) : .current
        speaker = SpeakerController(node: name, rules: rules,
                                    announcer: Announcer(interfaces: speakerInterfaces.map { interfaces[$0] },
                                                         schedule: schedule))
        scheduledTick = nil
        speakerGeneration &+= 1
        exitDeadline = nil
        forceSyncQueued = false
        startMembership(in: world)
    }

    /// The speaker process ends: it stops answering at once and its memberlist goes silent.
    func stopSpeaker(in world: World) {
        let before = speaker?.announcer.announcedIPs ?? []
        speaker = nil
        scheduledTick = nil
        membership = nil
        usableSpeakers = nil
        scheduledMembershipWakeup = nil
        exitDeadline = nil
        forceSyncQueued = false
        world.recordAnnouncementChanges(node: self, before: before, after: [])
    }

    /// Sends what the speaker produced and arranges its next ticker wake-up. Everything a
    /// sync or a tick produces is a gratuitous round (replies to requests go out elsewhere),
    /// so each round is recorded once per address. A round's frames are consecutive (the
    /// announcer emits one address's frames for every interface together).
    func send(_ frames: [OutgoingFrame], in world: World) {
        var rounds: [(ip: IPAddress, frames: Int)] = []
        for frame in frames {
            world.transmit(frame.bytes, from: ports[speakerInterfaces[frame.interface]])
            guard let ip = frame.announces else { continue }
            if rounds.last?.ip == ip {
                rounds[rounds.count - 1].frames += 1
            } else {
                rounds.append((ip, 1))
            }
        }
        for round in rounds {
            world.recorder.gratuitousSent(GratuitousRecord(time: world.now, node: name, ip: round.ip, frames: round.frames))
        }
        armTicker(in: world)
    }

    private func armTicker(in world: World) {
        guard let wakeup = speaker?.announcer.nextWakeup else { return }
        let time = SimTime(nanoseconds: wakeup)
        if let scheduled = scheduledTick, scheduled <= time, scheduled >= world.now { return }
        scheduledTick = time
        world.schedule(.hostTimer(port: port, kind: .speakerTick), at: time)
    }

    // MARK: Host

    func timerFired(_ kind: HostTimer, in world: World) {
        guard powered else { return }
        switch kind {
        case .speakerTick:
            guard world.now == scheduledTick else { return }
            scheduledTick = nil
            guard let frames = updateSpeaker({ $0.tick(now: world.now.nanoseconds) }) else { return }
            send(frames, in: world)
        case .membership:
            membershipWakeup(in: world)
        case let .rejoin(generation):
            guard generation == speakerGeneration else { return }
            rejoinTicker(in: world)
        case let .speakerExit(generation):
            guard generation == speakerGeneration, exitDeadline != nil else { return }
            world.speakerExited(self)
        case let .arpRetransmit(ip):
            retransmitResolution(ip, in: world)
        case .probe, .arping, .neighbour:
            break
        }
    }

    func receive(_ frame: [UInt8], in world: World) { receive(frame, on: 0, in: world) }

    /// A frame arrived on interface `index` (a down interface receives nothing).
    func receive(_ frame: [UInt8], on index: Int, in world: World) {
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
            guard let packet = try? ARPPacket.parse(UnsafeRawBufferPointer(rebasing: raw[EthernetHeader.length...]))
            else { return .some(nil) }
            return (ethernet.destination, packet)
        }
        switch arp {
        case let .some(.some((destination, packet))):
            // In place: calling through the optional would copy the speaker's tables per frame.
            // Only interfaces with a responder answer for the speaker.
            if let responder = speakerInterfaces.firstIndex(of: index),
               let reply = updateSpeaker({ $0.respond(to: packet, ethernetDestination: destination, on: responder) }) ?? nil {
                world.transmit(reply.bytes, from: ports[index])
            }
            answerOwnARP(packet, on: index, in: world)
        case .none:
            receiveIP(frame, on: index, in: world)
        case .some(.none):
            break
        }
    }

    /// An IPv4 or IPv6 frame, decoded once for whichever part of the node takes it: the
    /// speaker's NDP responder the Neighbor Solicitations the kernel accepts (it checks the
    /// groups itself; a unicast NUD probe to a service address reaches no socket and is
    /// dropped), memberlist the UDP datagrams to the node's address, and kube-proxy TCP to
    /// LoadBalancer ingress addresses.
    private func receiveIP(_ frame: [UInt8], on index: Int, in world: World) {
        guard let decoded = try? EthernetFrame.decode(frame) else { return }
        switch decoded.payload {
        case let .ipv6NDP(header, message):
            guard let responder = speakerInterfaces.firstIndex(of: index),
                  let reply = updateSpeaker({ $0.respond(to: message, in: header, on: responder) }) ?? nil else { return }
            world.transmit(reply.bytes, from: ports[index])
        case let .ipv4Other(header) where header.protocol == .udp && header.destination == ip:
            receiveDatagram(frame, decoded: decoded, header: header, in: world)
        case let .ipv4TCP(header, tcp):
            kubeProxy(tcp, from: .v4(header.source), to: .v4(header.destination), sender: decoded.ethernet.source,
                      on: index, in: world)
        case let .ipv6TCP(header, tcp):
            kubeProxy(tcp, from: .v6(header.source), to: .v6(header.destination), sender: decoded.ethernet.source,
                      on: index, in: world)
        default:
            break
        }
    }

    /// The node's kernel answers ARP for its own InternalIP (MetalLB's addresses are not on
    /// the interface, so the kernel never answers for those). With Linux's default
    /// `arp_ignore=0` it answers on whichever interface the request came in on, with that
    /// interface's MAC (ARP flux, when a node has two NICs on one segment); a NOARP
    /// interface answers nothing.
    private func answerOwnARP(_ packet: ARPPacket, on index: Int, in world: World) {
        guard packet.targetProtocolAddress == ip, !interfaces[index].isNoARP else { return }
        // Linux records the sender of a request or reply aimed at its address.
        learnNeighbour(packet.senderProtocolAddress, at: packet.senderHardwareAddress, in: world)
        guard packet.operation == .request else { return }
        let request = packet
        let mac = interfaces[index].hardwareAddress
        let port = ports[index]
        let reply = ARPPacket(operation: .reply, senderHardwareAddress: mac, senderProtocolAddress: ip,
                              targetHardwareAddress: request.senderHardwareAddress,
                              targetProtocolAddress: request.senderProtocolAddress)
        world.transmit(EthernetFrame.arp(reply, destination: request.senderHardwareAddress, source: mac), from: port)
    }

    /// Runs `body` on the speaker in place (no copy of its tables), if it runs.
    @discardableResult
    func updateSpeaker<R>(_ body: (inout SpeakerController) -> R) -> R? {
        guard speaker != nil else { return nil }
        return body(&speaker!)
    }

    /// kube-proxy (iptables mode): every node has rules for every LoadBalancer ingress IP and
    /// port, so a SYN for one reaches a pod from whichever node it lands on, as long as the
    /// service has a ready endpoint (on this node, for externalTrafficPolicy Local). The pod's
    /// SYN-ACK leaves through this node. A service without endpoints is rejected with a RST.
    /// IPv4 and IPv6 alike (iptables and ip6tables hold the same rules for each family's
    /// ingress address); the answer goes to the SYN's Ethernet source, so the node's own
    /// neighbour resolution of the client is not modelled in either family.
    private func kubeProxy(_ tcp: TCPHeader, from clientAddress: IPAddress, to serviceAddress: IPAddress,
                           sender source: MACAddress, on index: Int, in world: World) {
        let mac = interfaces[index].hardwareAddress
        let port = ports[index]
        let segment = (source: clientAddress, destination: serviceAddress)
        guard tcp.flags.contains(.syn), !tcp.flags.contains(.ack),
              let service = world.viewCache.kubeProxy.service(forIngress: segment.destination,
                                                              port: Int(tcp.destinationPort), protocol: "TCP",
                                                              in: world.cluster) else { return }
        let local = service.externalTrafficPolicy == .local ? name : nil
        let endpoints = world.viewCache.kubeProxy.readyEndpoints(of: service, onNode: local, in: world.cluster)
        // A deterministic initial sequence number: a hash of the connection's 4-tuple.
        let isn = UInt32(truncatingIfNeeded: RandomStream.fnv1a(
            "\(segment.destination):\(tcp.destinationPort)>\(segment.source):\(tcp.sourcePort):\(tcp.sequenceNumber)"))
        let serving = !endpoints.isEmpty
        if serving {
            // iptables picks an endpoint at random per connection (here: by the hash). One on a
            // machine that is off or cut off still counts as Ready until Kubernetes notices:
            // the SYN goes there and nothing answers.
            let chosen = endpoints[Int(isn % UInt32(endpoints.count))]
            guard let backend = chosen.nodeName.flatMap(world.node(named:)), backend.powered,
                  backend === self || world.canReach(port, backend.port) else { return }
        }
        let answer = TCPHeader(sourcePort: tcp.destinationPort, destinationPort: tcp.sourcePort,
                               sequenceNumber: serving ? isn : 0,
                               acknowledgmentNumber: tcp.sequenceNumber &+ 1,
                               flags: serving ? [.syn, .ack] : [.rst, .ack],
                               window: serving ? 65160 : 0, checksum: 0, urgentPointer: 0,
                               options: serving ? [2, 4, 0x05, 0xb4] : [])
        switch (segment.destination, segment.source) {
        case let (.v4(service), .v4(client)):
            world.transmit(EthernetFrame.ipv4TCP(destination: source, source: mac, ipSource: service,
                                                 ipDestination: client, identification: 0, tcp: answer), from: port)
        case let (.v6(service), .v6(client)):
            world.transmit(EthernetFrame.ipv6TCP(destination: source, source: mac, ipSource: service,
                                                 ipDestination: client, tcp: answer), from: port)
        default:
            break
        }
    }
}
