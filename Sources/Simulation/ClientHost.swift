import Engine
import Wire

/// A Linux machine outside the cluster on the same segment: a neighbour cache as the kernel
/// keeps one, and TCP SYN probes to a service (`curl` in a loop, measured).
public final class ClientHost: Host {
    public let name: String
    public let mac: MACAddress
    public let ip: IPv4Address
    let port: Int32
    let probe: WorldConfig.ProbeSpec?
    /// What this client probes, if anything.
    public var probeSpec: WorldConfig.ProbeSpec? { probe }
    public private(set) var neighbours: NeighbourTable
    /// Probes waiting for their target's address to resolve (the entry's `arp_queue`).
    private var pending: [IPv4Address: [Int]] = [:]
    /// Outstanding probes by TCP source port: index into the recorder's probe list.
    private var outstanding: [UInt16: Int] = [:]
    private var probeCount: UInt32 = 0
    let arping: WorldConfig.ArpingSpec?
    /// The MAC that last answered the arping target.
    private var arpingAnswer: MACAddress?
    /// The last (MAC, state) reported for each address, to record only changes.
    private var lastReported: [IPv4Address: (MACAddress?, NeighbourState)] = [:]

    init(spec: WorldConfig.ClientSpec, port: Int32, random: RandomStream) {
        name = spec.name
        mac = spec.mac
        ip = spec.ip
        self.port = port
        probe = spec.probe
        arping = spec.arping
        neighbours = NeighbourTable(parameters: spec.neighbour, random: random)
    }

    func start(in world: World) {
        if let probe {
            world.schedule(.hostTimer(port: port, kind: .probe), at: SimTime.zero + probe.start)
        }
        if let arping {
            world.schedule(.hostTimer(port: port, kind: .arping), at: SimTime.zero + arping.start)
        }
    }

    // MARK: timers

    func timerFired(_ kind: HostTimer, in world: World) {
        switch kind {
        case .probe:
            guard let probe else { return }
            sendProbe(probe, in: world)
            world.schedule(.hostTimer(port: port, kind: .probe), at: world.now + probe.every)
        case let .neighbour(ip, generation):
            var effects = NeighbourTable.Effects()
            neighbours.timerFired(ip, generation: generation, now: world.now, effects: &effects)
            apply(effects, for: ip, in: world)
        case .arping:
            guard let arping else { return }
            let request = ARPPacket(operation: .request, senderHardwareAddress: mac, senderProtocolAddress: ip,
                                    targetHardwareAddress: .zero, targetProtocolAddress: arping.target)
            world.transmit(EthernetFrame.arp(request, destination: .broadcast, source: mac), from: port)
            world.schedule(.hostTimer(port: port, kind: .arping), at: world.now + arping.every)
        case .speakerTick, .membership, .rejoin, .speakerExit, .arpRetransmit:
            break
        }
    }

    // MARK: probes

    private func sendProbe(_ probe: WorldConfig.ProbeSpec, in world: World) {
        probeCount &+= 1
        let index = world.recorder.probeSent(ProbeRecord(client: name, target: probe.target, port: probe.port,
                                                         sentAt: world.now, answeredAt: nil, answeredBy: nil))
        var effects = NeighbourTable.Effects()
        let resolved = neighbours.resolve(probe.target, now: world.now, effects: &effects)
        if let resolved {
            transmitSYN(index, to: resolved, in: world)
        } else {
            pending[probe.target, default: []].append(index)
        }
        apply(effects, for: probe.target, in: world)
    }

    /// Each probe uses its own ephemeral port (32768 upward, as Linux's default range starts),
    /// so a late answer is matched to the probe it belongs to.
    private func sourcePort(for index: Int) -> UInt16 { UInt16(32768 + index % 28232) }

    private func transmitSYN(_ index: Int, to destination: MACAddress, in world: World) {
        let record = world.recorder.probes[index]
        let sport = sourcePort(for: index)
        outstanding[sport] = index
        let syn = TCPHeader(sourcePort: sport, destinationPort: record.port,
                            sequenceNumber: UInt32(truncatingIfNeeded: RandomStream.fnv1a("\(name)#\(index)")),
                            acknowledgmentNumber: 0, flags: [.syn], window: 64240, checksum: 0, urgentPointer: 0,
                            options: [2, 4, 0x05, 0xb4])
        world.transmit(EthernetFrame.ipv4TCP(destination: destination, source: mac, ipSource: ip,
                                             ipDestination: record.target,
                                             identification: UInt16(truncatingIfNeeded: index), tcp: syn), from: port)
    }

    // MARK: Host

    func receive(_ frame: [UInt8], in world: World) {
        guard frame.count >= EthernetHeader.length else { return }
        let destination = Segment.destination(of: frame)
        guard destination == mac || destination.isBroadcast else { return }
        guard let decoded = try? EthernetFrame.decode(frame) else { return }
        switch decoded.payload {
        case let .arp(packet):
            if let arping, packet.senderProtocolAddress == arping.target, packet.senderHardwareAddress != arpingAnswer {
                arpingAnswer = packet.senderHardwareAddress
                world.recorder.arpingChanged(ArpingRecord(time: world.now, client: name, ip: arping.target,
                                                          mac: packet.senderHardwareAddress))
            }
            var effects = NeighbourTable.Effects()
            if packet.operation == .request, packet.targetProtocolAddress == ip {
                // A request for our own address: the kernel learns the asker and answers.
                neighbours.requestForUsReceived(packet, now: world.now, effects: &effects)
                let reply = ARPPacket(operation: .reply, senderHardwareAddress: mac, senderProtocolAddress: ip,
                                      targetHardwareAddress: packet.senderHardwareAddress,
                                      targetProtocolAddress: packet.senderProtocolAddress)
                world.transmit(EthernetFrame.arp(reply, destination: packet.senderHardwareAddress, source: mac),
                               from: port)
            } else {
                neighbours.arpReceived(packet, unicastToUs: destination == mac, now: world.now, effects: &effects)
            }
            apply(effects, for: packet.senderProtocolAddress, in: world)
        case let .ipv4TCP(ipHeader, tcp):
            guard ipHeader.destination == ip, let index = outstanding[tcp.destinationPort] else { return }
            let record = world.recorder.probes[index]
            guard ipHeader.source == record.target, tcp.sourcePort == record.port else { return }
            outstanding[tcp.destinationPort] = nil
            guard tcp.flags.contains([.syn, .ack]) else { return }
            if world.now - record.sentAt <= (probe?.timeout ?? .seconds(1)) {
                world.recorder.probeAnswered(index, at: world.now, by: decoded.ethernet.source)
            }
            neighbours.confirm(record.target, now: world.now)
            // Close the half-open connection, as a SYN ping does.
            let rst = TCPHeader(sourcePort: tcp.destinationPort, destinationPort: tcp.sourcePort,
                                sequenceNumber: tcp.acknowledgmentNumber, acknowledgmentNumber: 0, flags: [.rst],
                                window: 0, checksum: 0, urgentPointer: 0, options: [])
            world.transmit(EthernetFrame.ipv4TCP(destination: decoded.ethernet.source, source: mac, ipSource: ip,
                                                 ipDestination: record.target, identification: 0, tcp: rst), from: port)
        default:
            break
        }
    }

    /// Carries out what the neighbour table asked for and records any change of the entry.
    private func apply(_ effects: NeighbourTable.Effects, for ip: IPv4Address, in world: World) {
        for solicitation in effects.solicitations {
            let request = ARPPacket(operation: .request, senderHardwareAddress: mac, senderProtocolAddress: self.ip,
                                    targetHardwareAddress: .zero, targetProtocolAddress: solicitation.ip)
            world.transmit(EthernetFrame.arp(request, destination: solicitation.unicastTo ?? .broadcast, source: mac),
                           from: port)
        }
        if let timer = effects.timer {
            world.schedule(.hostTimer(port: port, kind: .neighbour(ip: timer.ip, generation: timer.generation)),
                           at: timer.time)
        }
        if effects.releaseQueue, let queued = pending.removeValue(forKey: ip) {
            // The kernel flushes the queue through the normal output path, which moves a STALE
            // entry to DELAY like any other send.
            for index in queued {
                var sendEffects = NeighbourTable.Effects()
                if let mac = neighbours.resolve(ip, now: world.now, effects: &sendEffects) {
                    transmitSYN(index, to: mac, in: world)
                } else {
                    pending[ip, default: []].append(index)
                }
                apply(sendEffects, for: ip, in: world)
            }
        }
        if effects.dropQueue { pending[ip] = nil }
        reportChange(for: ip, in: world)
    }

    private func reportChange(for ip: IPv4Address, in world: World) {
        guard let entry = neighbours.entry(for: ip) else { return }
        let mac = entry.state.isValid ? entry.mac : nil
        if let last = lastReported[ip], last.0 == mac, last.1 == entry.state { return }
        lastReported[ip] = (mac, entry.state)
        world.recorder.arpChanged(ClientARPRecord(time: world.now, client: name, ip: ip, mac: mac, state: entry.state))
    }
}
