import Wire

/// One node's memberlist: hashicorp/memberlist's failure detector (SWIM with Lifeguard's
/// health awareness, nacks and suspicion confirmations), sans-IO.
///
/// The driver (the simulator, or a live process) hands it received datagrams and the time,
/// calls `tick` when `nextWakeup` comes, and sends the datagrams each call returns from this
/// node's address and port: the simulator all as UDP, a live driver (`LiveMemberlist`) the
/// push/pulls over TCP as their `transport` says, handing what comes back on a connection to
/// `receiveStream`. Nothing here reads a clock or draws randomness except from the
/// generator given at creation, so the same inputs always give the same outputs.
///
/// Timers follow memberlist's goroutines: probes on a ticker every ProbeInterval from
/// creation (`origin`: `schedule()` starts the tickers in `Create`; `triggerFunc`'s random
/// stagger is shorter than one period, so it delays no tick and the phase is the creation
/// time) (a probe that runs past its tick, as a failed one under degraded health does,
/// is followed straight away by the next, as Go's ticker delivers the missed tick); gossip
/// on a ticker every GossipInterval (skipped while nothing is queued, where memberlist
/// would find nothing to send); push/pull after a random stagger below PushPullInterval,
/// then every PushPullInterval scaled by cluster size.
public struct Memberlist<Generator: RandomNumberGenerator> {
    public typealias Output = MembershipOutput

    /// memberlist's protocol versions: understands 1 to 5, speaks 2 (its default,
    /// `ProtocolVersion2Compatible`); no delegate protocol.
    public static var protocolVersions: [UInt8] { [1, 5, 2, 0, 0, 0] }

    /// Per-message bytes a compound header costs, and the compound's own header
    /// (memberlist's `compoundOverhead`, `compoundHeaderOverhead`).
    static var compoundOverhead: Int { 2 }

    public let name: String
    public let address: IPv4Address
    public let port: UInt16
    public let config: MembershipConfig
    public let meta: [UInt8]

    var generator: Generator
    /// The member list in probe order (memberlist's `m.nodes`), this node included, indexed
    /// by name.
    var nodes = NodeList()
    var probeIndex = 0
    /// The last incarnation number handed out for this node.
    var incarnationCounter: UInt32 = 0
    var sequenceNumber: UInt32 = 0
    public internal(set) var awareness: Awareness
    var broadcasts = BroadcastQueue()
    /// Suspicion timers by member name; looked up by name, fired in (deadline, name) order.
    var suspicions: [String: Suspicion] = [:]
    /// `leave` was called.
    public internal(set) var hasLeft = false
    /// When `leave` was called.
    var leftAt: Int64?
    /// The member list's push/pull entries, joined, and the list version they show: a node
    /// sends the same list to every seed of a join and to every peer until it changes.
    var cachedPushStates: (version: UInt64, bytes: [UInt8])?
    /// The leave's dead message has been sent its full number of times (or nobody was left
    /// to tell): memberlist's `Leave` returns now, and MetalLB shuts memberlist down.
    public internal(set) var leaveBroadcastFinished = false
    var probe: ProbeInFlight?
    var relays: [IndirectRelay] = []
    var pendingPushPulls: [PendingPushPull] = []
    /// When this memberlist was created: its probe and gossip tickers tick at whole intervals
    /// from here (their phase), as Go's tickers do from `schedule()`.
    public let origin: Int64
    var nextProbeAt: Int64?
    var nextGossipAt: Int64?
    var nextPushPullAt: Int64?
    /// The push/pull timer's first wait (the random stagger) is over.
    var pushPullStaggered = false
    /// What the current call has produced so far.
    var outbox = Output()
    /// Some member ever joined under a name that is an IPv4 address's text.
    var hasAddressNamedMembers = false

    /// Creates the memberlist and marks this node alive (memberlist's `Create`: `setAlive`
    /// then `schedule`). The join event for this node itself comes with the first output.
    public init(
        name: String, address: IPv4Address, port: UInt16 = 7946, config: MembershipConfig = .lan,
        meta: [UInt8] = [], generator: Generator, now: Int64
    ) {
        self.name = name
        self.address = address
        self.port = port
        self.config = config
        self.meta = meta
        self.generator = generator
        self.origin = now
        awareness = Awareness(maximum: config.awarenessMaxMultiplier)
        let alive = Alive(
            incarnation: nextIncarnation(), node: name, address: address, port: port,
            meta: meta, vsn: Self.protocolVersions)
        aliveNode(alive, now: now, bootstrap: true)
        if config.probeInterval > 0 { nextProbeAt = now + config.probeInterval }
        if config.gossipInterval > 0 && config.gossipNodes > 0 { nextGossipAt = now + config.gossipInterval }
        if config.pushPullInterval > 0 {
            nextPushPullAt = now + Int64(self.generator.uniform(below: Int(config.pushPullInterval)))
        }
    }

    // MARK: - Driving

    /// Joins a cluster through `seeds`: a push/pull (full state exchange) with each, as
    /// memberlist's `Join` does; each is a `.stream` output for the driver to dial, and the
    /// answer comes back through `receiveStream(dialed: true)`.
    public mutating func join(_ seeds: [(IPv4Address, UInt16)], now: Int64) -> Output {
        catchUpGossip(now)
        // `Join` dials the seeds one after the other, each with up to TCPTimeout to connect and
        // as long again to exchange: the last may be answered that long after the first.
        let patience = 2 * config.tcpTimeout * Int64(max(1, seeds.count))
        for (seedAddress, seedPort) in seeds {
            sendPushPull(to: seedAddress, port: seedPort, join: true, now: now, patience: patience)
        }
        return takeOutput()
    }

    /// What a join's push/pull writes now: a driver that dials the seeds one after the other
    /// sends each the member list as it is when that dial connects, as `pushPullNode` does.
    public mutating func joinPayload(now: Int64) -> [UInt8] {
        catchUpGossip(now)
        return pushPullPayload(join: true, isReply: false)
    }

    /// Handles one datagram received from `from`:`port`.
    ///
    /// Pings, acks, nacks, indirect pings and push/pulls are handled as they come; alive,
    /// suspect and dead messages go through memberlist's hand-off queues, processed once
    /// the packet is read: alive messages first, then the others, each queue newest first.
    public mutating func receive(_ payload: [UInt8], from: IPv4Address, port fromPort: UInt16, now: Int64) -> Output {
        catchUpGossip(now)
        let contents = Packet.decode(payload)
        for error in contents.errors {
            outbox.discarded.append("\(error) from \(from):\(fromPort)")
        }
        if contents.truncatedParts > 0 {
            outbox.discarded.append(
                "compound request had \(contents.truncatedParts) truncated messages from \(from):\(fromPort)")
        }
        var aliveQueue: [Alive] = []
        var otherQueue: [Message] = []
        for message in contents.messages {
            switch message {
            case .ping(let ping): handlePing(ping, from: from, port: fromPort, now: now)
            case .indirectPing(let request): handleIndirectPing(request, from: from, port: fromPort, now: now)
            case .ack(let ack): handleAck(ack, now: now)
            case .nack(let nack): handleNack(nack)
            case .pushPull(let exchange): handlePushPull(exchange, from: from, port: fromPort, now: now)
            case .alive(var alive):
                if alive.port == 0 { alive.port = port }
                aliveQueue.append(alive)
            case .suspect, .dead:
                otherQueue.append(message)
            }
        }
        for alive in aliveQueue.reversed() { aliveNode(alive, now: now, bootstrap: false) }
        for message in otherQueue.reversed() {
            switch message {
            case .suspect(let suspect): suspectNode(suspect, now: now)
            case .dead(let dead): deadNode(dead, now: now)
            default: break
            }
        }
        // A confirmation may have pulled a suspicion's deadline to now: memberlist fires it
        // at once (in its own goroutine, after this message).
        for (memberName, suspicion) in suspicions.sorted(by: { $0.key < $1.key }) where suspicion.deadline <= now {
            suspicionExpired(memberName, now: now)
        }
        return takeOutput()
    }

    /// Runs every timer due at or before `now`, in time order (within one instant, in the
    /// order `TimerAction` gives: Go's, see there).
    public mutating func tick(now: Int64) -> Output {
        catchUpGossip(now)
        while let (time, action) = nextAction(), time <= now {
            perform(action, at: time)
        }
        return takeOutput()
    }

    /// Leaves gracefully (memberlist's `Leave`): this node's own dead message, which the
    /// others take as "left" and act on at once, goes into the gossip queue. The node keeps
    /// answering until the driver stops it; `leaveBroadcastFinished` says when the message
    /// is out (MetalLB then shuts memberlist down).
    public mutating func leave(now: Int64) -> Output {
        catchUpGossip(now)
        guard !hasLeft else { return takeOutput() }
        hasLeft = true
        leftAt = now
        if let me = nodes.member(named: name) {
            deadNode(Dead(incarnation: me.incarnation, node: name, from: name), now: now)
        }
        if !nodes.contains(where: { !$0.state.isDeadOrLeft && $0.name != name }) {
            leaveBroadcastFinished = true
        }
        return takeOutput()
    }

    /// When `tick` next has something to do, or nil if nothing is scheduled.
    public var nextWakeup: Int64? { nextAction()?.time }

    // MARK: - The view

    /// Every member this node knows of, itself included, dead and left ones until they are
    /// forgotten (GossipToTheDeadTime after they died, at the next probe round), by name.
    public var members: [Member] {
        var members: [Member] = []
        members.reserveCapacity(nodes.count)
        for node in nodes.byName { members.append(node.member) }
        return members
    }

    /// The members memberlist's `Members()` returns, alive or suspect, by name: the
    /// speakers MetalLB lets take part in its election.
    public var liveMembers: [Member] {
        var members: [Member] = []
        members.reserveCapacity(nodes.count)
        for node in nodes.byName where !node.state.isDeadOrLeft { members.append(node.member) }
        return members
    }

    /// One member by name.
    public func member(named memberName: String) -> Member? {
        nodes.member(named: memberName)?.member
    }

    /// This node's own entry. After a leave, the entry is dropped like any dead member's
    /// once GossipToTheDeadTime has passed; it is then reconstructed, as left.
    public var localMember: Member {
        nodes.member(named: name)?.member
            ?? Member(
                name: name, address: address, port: port, incarnation: incarnationCounter, state: .left,
                stateChange: leftAt ?? origin, meta: meta)
    }

    /// Lifeguard's health score: 0 is healthy; each point stretches the probe interval.
    public var healthScore: Int { awareness.score }

    // MARK: - Internals shared by the extensions

    mutating func nextIncarnation() -> UInt32 {
        incarnationCounter &+= 1
        return incarnationCounter
    }

    mutating func nextSequenceNumber() -> UInt32 {
        sequenceNumber &+= 1
        return sequenceNumber
    }

    func index(of memberName: String) -> Int? {
        nodes.index(named: memberName)
    }

    mutating func takeOutput() -> Output {
        defer { outbox = Output() }
        return outbox
    }

    /// Queues gossip about `memberName` (replacing what was queued about it).
    mutating func queueBroadcast(_ memberName: String, _ message: Message, now: Int64, isLeave: Bool = false) {
        catchUpGossip(now)
        if broadcasts.queue(name: memberName, message: message.encoded, isLeave: isLeave) {
            leaveBroadcastFinished = true
        }
    }

    /// Takes queued gossip for one packet; notes when the leave message is done.
    mutating func takeBroadcasts(limit: Int) -> [[UInt8]] {
        let transmitLimit = Timing.retransmitLimit(retransmitMult: config.retransmitMult, members: nodes.count)
        let taken = broadcasts.take(overhead: Self.compoundOverhead, limit: limit, transmitLimit: transmitLimit)
        if taken.finishedLeave { leaveBroadcastFinished = true }
        return taken.messages
    }

    /// A push/pull carrying the member list as it stands (the entries joined once per change
    /// of the list, each encoded once per change of its member).
    mutating func pushPullPayload(join: Bool, isReply: Bool) -> [UInt8] {
        let entries: [UInt8]
        if let cached = cachedPushStates, cached.version == nodes.version {
            entries = cached.bytes
        } else {
            entries = nodes.encodedPushStates()
            cachedPushStates = (nodes.version, entries)
        }
        return PushPull.encoded(join: join, isReply: isReply, count: nodes.count, entries: entries)
    }

    /// memberlist's `sendMsg`: the message, with as much queued gossip as fits in the
    /// packet piggybacked in a compound.
    mutating func send(_ message: Message, to destination: IPv4Address, port destinationPort: UInt16) {
        let bytes = message.encoded
        let extra = takeBroadcasts(limit: config.udpBufferSize - bytes.count - Self.compoundOverhead)
        let packet = extra.isEmpty ? bytes : Packet.compound([bytes] + extra)
        sendRaw(packet, to: destination, port: destinationPort, member: nil)
    }

    /// memberlist's `rawSendMsgPacket`: the packet as it is (compressed first if that is
    /// shorter and compression is on), behind a CRC when the member speaks protocol 5. Without `member` memberlist looks the destination up by its
    /// address text, which finds a member only when members are named by address.
    mutating func sendRaw(
        _ packet: [UInt8], to destination: IPv4Address, port destinationPort: UInt16, member: NodeState?
    ) {
        let known = member ?? lookUpByAddressText(destination)
        // Compression comes first, the CRC then covers the compressed bytes.
        let packet = config.enableCompression ? Compression.wrapIfSmaller(packet) : packet
        let payload = (known?.protocolMax ?? 0) >= 5 ? Packet.withCRC(packet) : packet
        outbox.datagrams.append(.init(destination: destination, port: destinationPort, payload: payload))
    }

    /// The member named by `address`'s text, if members are named that way. A flag set when
    /// the first such member is added (and never cleared: a cheap over-approximation) keeps
    /// the usual case, names that are not addresses, free of string building per datagram.
    func lookUpByAddressText(_ address: IPv4Address) -> NodeState? {
        guard hasAddressNamedMembers else { return nil }
        return nodes.member(named: address.description)
    }

    /// Keeps the gossip ticker on its grid while it has nothing to do: once the queue is
    /// empty no wake-up is asked for, so a tick that passed unattended moves on here to the
    /// first one at or after `now`.
    mutating func catchUpGossip(_ now: Int64) {
        guard broadcasts.isEmpty, let next = nextGossipAt, next < now else { return }
        nextGossipAt = Self.gridTick(atOrAfter: now, origin: origin, interval: config.gossipInterval)
    }

    /// The first tick of a ticker started at `origin` at or after `time`.
    static func gridTick(atOrAfter time: Int64, origin: Int64, interval: Int64) -> Int64 {
        let elapsed = time - origin
        let ticks = elapsed <= 0 ? 1 : (elapsed + interval - 1) / interval
        return origin + max(ticks, 1) * interval
    }

    /// The first tick of a ticker started at `origin` strictly after `time`.
    static func gridTick(after time: Int64, origin: Int64, interval: Int64) -> Int64 {
        let elapsed = max(time - origin, 0)
        return origin + (elapsed / interval + 1) * interval
    }
}

extension Memberlist: Sendable where Generator: Sendable {}
