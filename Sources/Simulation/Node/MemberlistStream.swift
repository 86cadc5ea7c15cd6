import Engine
import Wire

/// One end of a TCP connection on a node's memberlist port, as the node's kernel keeps it.
///
/// memberlist runs push/pull and joins over TCP (net.go `sendAndReceiveState` dials, writes
/// its state and reads the answer on the same connection; `handleConn` reads, writes its own
/// state and closes). One message goes each way, written in one `Write`, so the last segment
/// of each carries PSH and the reader decodes what it has at that point (`Stream.read`).
///
/// The model is Linux's on a LAN, without what a LAN never exercises: the three-way handshake
/// with an MSS option; segments of at most the MSS (1460 bytes for a 1500-byte MTU), each
/// acknowledged at once (quick-ack, as at the start of a connection); retransmission from the
/// first unacknowledged byte when the timer runs out, the SYN after 1 s, 3 s, 7 s (initial RTO
/// 1 s, doubling: net/ipv4/tcp_timer.c), data after 200 ms doubling (TCP_RTO_MIN, as a LAN's
/// round trips are far below it); FIN after the last write. No congestion window (a message
/// of a few hundred members is a few dozen segments, sent back to back on a LAN), no SACK, no
/// window scaling, no TIME_WAIT. memberlist's own deadline (TCPTimeout, 10 s for the dial and
/// 10 s for the exchange) ends a connection that stalls.
///
/// A class, changed in place where the node keeps it: each segment appends to `incoming` and
/// moves counters, and a value copied out of the node's table and written back would copy the
/// whole message received so far on every segment.
final class MemberlistStream {
    enum Role {
        /// This node dialed (a push/pull or join of its memberlist).
        case dialer
        /// The peer dialed this node's listener.
        case acceptor
    }

    enum Phase {
        case synSent
        case synReceived
        case established
    }

    /// The largest segment payload: a 1500-byte MTU minus IPv4 and TCP headers.
    static let mss = 1460
    static let initialRTO = SimDuration.seconds(1)
    static let minimumRTO = SimDuration(nanoseconds: 200_000_000)
    static let maximumRTO = SimDuration.seconds(120)
    static let window: UInt16 = 64240

    let role: Role
    var phase: Phase
    /// Our initial sequence number, and the peer's once known.
    let isn: UInt32
    var peerISN: UInt32 = 0
    /// The message this side writes (memberlist's bytes), how much of it went out at least
    /// once, and how much the peer acknowledged.
    var outgoing: [UInt8] = []
    var sent = 0
    var acked = 0
    /// Close after the last write: FIN queued, sent, acknowledged.
    var closing = false
    var finSent = false
    var finAcked = false
    /// What arrived in order, and whether the peer's FIN did.
    var incoming: [UInt8] = []
    var finReceived = false
    /// The message read off `incoming` was handed to memberlist.
    var delivered = false
    /// Retransmission timer.
    var rto: SimDuration
    var retransmitAt: SimTime?
    /// memberlist's deadline for this connection.
    var deadline: SimTime
    /// The host timer queued for this connection, if any: one at a time, as early as anything
    /// is due; when it fires with nothing due yet it is queued again for what is (so an
    /// exchange of a few dozen segments queues a couple of timers, not one per segment).
    var timerAt: SimTime?
    /// Bumped with each queued timer, so that one from an earlier connection does nothing.
    var timerGeneration: UInt64 = 0
    /// A dialer from a join: the next seed is dialed when this one is done.
    var isJoin: Bool
    /// The deadline is the one memberlist gave (a fallback ping's), not TCPTimeout after the
    /// dial succeeds.
    var fixedDeadline = false

    init(role: Role, phase: Phase, isn: UInt32, rto: SimDuration, deadline: SimTime, isJoin: Bool) {
        self.role = role
        self.phase = phase
        self.isn = isn
        self.rto = rto
        self.deadline = deadline
        self.isJoin = isJoin
    }

    /// Sequence number of our byte `offset` of `outgoing` (the SYN takes one).
    func sequence(at offset: Int) -> UInt32 { isn &+ 1 &+ UInt32(truncatingIfNeeded: offset) }

    /// The acknowledgment we send: every byte received in order, and the FIN.
    var acknowledgment: UInt32 {
        peerISN &+ 1 &+ UInt32(truncatingIfNeeded: incoming.count) &+ (finReceived ? 1 : 0)
    }

    /// Whether anything of ours waits for the peer's acknowledgment.
    var awaitsAcknowledgment: Bool {
        phase != .established || acked < sent || (finSent && !finAcked)
    }

    /// Both directions are over: nothing left to send or to wait for.
    var isFinished: Bool { finAcked && finReceived }

    /// The next time something must happen to this connection.
    var nextTimer: SimTime { retransmitAt.map { min($0, deadline) } ?? deadline }
}

/// A connection's four-tuple as the local node sees it.
struct StreamKey: Hashable {
    var localPort: UInt16
    var remote: IPv4Address
    var remotePort: UInt16
}
