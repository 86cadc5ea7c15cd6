import Wire

// The exchanges a node has under way, each waiting on an answer or a timer.

/// The probe this node is running (memberlist's `probeNode`, which blocks for it).
struct ProbeInFlight: Sendable, Hashable {
    /// The member as it was when the probe began.
    var target: NodeState
    var seqNo: UInt32
    var startedAt: Int64
    /// When to give up on the direct ping and ask others (ProbeTimeout after the ping).
    var indirectAt: Int64
    /// When the probe fails if no ack came: the probe interval, scaled by health.
    var deadline: Int64
    var indirectSent = false
    /// Indirect probers that were asked for a nack (they speak protocol 4 or later).
    var expectedNacks = 0
    var nacks = 0
    /// The TCP fallback ping got its ack (`sendPingAndWaitForAck`).
    var fallbackContacted = false
}

/// An indirect probe this node runs for another (memberlist's `handleIndirectPing`).
struct IndirectRelay: Sendable, Hashable {
    /// The sequence number of this node's own ping to the target.
    var localSeqNo: UInt32
    /// The requester's sequence number, which the relayed ack or nack carries.
    var originSeqNo: UInt32
    var requester: IPv4Address
    var requesterPort: UInt16
    var wantsNack: Bool
    /// ProbeTimeout after the request: the ack is no longer relayed, a nack is sent.
    var expiresAt: Int64
}

/// A push/pull this node started and is waiting to hear back from.
struct PendingPushPull: Sendable, Hashable {
    var address: IPv4Address
    var port: UInt16
    /// TCPTimeout after the request; an answer after this is dropped.
    var expiresAt: Int64
}
