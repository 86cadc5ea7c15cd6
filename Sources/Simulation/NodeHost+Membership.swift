import Engine
import Membership
import Wire

/// The speaker's memberlist on the simulated segment: its datagrams travel as IPv4/UDP frames
/// from and to port 7946 (so the pcap holds them), resolved through the node's own ARP cache;
/// its events make the speaker re-run its election for every service, as MetalLB's
/// `memberlistWatchEvents` does with `ForceSync`.
///
/// Joining follows MetalLB's `speakerlist`: the speaker joins the other speakers' addresses
/// (the DaemonSet's pods run with hostNetwork, so they are the node addresses) that are not
/// live members yet, once when its informers first see its Node, again every minute, and
/// whenever a Node changes. That minute decides how long a healed partition stays split when
/// the two sides have already forgotten each other.
///
/// Push/pull exchanges, which memberlist runs over TCP, travel here as single UDP datagrams on
/// the same port: the timing of the exchange is kept, the TCP handshake is not.
extension NodeHost {
    static let memberlistPort: UInt16 = 7946
    /// MetalLB's `joinMembers` ticker.
    static let rejoinInterval = SimDuration.seconds(60)

    /// memberlist's `Create`, then the first join once the speaker's informers have synced.
    func startMembership(in world: World) {
        membership = nil
        usableSpeakers = nil
        scheduledMembershipWakeup = nil
        guard let config = world.config.membership else { return }
        let generator = RandomStream(rootSeed: world.config.seed, subsystem: "memberlist")
            .split("\(name)#\(speakerGeneration)")
        membership = Memberlist(name: name, address: ip, port: Self.memberlistPort, config: config,
                                generator: generator, now: world.now.nanoseconds)
        refreshUsableSpeakers()
        let generation = speakerGeneration
        let port = self.port
        world.at(world.now + world.config.watchDelay) { world in
            guard let node = world.nodeHost(port: port), node.speakerGeneration == generation else { return }
            node.joinMissingSpeakers(in: world)
        }
        world.schedule(.hostTimer(port: port, kind: .rejoin(generation: generation)), at: world.now + Self.rejoinInterval)
        armMembershipWakeup(in: world)
    }

    /// MetalLB's `mlJoin`: a join through every speaker address that is not a live member.
    func joinMissingSpeakers(in world: World) {
        guard powered, membership != nil, exitDeadline == nil else { return }
        let known = Set(membership!.liveMembers.map(\.address))
        let seeds = world.nodes.filter { $0 !== self && !known.contains($0.ip) }.map { ($0.ip, Self.memberlistPort) }
        guard !seeds.isEmpty else { return }
        let output = membership!.join(seeds, now: world.now.nanoseconds)
        handle(output, in: world)
    }

    /// The minute ticker of `joinMembers`.
    func rejoinTicker(in world: World) {
        joinMissingSpeakers(in: world)
        world.schedule(.hostTimer(port: port, kind: .rejoin(generation: speakerGeneration)),
                       at: world.now + Self.rejoinInterval)
    }

    /// A graceful stop (SIGTERM): memberlist leaves, and the process exits once the leave
    /// message is out or after a second (`Leave(time.Second)`), still answering ARP meanwhile.
    func leaveMembership(in world: World) {
        guard membership != nil, exitDeadline == nil else {
            world.speakerExited(self)
            return
        }
        exitDeadline = world.now + .seconds(1)
        world.schedule(.hostTimer(port: port, kind: .speakerExit(generation: speakerGeneration)), at: exitDeadline!)
        let output = membership!.leave(now: world.now.nanoseconds)
        handle(output, in: world)
    }

    func membershipWakeup(in world: World) {
        guard world.now == scheduledMembershipWakeup, membership != nil else { return }
        scheduledMembershipWakeup = nil
        let output = membership!.tick(now: world.now.nanoseconds)
        handle(output, in: world)
    }

    /// A UDP datagram for this node's address (`header`, already decoded from `frame`):
    /// memberlist's, when it is for port 7946 and a speaker with memberlist runs.
    func receiveDatagram(_ frame: [UInt8], decoded: DecodedFrame, header: IPv4Header, in world: World) {
        let datagram: (source: IPv4Address, sourcePort: UInt16, destinationPort: UInt16, payload: [UInt8])? =
            frame.withUnsafeBytes { raw in
                guard decoded.dataRange.upperBound <= raw.count,
                      let udp = try? UDPHeader.parse(UnsafeRawBufferPointer(rebasing: raw[decoded.dataRange]))
                else { return nil }
                let start = decoded.dataRange.lowerBound + UDPHeader.length
                let end = min(decoded.dataRange.lowerBound + Int(udp.length), decoded.dataRange.upperBound)
                guard start <= end else { return nil }
                return (header.source, udp.sourcePort, udp.destinationPort, Array(raw[start..<end]))
            }
        // Nothing listens when the speaker is down: the kernel's port-unreachable answer is
        // not modelled (memberlist ignores it anyway).
        guard let datagram, datagram.destinationPort == Self.memberlistPort, membership != nil else { return }
        let output = membership!.receive(datagram.payload, from: datagram.source, port: datagram.sourcePort,
                                         now: world.now.nanoseconds)
        handle(output, in: world)
    }

    /// Sends what memberlist produced, passes its events on, finishes a pending leave.
    private func handle(_ output: MembershipOutput, in world: World) {
        for datagram in output.datagrams {
            send(NodeNeighbours.Waiting(destination: datagram.destination, destinationPort: datagram.port,
                                        payload: datagram.payload), in: world)
        }
        if !output.events.isEmpty {
            applyToUsableSpeakers(output.events)
            for event in output.events {
                world.recorder.memberEvent(MembershipRecord(time: world.now, observer: name, event: event))
            }
            world.queueForceSync(self)
        }
        if exitDeadline != nil, membership?.leaveBroadcastFinished == true {
            world.speakerExited(self)
            return
        }
        armMembershipWakeup(in: world)
    }

    private func armMembershipWakeup(in world: World) {
        guard let wakeup = membership?.nextWakeup else { return }
        let time = SimTime(nanoseconds: max(wakeup, world.now.nanoseconds))
        if let scheduled = scheduledMembershipWakeup, scheduled <= time, scheduled >= world.now { return }
        scheduledMembershipWakeup = time
        world.schedule(.hostTimer(port: port, kind: .membership), at: time)
    }

    // MARK: the node's IP output path

    private func send(_ datagram: NodeNeighbours.Waiting, in world: World) {
        if let destinationMAC = neighbours.mac(of: datagram.destination) {
            world.transmit(EthernetFrame.ipv4UDP(destination: destinationMAC, source: mac, ipSource: ip,
                                                 ipDestination: datagram.destination,
                                                 sourcePort: Self.memberlistPort,
                                                 destinationPort: datagram.destinationPort,
                                                 payload: datagram.payload), from: port)
        } else if neighbours.hold(datagram, now: world.now) {
            solicit(datagram.destination, in: world)
        }
    }

    private func solicit(_ target: IPv4Address, in world: World) {
        let request = ARPPacket(operation: .request, senderHardwareAddress: mac, senderProtocolAddress: ip,
                                targetHardwareAddress: .zero, targetProtocolAddress: target)
        world.transmit(EthernetFrame.arp(request, destination: .broadcast, source: mac), from: port)
        world.schedule(.hostTimer(port: port, kind: .arpRetransmit(ip: target)),
                       at: world.now + NodeNeighbours.retransmitTime)
    }

    func retransmitResolution(_ target: IPv4Address, in world: World) {
        if neighbours.retransmitDue(target, now: world.now) { solicit(target, in: world) }
    }

    /// An ARP packet told the kernel where `address` is: what waited for it goes out.
    func learnNeighbour(_ address: IPv4Address, at hardwareAddress: MACAddress, in world: World) {
        for waiting in neighbours.learn(address, at: hardwareAddress) { send(waiting, in: world) }
    }
}
