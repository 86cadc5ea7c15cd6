import Engine
import Membership
import Wire

/// The node kernel's TCP on memberlist's port (`MemberlistStream`): the speaker's push/pulls
/// and joins as real connections in the trace, and its listener answering the others'.
///
/// memberlist's `Join` dials its seeds one at a time (memberlist.go, `Join` loops over
/// `pushPullNode`), each with a 10 s dial timeout, so a seed that does not answer holds the
/// rest back: the streams of one join are dialed in the order given, each once the one
/// before has its answer or has failed, with the member list as it is then. MetalLB calls
/// `Join` from one goroutine (internal/speakerlist/speakerlist.go, `joinMembers`), whose
/// ticker and rejoin channel hold one request while a join runs: a join asked for meanwhile
/// waits, the latest one replacing an earlier one. A periodic push/pull is dialed at once.
extension NodeHost {
    static let streamTimeout = SimDuration.seconds(10)

    // MARK: memberlist's side

    /// The speaker's memberlist produced these `.stream` messages in one call: one push/pull,
    /// or a join's, which go one after the other.
    func dialStreams(_ messages: [MembershipOutput.Datagram], in context: HostContext) {
        let joins = messages.filter(\.isJoin)
        for message in messages where !message.isJoin {
            dial(
                message.payload, to: message.destination, port: message.port, isJoin: false,
                deadline: message.deadline.map(SimTime.init(nanoseconds:)), in: context)
        }
        guard !joins.isEmpty else { return }
        if joinInFlight {
            waitingJoin = joins
        } else {
            pendingJoinSeeds = joins
            dialNextJoinSeed(in: context)
        }
    }

    private func dialNextJoinSeed(in context: HostContext) {
        if pendingJoinSeeds.isEmpty, let waiting = waitingJoin {
            pendingJoinSeeds = waiting
            waitingJoin = nil
        }
        guard !pendingJoinSeeds.isEmpty else {
            joinInFlight = false
            return
        }
        let next = pendingJoinSeeds.removeFirst()
        joinInFlight = true
        var payload = next.payload
        driveSpeaker(in: context) { payload = $0.joinPayload(now: context.now.nanoseconds) ?? payload }
        dial(payload, to: next.destination, port: next.port, isJoin: true, in: context)
    }

    /// `deadline`: memberlist's own (a fallback ping's); else TCPTimeout for the dial and as
    /// long again once connected.
    private func dial(
        _ message: [UInt8], to destination: IPv4Address, port remotePort: UInt16, isJoin: Bool,
        deadline: SimTime? = nil, in context: HostContext
    ) {
        // No route (the primary interface is down): `connect` fails at once, and a join goes
        // on to its next seed.
        guard hasRoutes else {
            if isJoin { dialNextJoinSeed(in: context) }
            return
        }
        let key = StreamKey(localPort: allocateEphemeralPort(), remote: destination, remotePort: remotePort)
        let stream = MemberlistStream(
            role: .dialer, phase: .synSent, isn: initialSequence(key, context), rto: MemberlistStream.initialRTO,
            deadline: deadline ?? context.now + Self.streamTimeout, isJoin: isJoin)
        stream.fixedDeadline = deadline != nil
        stream.outgoing = Stream.frame(message, compress: false)
        stream.retransmitAt = context.now + stream.rto
        streams[key] = stream
        transmitSYN(key, stream, acknowledging: false, in: context)
        armStreamTimer(key, stream, in: context)
    }

    /// Linux's `ip_local_port_range` (32768-60999), walked from a per-node start.
    private func allocateEphemeralPort() -> UInt16 {
        let port = nextEphemeralPort
        nextEphemeralPort = port >= 60999 ? 32768 : port + 1
        return port
    }

    /// A deterministic initial sequence number per connection and time (Linux hashes the
    /// four-tuple with a clock: net/core/secure_seq.c).
    private func initialSequence(_ key: StreamKey, _ context: HostContext) -> UInt32 {
        UInt32(
            truncatingIfNeeded: RandomStream.fnv1a(
                "\(ip):\(key.localPort)>\(key.remote):\(key.remotePort)@\(context.now.nanoseconds)"))
    }

    /// The speaker process went away (exit, kill, power loss): its sockets are closed without
    /// a word on the wire here; peers find out by their own deadlines, or by a RST when they
    /// send again.
    func dropStreams() {
        streams.removeAll()
        pendingJoinSeeds.removeAll()
        waitingJoin = nil
        joinInFlight = false
    }

    // MARK: segments in

    /// A TCP segment for this node's own address.
    func receiveSegment(_ tcp: TCPHeader, payload: [UInt8], from source: IPv4Address, in context: HostContext) {
        let key = StreamKey(localPort: tcp.destinationPort, remote: source, remotePort: tcp.sourcePort)
        guard let stream = streams[key] else { return accept(tcp, key: key, in: context) }
        if tcp.flags.contains(.rst) { return finish(key, in: context) }
        switch stream.phase {
        case .synSent:
            guard tcp.flags.contains([.syn, .ack]), tcp.acknowledgmentNumber == stream.isn &+ 1 else { return }
            stream.peerISN = tcp.sequenceNumber
            stream.phase = .established
            stream.rto = MemberlistStream.minimumRTO
            stream.retransmitAt = nil
            // sendAndReceiveState sets its deadline once the dial has succeeded.
            if !stream.fixedDeadline { stream.deadline = context.now + Self.streamTimeout }
            transmit(key, stream, flags: [.ack], at: 0, payload: [], in: context)
            pump(key, stream, in: context)
            return
        case .synReceived:
            if tcp.flags.contains(.syn) && !tcp.flags.contains(.ack) {
                // The dialer did not get our SYN-ACK and sent its SYN again.
                return transmitSYN(key, stream, acknowledging: true, in: context)
            }
            guard tcp.flags.contains(.ack), tcp.acknowledgmentNumber == stream.isn &+ 1 else { return }
            stream.phase = .established
            stream.rto = MemberlistStream.minimumRTO
            stream.retransmitAt = nil
        case .established:
            if tcp.flags.contains(.syn) {
                // Our ACK of the handshake was lost: acknowledge again.
                return transmit(key, stream, flags: [.ack], at: stream.sent, payload: [], in: context)
            }
        }
        // What the peer acknowledged of ours.
        var advanced = false
        if tcp.flags.contains(.ack) {
            let advance = Int(Int32(bitPattern: tcp.acknowledgmentNumber &- stream.sequence(at: stream.acked)))
            if advance > 0 {
                advanced = true
                let reached = stream.acked + advance
                if stream.finSent && reached > stream.outgoing.count { stream.finAcked = true }
                stream.acked = min(reached, stream.sent)
                stream.rto = MemberlistStream.minimumRTO
            }
        }
        // What the peer sent, taken in order only (anything else is acknowledged again).
        var acknowledge = false
        var inOrder = false
        if !payload.isEmpty {
            if tcp.sequenceNumber == stream.acknowledgment && !stream.finReceived {
                stream.incoming += payload
                inOrder = true
            }
            acknowledge = true
        }
        if tcp.flags.contains(.fin) {
            if !stream.finReceived && tcp.sequenceNumber &+ UInt32(payload.count) == stream.acknowledgment {
                stream.finReceived = true
            }
            acknowledge = true
        }
        // The timer restarts when the peer acknowledged something new (RFC 6298 5.3), starts
        // when something waits for an acknowledgment, and stops when nothing does.
        if !stream.awaitsAcknowledgment {
            stream.retransmitAt = nil
        } else if advanced || stream.retransmitAt == nil {
            stream.retransmitAt = context.now + stream.rto
        }
        if acknowledge { transmit(key, stream, flags: [.ack], at: stream.sent, payload: [], in: context) }
        // The message ends at its PSH segment, taken in order (one that arrives after a gap
        // waits for the retransmission that fills it), or at the peer's FIN.
        if !stream.delivered && ((inOrder && tcp.flags.contains(.psh)) || stream.finReceived) {
            if let message = Self.wholeMessage(stream.incoming) {
                deliver(message, on: key, stream, in: context)
            } else if stream.finReceived {
                // The peer closed without a whole message: memberlist's read fails at the end
                // of the stream and it closes too.
                failedRead(on: key, stream, in: context)
            }
        }
        // Delivering may have ended the connection (the speaker exited): then it is gone.
        guard streams[key] === stream else { return }
        if stream.isFinished { return finish(key, in: context) }
        armStreamTimer(key, stream, in: context)
    }

    /// A segment for no connection: a SYN to the memberlist port opens one when the speaker
    /// listens; anything else is answered with a RST, as a closed port is.
    private func accept(_ tcp: TCPHeader, key: StreamKey, in context: HostContext) {
        guard !tcp.flags.contains(.rst) else { return }
        let listening = key.localPort == Self.memberlistPort && listensOnMemberlistPort
        guard tcp.flags.contains(.syn), !tcp.flags.contains(.ack), listening else {
            return reset(tcp, key: key, in: context)
        }
        let stream = MemberlistStream(
            role: .acceptor, phase: .synReceived, isn: initialSequence(key, context),
            rto: MemberlistStream.initialRTO, deadline: context.now + Self.streamTimeout, isJoin: false)
        stream.peerISN = tcp.sequenceNumber
        stream.retransmitAt = context.now + stream.rto
        streams[key] = stream
        transmitSYN(key, stream, acknowledging: true, in: context)
        armStreamTimer(key, stream, in: context)
    }

    /// RFC 793's reset for a segment that belongs to no connection.
    private func reset(_ tcp: TCPHeader, key: StreamKey, in context: HostContext) {
        let length = UInt32(tcp.flags.contains(.syn) ? 1 : 0) + UInt32(tcp.flags.contains(.fin) ? 1 : 0)
        let header =
            tcp.flags.contains(.ack)
            ? TCPHeader(
                sourcePort: key.localPort, destinationPort: key.remotePort, sequenceNumber: tcp.acknowledgmentNumber,
                acknowledgmentNumber: 0, flags: [.rst], window: 0, checksum: 0, urgentPointer: 0, options: [])
            : TCPHeader(
                sourcePort: key.localPort, destinationPort: key.remotePort, sequenceNumber: 0,
                acknowledgmentNumber: tcp.sequenceNumber &+ length, flags: [.rst, .ack], window: 0, checksum: 0,
                urgentPointer: 0, options: [])
        send(
            NodeNeighbours.Waiting(destination: key.remote, destinationPort: key.remotePort, payload: [], tcp: header),
            in: context)
    }

    /// The message the bytes received so far hold, once they hold all of it. memberlist writes
    /// each message in one `Write`, so its last segment carries PSH and the bytes up to there
    /// are the message: an uncompressed one goes to memberlist as it is (which decodes it
    /// once, not twice); a compressed one is unwrapped by `Stream.read` first.
    static func wholeMessage(_ received: [UInt8]) -> [UInt8]? {
        guard let first = received.first else { return nil }
        guard first == MessageType.compress.rawValue else { return received }
        if case .message(let message) = Stream.read(received) { return message }
        return nil
    }

    /// The whole message arrived: the listener's memberlist answers it and closes
    /// (`handleConn`); the dialer's merges the answer and closes (`sendAndReceiveState`).
    private func deliver(_ message: [UInt8], on key: StreamKey, _ stream: MemberlistStream, in context: HostContext) {
        stream.delivered = true
        let wasJoin = stream.isJoin
        stream.isJoin = false
        var reply: [UInt8]?
        let dialed = stream.role == .dialer
        driveSpeaker(in: context) {
            reply = $0.handleStream(
                message, from: key.remote, port: key.remotePort, dialed: dialed, now: context.now.nanoseconds)
        }
        // The speaker may have gone away meanwhile, and its sockets with it.
        guard streams[key] === stream else { return }
        if let reply, !dialed { stream.outgoing = Stream.frame(reply, compress: false) }
        stream.closing = true
        pump(key, stream, in: context)
        if wasJoin { dialNextJoinSeed(in: context) }
    }

    /// The peer closed before a whole message came: the read fails, memberlist closes the
    /// connection, and a join moves on to its next seed.
    private func failedRead(on key: StreamKey, _ stream: MemberlistStream, in context: HostContext) {
        stream.delivered = true
        stream.closing = true
        let wasJoin = stream.isJoin
        stream.isJoin = false
        pump(key, stream, in: context)
        if wasJoin { dialNextJoinSeed(in: context) }
    }

    // MARK: segments out

    /// Sends what is written and not yet sent, then the FIN once everything is.
    private func pump(_ key: StreamKey, _ stream: MemberlistStream, in context: HostContext) {
        guard stream.phase == .established else { return }
        while stream.sent < stream.outgoing.count {
            let end = min(stream.sent + MemberlistStream.mss, stream.outgoing.count)
            let last = end == stream.outgoing.count
            let chunk = Array(stream.outgoing[stream.sent..<end])
            transmit(key, stream, flags: last ? [.ack, .psh] : [.ack], at: stream.sent, payload: chunk, in: context)
            stream.sent = end
        }
        if stream.closing && !stream.finSent {
            transmit(key, stream, flags: [.fin, .ack], at: stream.sent, payload: [], in: context)
            stream.finSent = true
        }
        if stream.awaitsAcknowledgment && stream.retransmitAt == nil { stream.retransmitAt = context.now + stream.rto }
        armStreamTimer(key, stream, in: context)
    }

    private func transmitSYN(
        _ key: StreamKey, _ stream: MemberlistStream, acknowledging: Bool, in context: HostContext
    ) {
        let header = TCPHeader(
            sourcePort: key.localPort, destinationPort: key.remotePort, sequenceNumber: stream.isn,
            acknowledgmentNumber: acknowledging ? stream.peerISN &+ 1 : 0,
            flags: acknowledging ? [.syn, .ack] : [.syn], window: MemberlistStream.window, checksum: 0,
            urgentPointer: 0, options: [2, 4, 0x05, 0xb4])
        send(
            NodeNeighbours.Waiting(destination: key.remote, destinationPort: key.remotePort, payload: [], tcp: header),
            in: context)
    }

    /// One segment from byte `offset` of our message (a FIN at the end of it takes the next
    /// sequence number).
    private func transmit(
        _ key: StreamKey, _ stream: MemberlistStream, flags: TCPFlags, at offset: Int, payload: [UInt8],
        in context: HostContext
    ) {
        var sequence = stream.sequence(at: offset)
        if flags == [.ack] && payload.isEmpty && stream.finSent && offset >= stream.outgoing.count {
            sequence = sequence &+ 1
        }
        let header = TCPHeader(
            sourcePort: key.localPort, destinationPort: key.remotePort, sequenceNumber: sequence,
            acknowledgmentNumber: stream.acknowledgment, flags: flags, window: MemberlistStream.window, checksum: 0,
            urgentPointer: 0, options: [])
        send(
            NodeNeighbours.Waiting(
                destination: key.remote, destinationPort: key.remotePort, payload: payload, tcp: header),
            in: context)
    }

    // MARK: timers

    private func armStreamTimer(_ key: StreamKey, _ stream: MemberlistStream, in context: HostContext) {
        let due = stream.nextTimer
        if let queued = stream.timerAt, queued <= due { return }
        stream.timerGeneration &+= 1
        stream.timerAt = due
        context.schedule(.stream(key, generation: stream.timerGeneration), port: port, at: due)
    }

    /// A connection's timer: memberlist's deadline ends it; otherwise what is unacknowledged
    /// goes again, with the timeout doubled.
    func streamTimerFired(_ key: StreamKey, generation: UInt64, in context: HostContext) {
        guard let stream = streams[key], stream.timerGeneration == generation else { return }
        stream.timerAt = nil
        if context.now >= stream.deadline { return finish(key, in: context) }
        guard let due = stream.retransmitAt, due <= context.now else { return armStreamTimer(key, stream, in: context) }
        stream.rto = min(stream.rto + stream.rto, MemberlistStream.maximumRTO)
        stream.retransmitAt = context.now + stream.rto
        switch stream.phase {
        case .synSent:
            transmitSYN(key, stream, acknowledging: false, in: context)
        case .synReceived:
            transmitSYN(key, stream, acknowledging: true, in: context)
        case .established:
            var offset = stream.acked
            while offset < stream.sent {
                let end = min(offset + MemberlistStream.mss, stream.sent)
                let flags: TCPFlags = end == stream.outgoing.count ? [.ack, .psh] : [.ack]
                transmit(
                    key, stream, flags: flags, at: offset, payload: Array(stream.outgoing[offset..<end]), in: context)
                offset = end
            }
            if stream.finSent && !stream.finAcked {
                transmit(key, stream, flags: [.fin, .ack], at: stream.sent, payload: [], in: context)
            }
        }
        armStreamTimer(key, stream, in: context)
    }

    /// The connection is over (both FINs acknowledged, a RST, or memberlist's deadline). A
    /// join's dial that ends without an answer lets the next seed go.
    private func finish(_ key: StreamKey, in context: HostContext) {
        guard let stream = streams.removeValue(forKey: key) else { return }
        if stream.isJoin { dialNextJoinSeed(in: context) }
    }
}
