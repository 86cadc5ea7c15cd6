import Engine
import Wire

/// A Linux machine outside the cluster on the same segment: a neighbour cache as the kernel
/// keeps one (ARP for IPv4, Neighbor Discovery for IPv6, in separate tables as in Linux), and
/// TCP SYN probes to a service (`curl` in a loop, measured).
public final class ClientHost: Host {
    public let name: String
    public let mac: MACAddress
    public let ip: IPv4Address
    /// The client's global IPv6 address, when it has one: the source of its IPv6 probes.
    public let ipv6: IPv6Address?
    /// The interface's link-local address (modified EUI-64 of the MAC, Linux's default
    /// `addr_gen_mode`). Linux sends a Neighbor Solicitation that no queued packet prompted
    /// (the unicast NUD probes of PROBE) from it: see `ClientHost+NDP.swift`.
    public let linkLocal: IPv6Address
    let port: Int32
    let probe: WorldConfig.ProbeSpec?
    /// What this client probes, if anything.
    public var probeSpec: WorldConfig.ProbeSpec? { probe }
    /// The ARP table (`arp_tbl`).
    public private(set) var neighbours: NeighbourTable
    /// The Neighbor Discovery table (`nd_tbl`).
    public internal(set) var ndNeighbours: NDNeighbourTable
    /// Packets waiting for their next hop's address to resolve (the entry's `arp_queue`).
    var pending: [IPAddress: [QueuedPacket]] = [:]
    /// Probes whose SYN is out, by TCP source port, until their SYN-ACK or RST arrives (or the
    /// port is reused by a later probe).
    private var outstanding: [UInt16: InFlightProbe] = [:]
    private var probeCount: UInt32 = 0
    let arping: WorldConfig.ArpingSpec?
    /// The MAC that last answered the arping target.
    private var arpingAnswer: MACAddress?
    /// The last (MAC, state) reported for each address, to record only changes.
    private var lastReported: [IPAddress: (MACAddress?, NeighbourState)] = [:]

    init(spec: WorldConfig.ClientSpec, port: Int32, random: RandomStream) {
        if case .v6? = spec.probe?.target {
            precondition(spec.ipv6 != nil, "client \(spec.name) probes an IPv6 target but has no IPv6 address")
        }
        name = spec.name
        mac = spec.mac
        ip = spec.ip
        ipv6 = spec.ipv6
        linkLocal = IPv6Address.linkLocal(for: spec.mac)
        self.port = port
        probe = spec.probe
        arping = spec.arping
        neighbours = NeighbourTable(parameters: spec.neighbour, random: random)
        // A stream of its own, split off without drawing from the ARP table's: IPv4 runs
        // stay what they were before IPv6 clients existed.
        ndNeighbours = NDNeighbourTable(parameters: spec.neighbour, random: random.split("nd_tbl"))
    }

    func start(in context: HostContext) {
        if let probe {
            context.schedule(.probe, port: port, at: SimTime.zero + probe.start)
        }
        if let arping {
            context.schedule(.arping, port: port, at: SimTime.zero + arping.start)
        }
    }

    // MARK: timers

    func timerFired(_ kind: HostTimer, in context: HostContext) {
        switch kind {
        case .probe:
            guard let probe else { return }
            sendProbe(probe, in: context)
            context.schedule(.probe, port: port, at: context.now + probe.every)
        case .neighbour(.v4(let ip), let generation):
            var effects = NeighbourTable.Effects()
            neighbours.timerFired(ip, generation: generation, now: context.now, effects: &effects)
            apply(effects, for: ip, in: context)
        case .neighbour(.v6(let ip), let generation):
            var effects = NDNeighbourTable.Effects()
            ndNeighbours.timerFired(ip, generation: generation, now: context.now, effects: &effects)
            apply(effects, for: ip, in: context)
        case .arping:
            guard let arping else { return }
            let request = ARPPacket(
                operation: .request, senderHardwareAddress: mac, senderProtocolAddress: ip,
                targetHardwareAddress: .zero, targetProtocolAddress: arping.target)
            context.transmit(EthernetFrame.arp(request, destination: .broadcast, source: mac), from: port)
            context.schedule(.arping, port: port, at: context.now + arping.every)
        case .speaker, .arpRetransmit, .stream, .addressDAD:
            break
        }
    }

    // MARK: probes

    private func sendProbe(_ probe: WorldConfig.ProbeSpec, in context: HostContext) {
        probeCount &+= 1
        let record = ProbeRecord(
            client: name, target: probe.target, port: probe.port,
            sentAt: context.now, answeredAt: nil, answeredBy: nil)
        let inFlight = InFlightProbe(number: context.recorder.probeSent(record), record: record)
        switch probe.target {
        case .v4(let target):
            var effects = NeighbourTable.Effects()
            let resolved = neighbours.resolve(target, now: context.now, effects: &effects)
            send(.probe(inFlight), to: probe.target, resolvedTo: resolved, in: context)
            apply(effects, for: target, in: context)
        case .v6(let target):
            var effects = NDNeighbourTable.Effects()
            let resolved = ndNeighbours.resolve(target, now: context.now, effects: &effects)
            send(.probe(inFlight), to: probe.target, resolvedTo: resolved, in: context)
            apply(effects, for: target, in: context)
        }
    }

    /// A packet in a neighbour entry's queue: a probe's SYN, or a frame of the kernel's own
    /// (its answer to a Neighbor Solicitation).
    enum QueuedPacket {
        case probe(InFlightProbe)
        case frame(PendingFrame)
    }

    /// Sends `packet` now when its next hop `next` resolved, or queues it on the entry.
    func send(_ packet: QueuedPacket, to next: IPAddress, resolvedTo destination: MACAddress?, in context: HostContext)
    {
        guard let destination else {
            pending[next, default: []].append(packet)
            return
        }
        switch packet {
        case .probe(let probe): transmitSYN(probe, to: destination, in: context)
        case .frame(let frame): context.transmit(frame.addressed(to: destination), from: port)
        }
    }

    /// Each probe uses its own ephemeral port (32768 upward, as Linux's default range starts),
    /// so a late answer is matched to the probe it belongs to.
    private func sourcePort(for index: Int) -> UInt16 { UInt16(32768 + index % 28232) }

    private func transmitSYN(_ probe: InFlightProbe, to destination: MACAddress, in context: HostContext) {
        let index = probe.number
        let record = probe.record
        let sport = sourcePort(for: index)
        outstanding[sport] = probe
        let syn = TCPHeader(
            sourcePort: sport, destinationPort: record.port,
            sequenceNumber: UInt32(truncatingIfNeeded: RandomStream.fnv1a("\(name)#\(index)")),
            acknowledgmentNumber: 0, flags: [.syn], window: 64240, checksum: 0, urgentPointer: 0,
            options: [2, 4, 0x05, 0xb4])
        transmitTCP(
            syn, to: record.target, via: destination, identification: UInt16(truncatingIfNeeded: index),
            in: context)
    }

    /// A TCP segment from this client to `target`, in the target's family (Linux's default TTL
    /// and hop limit, 64).
    private func transmitTCP(
        _ tcp: TCPHeader, to target: IPAddress, via destination: MACAddress,
        identification: UInt16, in context: HostContext
    ) {
        switch target {
        case .v4(let address):
            context.transmit(
                EthernetFrame.ipv4TCP(
                    destination: destination, source: mac, ipSource: ip,
                    ipDestination: address, identification: identification, tcp: tcp),
                from: port)
        case .v6(let address):
            guard let ipv6 else { return }
            context.transmit(
                EthernetFrame.ipv6TCP(
                    destination: destination, source: mac, ipSource: ipv6,
                    ipDestination: address, tcp: tcp), from: port)
        }
    }

    // MARK: Host

    func receive(_ frame: [UInt8], in context: HostContext) {
        guard frame.count >= EthernetHeader.length else { return }
        let destination = Segment.destination(of: frame)
        guard destination == mac || destination.isBroadcast || acceptsIPv6Multicast(destination) else { return }
        guard let decoded = try? EthernetFrame.decode(frame) else { return }
        switch decoded.payload {
        case .arp(let packet):
            if let arping, packet.senderProtocolAddress == arping.target, packet.senderHardwareAddress != arpingAnswer {
                arpingAnswer = packet.senderHardwareAddress
                context.recorder.arpingChanged(
                    ArpingRecord(
                        time: context.now, client: name, ip: arping.target,
                        mac: packet.senderHardwareAddress))
            }
            var effects = NeighbourTable.Effects()
            if packet.operation == .request, packet.targetProtocolAddress == ip {
                // A request for our own address: the kernel learns the asker and answers.
                neighbours.requestForUsReceived(packet, now: context.now, effects: &effects)
                let reply = ARPPacket(
                    operation: .reply, senderHardwareAddress: mac, senderProtocolAddress: ip,
                    targetHardwareAddress: packet.senderHardwareAddress,
                    targetProtocolAddress: packet.senderProtocolAddress)
                context.transmit(
                    EthernetFrame.arp(reply, destination: packet.senderHardwareAddress, source: mac),
                    from: port)
            } else {
                neighbours.arpReceived(packet, unicastToUs: destination == mac, now: context.now, effects: &effects)
            }
            apply(effects, for: packet.senderProtocolAddress, in: context)
        case .ipv4TCP(let ipHeader, let tcp):
            guard ipHeader.destination == ip else { return }
            tcpReceived(tcp, from: .v4(ipHeader.source), by: decoded.ethernet.source, in: context)
        case .ipv6NDP(let ipHeader, let message):
            ndpReceived(message, in: ipHeader, in: context)
        case .ipv6TCP(let ipHeader, let tcp):
            guard let ipv6, ipHeader.destination == ipv6 else { return }
            tcpReceived(tcp, from: .v6(ipHeader.source), by: decoded.ethernet.source, in: context)
        default:
            break
        }
    }

    /// The answer to a probe: a SYN-ACK counts (if in time) and confirms the neighbour, then
    /// the half-open connection is closed with a RST, as a SYN ping does.
    ///
    /// The confirmation is Linux's: `tcp_ack` on the SYN-ACK acknowledges new data (the SYN),
    /// which is forward progress, so it calls `sk_dst_confirm`; the next segment the socket
    /// sends goes through `sock_confirm_neigh` (in `ip_finish_output2` and
    /// `ip6_finish_output2` alike), which stamps the neighbour's `confirmed` time. A RST from
    /// kube-proxy (no endpoints) is handled by `tcp_reset` without `tcp_ack`: no confirmation.
    private func tcpReceived(_ tcp: TCPHeader, from source: IPAddress, by sender: MACAddress, in context: HostContext) {
        guard let inFlight = outstanding[tcp.destinationPort] else { return }
        var record = inFlight.record
        guard source == record.target, tcp.sourcePort == record.port else { return }
        outstanding[tcp.destinationPort] = nil
        guard tcp.flags.contains([.syn, .ack]) else { return }
        if context.now - record.sentAt <= (probe?.timeout ?? .seconds(1)) {
            record.answeredAt = context.now
            record.answeredBy = sender
            context.recorder.probeUpdated(inFlight.number, to: record)
        }
        switch record.target {
        case .v4(let target): neighbours.confirm(target, now: context.now)
        case .v6(let target): ndNeighbours.confirm(target, now: context.now)
        }
        let rst = TCPHeader(
            sourcePort: tcp.destinationPort, destinationPort: tcp.sourcePort,
            sequenceNumber: tcp.acknowledgmentNumber, acknowledgmentNumber: 0, flags: [.rst],
            window: 0, checksum: 0, urgentPointer: 0, options: [])
        transmitTCP(rst, to: record.target, via: sender, identification: 0, in: context)
    }

    /// Carries out what the ARP table asked for: broadcast (or, when probing, unicast) requests.
    private func apply(_ effects: NeighbourTable.Effects, for ip: IPv4Address, in context: HostContext) {
        carryOut(effects, for: ip, table: \.neighbours, in: context) { solicitation in
            let request = ARPPacket(
                operation: .request, senderHardwareAddress: mac, senderProtocolAddress: self.ip,
                targetHardwareAddress: .zero, targetProtocolAddress: solicitation.ip)
            context.transmit(
                EthernetFrame.arp(request, destination: solicitation.unicastTo ?? .broadcast, source: mac),
                from: port)
        }
    }

    /// What a neighbour table asked for, carried out alike for ARP and NDP (only `solicit`
    /// differs): the solicitations, the table's timer, the packets that waited for the address
    /// (flushed through the normal output path as the kernel does, which moves a STALE entry
    /// to DELAY like any other send, or dropped when resolution failed), and the entry's
    /// change recorded.
    func carryOut<Address: NeighbourAddress>(
        _ effects: NeighbourCache<Address>.Effects, for ip: Address,
        table: ReferenceWritableKeyPath<ClientHost, NeighbourCache<Address>>,
        in context: HostContext,
        solicit: (NeighbourCache<Address>.Solicitation) -> Void
    ) {
        for solicitation in effects.solicitations { solicit(solicitation) }
        if let timer = effects.timer {
            context.schedule(
                .neighbour(ip: timer.ip.ipAddress, generation: timer.generation), port: port, at: timer.time)
        }
        if effects.releaseQueue, let queued = pending.removeValue(forKey: ip.ipAddress) {
            for packet in queued {
                var sendEffects = NeighbourCache<Address>.Effects()
                let resolved = self[keyPath: table].resolve(ip, now: context.now, effects: &sendEffects)
                send(packet, to: ip.ipAddress, resolvedTo: resolved, in: context)
                carryOut(sendEffects, for: ip, table: table, in: context, solicit: solicit)
            }
        }
        if effects.dropQueue { pending[ip.ipAddress] = nil }
        let entry = self[keyPath: table].entry(for: ip)
        reportChange(for: ip.ipAddress, state: entry?.state, mac: entry?.mac, in: context)
    }

    /// Records the entry for `ip` if its usable MAC or its state changed since last recorded.
    func reportChange(for ip: IPAddress, state: NeighbourState?, mac: MACAddress?, in context: HostContext) {
        guard let state else { return }
        let mac = state.isValid ? mac : nil
        if let last = lastReported[ip], last.0 == mac, last.1 == state { return }
        lastReported[ip] = (mac, state)
        context.recorder.arpChanged(ClientARPRecord(time: context.now, client: name, ip: ip, mac: mac, state: state))
    }
}
