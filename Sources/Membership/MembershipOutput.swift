import Wire

/// What one call into a `Memberlist` produced: datagrams to send now, events for the
/// application, and what was received but thrown away.
public struct MembershipOutput: Sendable, Hashable {
    /// How memberlist would carry a message: UDP, or a TCP stream (net.go: probes and
    /// gossip go by `rawSendMsgPacket`; push/pull by `sendAndReceiveState`/`handleConn`).
    public enum Transport: Sendable, Hashable {
        /// A UDP packet.
        case packet
        /// A push/pull this node starts (a join, or the periodic one): memberlist dials the
        /// destination, writes this, and reads the answer on the same connection.
        case stream
        /// The answer to a push/pull that arrived as a datagram (it has the `Reply` key). A
        /// push/pull that arrived on a connection is answered through
        /// `Memberlist.receiveStream` instead.
        case streamReply
    }

    /// A message for the driver to send from this node's address and port: `.packet` ones as
    /// UDP datagrams, `.stream` ones over TCP (framed by `Stream.frame`; the simulator's node
    /// kernel and the live driver alike).
    public struct Datagram: Sendable, Hashable {
        public var destination: IPv4Address
        public var port: UInt16
        /// The UDP payload: a memberlist packet (for a push/pull, the stream's message).
        public var payload: [UInt8]
        public var transport: Transport
        /// A push/pull of a `join` (memberlist dials those one seed after the other).
        public var isJoin: Bool
        /// A `.stream` that must be over by this time (nanoseconds): the TCP fallback ping
        /// dials and waits only until its probe's deadline. nil: TCPTimeout to connect and
        /// as long again to exchange.
        public var deadline: Int64?

        public init(
            destination: IPv4Address, port: UInt16, payload: [UInt8], transport: Transport = .packet,
            isJoin: Bool = false, deadline: Int64? = nil
        ) {
            self.destination = destination
            self.port = port
            self.payload = payload
            self.transport = transport
            self.isJoin = isJoin
            self.deadline = deadline
        }
    }

    public var datagrams: [Datagram] = []
    public var events: [MemberEvent] = []
    /// Messages received and not acted on, with the reason, as memberlist would log them
    /// (undecodable packets, pings for another node name, stale push/pull answers).
    public var discarded: [String] = []

    public init(datagrams: [Datagram] = [], events: [MemberEvent] = [], discarded: [String] = []) {
        self.datagrams = datagrams
        self.events = events
        self.discarded = discarded
    }
}
