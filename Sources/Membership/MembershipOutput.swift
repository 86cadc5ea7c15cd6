import Wire

/// What one call into a `Memberlist` produced: datagrams to send now, events for the
/// application, and what was received but thrown away.
public struct MembershipOutput: Sendable, Hashable {
    /// A UDP datagram for the driver to send from this node's address and port.
    public struct Datagram: Sendable, Hashable {
        public var destination: IPv4Address
        public var port: UInt16
        /// The UDP payload: a memberlist packet.
        public var payload: [UInt8]

        public init(destination: IPv4Address, port: UInt16, payload: [UInt8]) {
            self.destination = destination
            self.port = port
            self.payload = payload
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
