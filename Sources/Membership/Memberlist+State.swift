import Wire

/// How news about a member changes this node's view (state.go `aliveNode`, `suspectNode`,
/// `deadNode`, `refute`, `mergeState`).
extension Memberlist {
    /// memberlist's `aliveNode`. A member not seen before is added at a random place in the
    /// list; a higher incarnation overrides suspect and dead (the member rejoins); news about
    /// this node itself that is not exactly what it last said is refuted.
    mutating func aliveNode(_ alive: Alive, now: Int64, bootstrap: Bool) {
        if hasLeft && alive.node == name { return }
        if alive.vsn.count >= 3 {
            let (minimum, maximum) = (alive.vsn[0], alive.vsn[1])
            if minimum == 0 || maximum == 0 || minimum > maximum {
                outbox.discarded.append(
                    "ignoring an alive message for '\(alive.node)' because protocol version(s) are wrong")
                return
            }
        }

        var updatesNode = false
        let index: Int
        if let existing = self.index(of: alive.node) {
            index = existing
            if nodes[existing].address != alive.address || nodes[existing].port != alive.port {
                let known = nodes[existing]
                let canReclaim = config.deadNodeReclaimTime > 0 && now - known.stateChange > config.deadNodeReclaimTime
                if known.state == .left || (known.state == .dead && canReclaim) {
                    updatesNode = true
                } else {
                    outbox.discarded.append(
                        "conflicting address for \(alive.node): mine \(known.address):\(known.port), theirs \(alive.address):\(alive.port)"
                    )
                    return
                }
            }
        } else {
            // A new member starts out dead at incarnation 0, so the checks below treat the
            // alive message as news. It goes in at a random offset: appending every newcomer
            // would leave them all to the end of everyone's probe round.
            let newcomer = NodeState(
                name: alive.node, address: alive.address, port: alive.port, meta: alive.meta,
                incarnation: 0, state: .dead, stateChange: 0,
                vsn: alive.vsn.count > 5 ? alive.vsn : [0, 0, 0, 0, 0, 0])
            let offset = generator.uniform(below: nodes.count)
            if IPv4Address(alive.node) != nil { hasAddressNamedMembers = true }
            nodes.insert(newcomer, swappingInAt: offset)
            index = offset
        }

        let isLocal = alive.node == name
        // Most alive news is old news: decided on the incarnation alone, without a copy
        // of the member.
        let knownIncarnation = nodes[index].incarnation
        if alive.incarnation <= knownIncarnation && !isLocal && !updatesNode { return }
        if alive.incarnation < knownIncarnation && isLocal { return }
        let known = nodes[index]

        suspicions[alive.node] = nil
        let oldState = known.state
        let oldMeta = known.meta

        if !bootstrap && isLocal {
            // Someone says this node is alive with different details (a restart elsewhere
            // under the same name, or old news): only the exact same message is harmless.
            if alive.incarnation == known.incarnation && alive.meta == known.meta && alive.vsn == known.vsn { return }
            refute(index, accusedIncarnation: alive.incarnation, now: now)
        } else {
            queueBroadcast(alive.node, .alive(alive), now: now)
            if alive.vsn.count >= 6 { nodes[index].vsn = alive.vsn }
            nodes[index].incarnation = alive.incarnation
            nodes[index].meta = alive.meta
            nodes[index].address = alive.address
            nodes[index].port = alive.port
            if nodes[index].state != .alive {
                nodes[index].state = .alive
                nodes[index].stateChange = now
            }
        }

        if oldState.isDeadOrLeft {
            outbox.events.append(MemberEvent(.join, nodes[index].member))
        } else if oldMeta != nodes[index].meta {
            outbox.events.append(MemberEvent(.update, nodes[index].member))
        }
    }

    /// memberlist's `suspectNode`. A suspicion already running takes the message as a
    /// confirmation (re-gossiped if it is a new one); an alive member becomes suspect, with
    /// a timer set from the cluster size; a suspicion of this node itself is refuted.
    mutating func suspectNode(_ suspect: Suspect, now: Int64) {
        guard let index = self.index(of: suspect.node) else { return }
        if suspect.incarnation < nodes[index].incarnation { return }

        if var running = suspicions[suspect.node] {
            if running.confirm(from: suspect.from, now: now) {
                suspicions[suspect.node] = running
                queueBroadcast(suspect.node, .suspect(suspect), now: now)
            }
            return
        }

        if nodes[index].state != .alive { return }
        if suspect.node == name {
            refute(index, accusedIncarnation: suspect.incarnation, now: now)
            return
        }
        queueBroadcast(suspect.node, .suspect(suspect), now: now)

        nodes[index].incarnation = suspect.incarnation
        nodes[index].state = .suspect
        nodes[index].stateChange = now

        let bounds = Timing.suspicionBounds(config, members: nodes.count)
        suspicions[suspect.node] = Suspicion(
            from: suspect.from, expected: bounds.expected, minimum: bounds.minimum,
            maximum: bounds.maximum, start: now)
    }

    /// A suspicion timer ran out: the member is declared dead, if it is still the suspect
    /// that timer was set for.
    mutating func suspicionExpired(_ memberName: String, now: Int64) {
        guard let suspicion = suspicions.removeValue(forKey: memberName),
            let index = self.index(of: memberName),
            nodes[index].state == .suspect, nodes[index].stateChange == suspicion.start
        else { return }
        deadNode(Dead(incarnation: nodes[index].incarnation, node: memberName, from: name), now: now)
    }

    /// memberlist's `deadNode`. A member declared dead by another is dead; one that said
    /// so itself has left. This node refutes its own death unless it is leaving, in which
    /// case its dead message is the leave broadcast.
    mutating func deadNode(_ dead: Dead, now: Int64) {
        guard let index = self.index(of: dead.node) else { return }
        if dead.incarnation < nodes[index].incarnation { return }
        suspicions[dead.node] = nil
        if nodes[index].state.isDeadOrLeft { return }

        if dead.node == name {
            guard hasLeft else {
                refute(index, accusedIncarnation: dead.incarnation, now: now)
                return
            }
            queueBroadcast(dead.node, .dead(dead), now: now, isLeave: true)
        } else {
            queueBroadcast(dead.node, .dead(dead), now: now)
        }

        nodes[index].incarnation = dead.incarnation
        nodes[index].state = dead.node == dead.from ? .left : .dead
        nodes[index].stateChange = now
        outbox.events.append(MemberEvent(.leave, nodes[index].member))
    }

    /// memberlist's `refute`: a new incarnation for this node, above the accusation's, told
    /// to everyone in an alive message. Having to refute counts against this node's health.
    mutating func refute(_ index: Int, accusedIncarnation: UInt32, now: Int64) {
        var incarnation = nextIncarnation()
        if accusedIncarnation >= incarnation {
            incarnationCounter &+= accusedIncarnation - incarnation + 1
            incarnation = incarnationCounter
        }
        nodes[index].incarnation = incarnation
        awareness.apply(1)
        let me = nodes[index]
        let alive = Alive(
            incarnation: incarnation, node: me.name, address: me.address, port: me.port, meta: me.meta, vsn: me.vsn)
        // memberlist files this broadcast under the node's address text, not its name.
        queueBroadcast(me.address.description, .alive(alive), now: now)
    }

    /// memberlist's `mergeState`: another member's full list, entry by entry. Alive entries
    /// are alive messages; left ones are leave messages; dead ones are only suspected (the
    /// other side may be the one cut off), under this node's own name.
    mutating func mergeState(_ remote: [PushNodeState], now: Int64) {
        for entry in remote { mergeEntry(entry, now: now) }
    }

    /// One entry of `mergeState`.
    mutating func mergeEntry(_ entry: PushNodeState, now: Int64) {
        switch entry.state {
        case .alive:
            let alive = Alive(
                incarnation: entry.incarnation, node: entry.name, address: entry.address,
                port: entry.port == 0 ? port : entry.port, meta: entry.meta, vsn: entry.vsn)
            aliveNode(alive, now: now, bootstrap: false)
        case .left:
            deadNode(Dead(incarnation: entry.incarnation, node: entry.name, from: entry.name), now: now)
        case .dead, .suspect:
            suspectNode(Suspect(incarnation: entry.incarnation, node: entry.name, from: name), now: now)
        }
    }
}
