import Wire

/// Handling the probe traffic and push/pulls (net.go `handlePing`, `handleIndirectPing`,
/// `handleAck`, `handleNack`; the TCP side of push/pull, `handleConn` and
/// `pushPullNode`).
extension Memberlist {
    /// Answers a ping meant for this node with an ack, to the address the ping names (or
    /// where it came from).
    mutating func handlePing(_ ping: Ping, from: IPv4Address, port fromPort: UInt16, now: Int64) {
        if !ping.node.isEmpty && ping.node != name {
            outbox.discarded.append("got ping for unexpected node '\(ping.node)' from \(from):\(fromPort)")
            return
        }
        let (destination, destinationPort) = replyAddress(
            ping.sourceAddress, ping.sourcePort, from: from, port: fromPort)
        send(.ack(Ack(seqNo: ping.seqNo)), to: destination, port: destinationPort)
    }

    /// Pings the target for the requester and relays the ack; if none comes within
    /// ProbeTimeout and the requester asked for it, a nack goes back instead.
    mutating func handleIndirectPing(_ request: IndirectPing, from: IPv4Address, port fromPort: UInt16, now: Int64) {
        let targetPort = request.port == 0 ? port : request.port
        let localSeqNo = nextSequenceNumber()
        let (requester, requesterPort) = replyAddress(
            request.sourceAddress, request.sourcePort, from: from, port: fromPort)
        relays.append(
            IndirectRelay(
                localSeqNo: localSeqNo, originSeqNo: request.seqNo, requester: requester,
                requesterPort: requesterPort, wantsNack: request.nack,
                expiresAt: now + config.probeTimeout))
        send(.ping(outgoingPing(seqNo: localSeqNo, node: request.node)), to: request.target, port: targetPort)
    }

    /// An ack completes this node's probe, or one it runs for another (then relayed).
    /// Acks nobody waits for any more are dropped, as memberlist drops them.
    mutating func handleAck(_ ack: Ack, now: Int64) {
        if let current = probe, current.seqNo == ack.seqNo {
            probeSucceeded(now: now)
            return
        }
        if let index = relays.firstIndex(where: { $0.localSeqNo == ack.seqNo }) {
            let relay = relays.remove(at: index)
            send(.ack(Ack(seqNo: relay.originSeqNo)), to: relay.requester, port: relay.requesterPort)
        }
    }

    /// A nack from an indirect prober of the running probe (counted, up to what the probe
    /// could hold: IndirectChecks + 1).
    mutating func handleNack(_ nack: Nack) {
        guard var current = probe, current.seqNo == nack.seqNo else { return }
        current.nacks = min(current.nacks + 1, config.indirectChecks + 1)
        probe = current
    }

    /// A push/pull request is answered with this node's list (taken before merging, as the
    /// TCP side sends its state before it merges), then merged; an answer to one this node
    /// sent is merged if it came in time.
    mutating func handlePushPull(_ exchange: PushPull, from: IPv4Address, port fromPort: UInt16, now: Int64) {
        if exchange.isReply {
            pendingPushPulls.removeAll { $0.expiresAt < now }
            guard let index = pendingPushPulls.firstIndex(where: { $0.address == from && $0.port == fromPort }) else {
                outbox.discarded.append("push/pull answer from \(from):\(fromPort) that nobody waits for")
                return
            }
            pendingPushPulls.remove(at: index)
            mergeState(exchange.nodes, now: now)
            return
        }
        let answer = pushPullPayload(join: exchange.join, isReply: true)
        outbox.datagrams.append(.init(destination: from, port: fromPort, payload: answer, transport: .streamReply))
        mergeState(exchange.nodes, now: now)
    }

    /// Where to answer: the source a message names, if it names one, else the packet's.
    private func replyAddress(_ named: IPv4Address?, _ namedPort: UInt16, from: IPv4Address, port: UInt16) -> (
        IPv4Address, UInt16
    ) {
        if let named, namedPort > 0 { return (named, namedPort) }
        return (from, port)
    }
}
