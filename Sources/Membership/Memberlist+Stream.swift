import Wire

/// The TCP side of memberlist (net.go `handleConn`, `sendAndReceiveState`), for every driver
/// with connections: the simulator's TCP model and `sim live`'s real sockets.
extension Memberlist {
    /// Handles one message read off a TCP connection (`Stream.read` gives it whole and
    /// decompressed), and returns what to write back on that connection, if anything (to be
    /// framed with `Stream.frame`), with the output as `receive` gives it.
    ///
    /// - `dialed` false: the other side connected. A push/pull is answered with this node's
    ///   list, taken before the other's is merged, echoing its join flag, without lbsim's
    ///   `Reply` key (`handleConn`, `sendLocalState`); a ping for this node (memberlist's TCP
    ///   fallback probe) is answered with an ack (`handleConn`, `pingMsg`).
    /// - `dialed` true: this node connected to `from`:`port` for a push/pull it started
    ///   (a `.stream` datagram) and this is the answer, merged if it came within TCPTimeout.
    public mutating func receiveStream(
        _ message: [UInt8], from: IPv4Address, port fromPort: UInt16, dialed: Bool,
        now: Int64
    ) -> (reply: [UInt8]?, output: Output) {
        catchUpGossip(now)
        // Nearly every push/pull: see Memberlist+PushPullMerge.swift.
        if message.first == MessageType.pushPull.rawValue,
            let exchange = message.withUnsafeBufferPointer({
                PushPull.canonicalEntries(in: UnsafeBufferPointer(rebasing: $0.dropFirst()))
            })
        {
            let reply = streamPushPull(join: exchange.join, from: from, port: fromPort, dialed: dialed, now: now) {
                member in
                message.withUnsafeBufferPointer {
                    member.mergeState(exchange.entries, in: UnsafeBufferPointer(rebasing: $0.dropFirst()), now: now)
                }
            }
            return (reply, finishStreamMessage(now: now))
        }
        var reply: [UInt8]?
        do {
            switch try Packet.decodeMessage(message) {
            case .pushPull(let exchange):
                reply = streamPushPull(join: exchange.join, from: from, port: fromPort, dialed: dialed, now: now) {
                    $0.mergeState(exchange.nodes, now: now)
                }
            case .ack(let ack) where dialed:
                // The answer to a TCP fallback ping: it counts when the probe ends.
                if probe?.seqNo == ack.seqNo { probe?.fallbackContacted = true }
            case .ping(let ping) where !dialed:
                if !ping.node.isEmpty && ping.node != name {
                    outbox.discarded.append(
                        "got ping for unexpected node \(ping.node) from \(from):\(fromPort) (stream)")
                } else {
                    reply = Message.ack(Ack(seqNo: ping.seqNo)).encoded
                }
            case let other:
                outbox.discarded.append(
                    "received invalid msgType (\(other.type.rawValue)) on a stream from \(from):\(fromPort)")
            }
        } catch {
            outbox.discarded.append("\(error) from \(from):\(fromPort) (stream)")
        }
        return (reply, finishStreamMessage(now: now))
    }

    /// A push/pull read off a connection: the dialer merges the answer to one it started,
    /// if it is still waiting for it; the listener answers with its own list, taken before
    /// it merges the other's (`handleConn`, `sendLocalState`, `mergeRemoteState`).
    private mutating func streamPushPull(
        join: Bool, from: IPv4Address, port fromPort: UInt16, dialed: Bool, now: Int64,
        merge: (inout Memberlist) -> Void
    ) -> [UInt8]? {
        guard dialed else {
            let reply = pushPullPayload(join: join, isReply: false)
            merge(&self)
            return reply
        }
        // The answer on a connection this node dialed for a push/pull it started; the
        // connection's own deadline (TCPTimeout, kept by the driver) has decided that it
        // came in time.
        guard
            let index = pendingPushPulls.firstIndex(where: {
                $0.address == from && $0.port == fromPort && $0.expiresAt >= now
            })
        else {
            outbox.discarded.append("push/pull answer from \(from):\(fromPort) that nobody waits for")
            return nil
        }
        pendingPushPulls.remove(at: index)
        merge(&self)
        return nil
    }

    /// What a stream message leaves behind. As in `receive`: a confirmation may have
    /// brought a suspicion's deadline to now.
    mutating func finishStreamMessage(now: Int64) -> Output {
        for (memberName, suspicion) in suspicions.sorted(by: { $0.key < $1.key }) where suspicion.deadline <= now {
            suspicionExpired(memberName, now: now)
        }
        return takeOutput()
    }
}
