import Wire

/// The timers: probing (state.go `probe`, `probeNode`), gossip (`gossip`) and push/pull
/// (`pushPull`, `pushPullTrigger`), and the order they run in.
extension Memberlist {
    /// Something `tick` does at a given time. Within one instant they run in the order
    /// listed (suspicions by member name, relays by sequence number), which is the order Go's
    /// runtime gives memberlist's goroutines when their times coincide:
    /// - `schedule()` (memberlist.go) starts the probe ticker, then the gossip ticker
    ///   microseconds later, so a probe tick comes before the gossip tick of the same instant;
    /// - a probe's timers (`probeNode` in state.go: `time.After(ProbeTimeout)` and the ack
    ///   handler's deadline set by `setProbeChannels`) are armed only after its tick has run
    ///   and the ping has been sent, so they fire after the gossip tick of their instant: a
    ///   suspect message a failed probe queues waits for the next gossip round, unless the
    ///   next probe's ping (started at once, from the tick the ticker kept while the probe
    ///   blocked) carries it first;
    /// - a suspicion's timer is armed while a failed probe is handled, after that deadline.
    /// Relays (indirect pings run for another member) are armed when a request arrives, off
    /// every grid; they go first.
    enum TimerAction: Hashable, Sendable {
        case relayExpired(UInt32)
        case probeStart
        case gossip
        case probeIndirect
        case probeDeadline
        case suspicion(String)
        case pushPull

        var rank: Int {
            switch self {
            case .relayExpired: return 0
            case .probeStart: return 1
            case .gossip: return 2
            case .probeIndirect: return 3
            case .probeDeadline: return 4
            case .suspicion: return 5
            case .pushPull: return 6
            }
        }

        /// Orders two actions due at the same time.
        func runsBefore(_ other: TimerAction) -> Bool {
            if rank != other.rank { return rank < other.rank }
            switch (self, other) {
            case (.relayExpired(let a), .relayExpired(let b)): return a < b
            case (.suspicion(let a), .suspicion(let b)): return a < b
            default: return false
            }
        }
    }

    /// The earliest scheduled action.
    func nextAction() -> (time: Int64, action: TimerAction)? {
        var best: (time: Int64, action: TimerAction)?
        func consider(_ time: Int64?, _ action: TimerAction) {
            guard let time else { return }
            if let current = best, current.time < time || (current.time == time && !action.runsBefore(current.action)) {
                return
            }
            best = (time, action)
        }
        for relay in relays { consider(relay.expiresAt, .relayExpired(relay.localSeqNo)) }
        if let probe {
            if !probe.indirectSent { consider(probe.indirectAt, .probeIndirect) }
            consider(probe.deadline, .probeDeadline)
        } else {
            consider(nextProbeAt, .probeStart)
        }
        for (memberName, suspicion) in suspicions { consider(suspicion.deadline, .suspicion(memberName)) }
        consider(nextPushPullAt, .pushPull)
        // An idle gossip ticker asks for no wake-up of its own, but a tick it has at the same
        // instant as another timer still runs first when its rank says so: a suspicion queued
        // by a probe deadline then waits for the next round, as in Go.
        if !broadcasts.isEmpty || (nextGossipAt != nil && nextGossipAt == best?.time) {
            consider(nextGossipAt, .gossip)
        }
        return best
    }

    mutating func perform(_ action: TimerAction, at now: Int64) {
        switch action {
        case .relayExpired(let seqNo):
            relayExpired(seqNo, now: now)
        case .probeIndirect:
            sendIndirectProbes(now: now)
        case .probeDeadline:
            probeFailed(now: now)
        case .suspicion(let memberName):
            suspicionExpired(memberName, now: now)
        case .probeStart:
            startProbe(now: now)
        case .gossip:
            gossip(now: now)
            nextGossipAt = Self.gridTick(after: now, origin: origin, interval: config.gossipInterval)
        case .pushPull:
            if pushPullStaggered {
                pushPull(now: now)
            }
            pushPullStaggered = true
            nextPushPullAt = now + Timing.pushPullScale(interval: config.pushPullInterval, members: nodes.count)
        }
    }

    // MARK: - Probing

    /// memberlist's `probe`: the next member in the list that is neither this node nor dead
    /// or left; at the end of the list, dead members past GossipToTheDeadTime are dropped
    /// and the list is reshuffled (`resetNodes`). Gives up after looking at every entry.
    mutating func startProbe(now: Int64) {
        var checked = 0
        while checked < nodes.count {
            if probeIndex >= nodes.count {
                resetNodes(now: now)
                probeIndex = 0
                checked += 1
                continue
            }
            let candidate = nodes[probeIndex]
            probeIndex += 1
            if candidate.name == name || candidate.state.isDeadOrLeft {
                checked += 1
                continue
            }
            probeNode(candidate, now: now)
            return
        }
        nextProbeAt = Self.gridTick(after: now, origin: origin, interval: config.probeInterval)
    }

    /// memberlist's `resetNodes` with `moveDeadNodes`: dead and left members whose state is
    /// older than GossipToTheDeadTime are swapped to the end and cut off; the rest shuffled.
    mutating func resetNodes(now: Int64) {
        var numberDead = 0
        let count = nodes.count
        var index = 0
        while index < count - numberDead {
            let node = nodes[index]
            if node.state.isDeadOrLeft && now - node.stateChange > config.gossipToTheDeadTime {
                nodes.swapAt(index, count - numberDead - 1)
                numberDead += 1
            } else {
                index += 1
            }
        }
        nodes.removeLast(numberDead)
        nodes.shuffle(using: &generator)
    }

    /// A ping from this node, naming it as the sender where this memberlist version does
    /// (`MembershipConfig.pingsNameTheSender`).
    func outgoingPing(seqNo: UInt32, node target: String) -> Ping {
        guard config.pingsNameTheSender else { return Ping(seqNo: seqNo, node: target) }
        return Ping(seqNo: seqNo, node: target, sourceAddress: address, sourcePort: port, sourceNode: name)
    }

    /// memberlist's `probeNode`, first step: a ping (with a suspect message in a compound
    /// when the target is already suspect, so it can refute at once).
    mutating func probeNode(_ target: NodeState, now: Int64) {
        let interval = awareness.scale(config.probeInterval)
        let seqNo = nextSequenceNumber()
        let ping = Message.ping(
            outgoingPing(seqNo: seqNo, node: target.name))
        if target.state == .alive {
            send(ping, to: target.address, port: target.port)
        } else {
            let suspect = Message.suspect(Suspect(incarnation: target.incarnation, node: target.name, from: name))
            sendRaw(
                Packet.compound([ping.encoded, suspect.encoded]), to: target.address, port: target.port, member: target)
        }
        // The direct wait is ProbeTimeout, not scaled by health; the whole probe's is.
        probe = ProbeInFlight(
            target: target, seqNo: seqNo, startedAt: now,
            indirectAt: now + min(config.probeTimeout, interval), deadline: now + interval)
    }

    /// No direct ack within ProbeTimeout: ask IndirectChecks random alive members to ping
    /// the target for us, and to nack if they hear nothing (Lifeguard).
    mutating func sendIndirectProbes(now: Int64) {
        guard var current = probe else { return }
        current.indirectSent = true
        let target = current.target
        let me = name
        let peers = randomMembers(config.indirectChecks) {
            $0.name == me || $0.name == target.name || $0.state != .alive
        }
        for peer in peers {
            let wantsNack = peer.protocolMax >= 4
            if wantsNack { current.expectedNacks += 1 }
            let request = IndirectPing(
                seqNo: current.seqNo, target: target.address, port: target.port, node: target.name,
                nack: wantsNack, sourceAddress: config.pingsNameTheSender ? address : nil,
                sourcePort: config.pingsNameTheSender ? port : 0, sourceNode: config.pingsNameTheSender ? name : "")
            send(.indirectPing(request), to: peer.address, port: peer.port)
        }
        // The TCP fallback: the same ping on a connection, with until the probe's deadline to
        // connect and be answered (state.go `probeNode`, net.go `sendPingAndWaitForAck`).
        if !config.disableTCPPings && target.protocolMax >= 3 {
            let ping = Message.ping(outgoingPing(seqNo: current.seqNo, node: target.name))
            outbox.datagrams.append(
                .init(
                    destination: target.address, port: target.port, payload: ping.encoded, transport: .stream,
                    deadline: current.deadline))
        }
        probe = current
    }

    /// No ack by the end of the (health-scaled) probe interval: update health from the
    /// nacks (each expected nack that did not come counts against the others, not us; with
    /// no nack-capable helpers, one point against us) and suspect the target.
    mutating func probeFailed(now: Int64) {
        guard let failed = probe else { return }
        // Only the TCP fallback got through: memberlist warns that the network may be
        // misconfigured, and counts the probe as answered.
        if failed.fallbackContacted {
            outbox.discarded.append(
                "was able to connect to \(failed.target.name) but other probes failed, network may be misconfigured")
            return probeSucceeded(now: now)
        }
        probe = nil
        var delta = 0
        if failed.expectedNacks > 0 {
            if failed.nacks < failed.expectedNacks { delta += failed.expectedNacks - failed.nacks }
        } else {
            delta += 1
        }
        suspectNode(Suspect(incarnation: failed.target.incarnation, node: failed.target.name, from: name), now: now)
        awareness.apply(delta)
        nextProbeAt = max(now, Self.gridTick(after: failed.startedAt, origin: origin, interval: config.probeInterval))
    }

    /// The probe got its ack (direct, or relayed by an indirect prober).
    mutating func probeSucceeded(now: Int64) {
        guard let done = probe else { return }
        probe = nil
        awareness.apply(-1)
        nextProbeAt = max(now, Self.gridTick(after: done.startedAt, origin: origin, interval: config.probeInterval))
    }

    /// An indirect probe run for another node timed out without an ack: nack if asked to.
    mutating func relayExpired(_ seqNo: UInt32, now: Int64) {
        guard let index = relays.firstIndex(where: { $0.localSeqNo == seqNo }) else { return }
        let relay = relays.remove(at: index)
        if relay.wantsNack {
            send(.nack(Nack(seqNo: relay.originSeqNo)), to: relay.requester, port: relay.requesterPort)
        }
    }

    /// memberlist's `kRandomNodes` over the member list.
    mutating func randomMembers(_ k: Int, excluding excluded: (NodeState) -> Bool) -> [NodeState] {
        let list = nodes.elements
        return generator.pick(k, from: list, excluding: excluded, sameAs: { $0.name == $1.name })
    }

    // MARK: - Gossip

    /// memberlist's `gossip`: up to GossipNodes random members (alive, suspect, or dead for
    /// less than GossipToTheDeadTime) each get a packet of queued broadcasts, until the
    /// queue has nothing left to give.
    mutating func gossip(now: Int64) {
        let gossipToTheDead = config.gossipToTheDeadTime
        let me = name
        let targets = randomMembers(config.gossipNodes) { node in
            if node.name == me { return true }
            switch node.state {
            case .alive, .suspect: return false
            case .dead: return now - node.stateChange > gossipToTheDead
            case .left: return true
            }
        }
        for target in targets {
            let messages = takeBroadcasts(limit: config.udpBufferSize - Self.compoundOverhead)
            if messages.isEmpty { return }
            if messages.count == 1 {
                sendRaw(messages[0], to: target.address, port: target.port, member: target)
            } else {
                for compound in Packet.compounds(messages) {
                    sendRaw(compound, to: target.address, port: target.port, member: target)
                }
            }
        }
    }

    // MARK: - Push/pull

    /// memberlist's `pushPull`: a full state exchange with one random alive member.
    mutating func pushPull(now: Int64) {
        let me = name
        let peers = randomMembers(1) { $0.name == me || $0.state != .alive }
        guard let peer = peers.first else { return }
        // The connection has TCPTimeout to connect and as long again to exchange.
        sendPushPull(to: peer.address, port: peer.port, join: false, now: now, patience: 2 * config.tcpTimeout)
    }

    /// Sends this node's whole member list and waits (up to TCPTimeout) for the other's.
    /// `patience`: how long the answer may take (TCPTimeout; a join's seeds wait their turn).
    mutating func sendPushPull(
        to destination: IPv4Address, port destinationPort: UInt16, join: Bool, now: Int64, patience: Int64? = nil
    ) {
        pendingPushPulls.removeAll { $0.expiresAt < now }
        let payload = pushPullPayload(join: join, isReply: false)
        outbox.datagrams.append(
            .init(destination: destination, port: destinationPort, payload: payload, transport: .stream, isJoin: join))
        pendingPushPulls.append(
            PendingPushPull(
                address: destination, port: destinationPort, expiresAt: now + (patience ?? config.tcpTimeout)))
    }
}
