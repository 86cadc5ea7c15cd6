/// The failure detector's knobs, named and defaulted as in memberlist's `Config`
/// (config.go). Durations are nanoseconds.
public struct MembershipConfig: Sendable, Hashable {
    /// How often a member probes one other member.
    public var probeInterval: Int64
    /// How long to wait for a direct ack before asking others to probe indirectly.
    public var probeTimeout: Int64
    /// How many members are asked to probe indirectly (ping-req).
    public var indirectChecks: Int
    /// Scales the suspicion timeout (see `Timing.suspicionTimeout`).
    public var suspicionMult: Int
    /// The longest suspicion timeout, as a multiple of the shortest.
    public var suspicionMaxTimeoutMult: Int
    /// How often queued broadcasts are gossiped.
    public var gossipInterval: Int64
    /// How many members each gossip round goes to.
    public var gossipNodes: Int
    /// How long dead members keep being gossiped to (and stay in the member list).
    public var gossipToTheDeadTime: Int64
    /// Each broadcast is sent retransmitMult × ceil(log10(n + 1)) times.
    public var retransmitMult: Int
    /// How often a full state exchange runs (scaled up above 32 members); 0 disables it.
    public var pushPullInterval: Int64
    /// Lifeguard: the health score stays below this; the probe interval is scaled by
    /// (score + 1).
    public var awarenessMaxMultiplier: Int
    /// Bytes a gossip packet may fill (memberlist's `UDPBufferSize`).
    public var udpBufferSize: Int
    /// How long a push/pull may take before it is abandoned (memberlist's `TCPTimeout`).
    public var tcpTimeout: Int64
    /// After this long dead, a member may come back under a new address (0: never).
    public var deadNodeReclaimTime: Int64
    /// memberlist's `EnableCompression`: packets go LZW-compressed when that is smaller, and
    /// stream messages always (see `Compression`). memberlist's default is on; lbsim's is
    /// off, so that the simulator's bytes stay what they were (compressed or not, memberlist
    /// reads both). A live node talking to real memberlist turns it on.
    public var enableCompression: Bool
    /// memberlist's `DisableTcpPings`: off by default, so a probe whose UDP ping went
    /// unanswered also tries the target over TCP.
    public var disableTCPPings = false
    /// Whether pings and indirect ping requests name their sender (`SourceAddr`,
    /// `SourcePort`, `SourceNode`), as memberlist v0.5.1, which current MetalLB pins, does;
    /// v0.1.7, which MetalLB v0.9.4 pins, has no such fields (its acks go to the packet's
    /// source). The rest of the protocol is the same in both for what lbsim models.
    public var pingsNameTheSender = true

    public init(
        probeInterval: Int64 = 1_000_000_000,
        probeTimeout: Int64 = 500_000_000,
        indirectChecks: Int = 3,
        suspicionMult: Int = 4,
        suspicionMaxTimeoutMult: Int = 6,
        gossipInterval: Int64 = 200_000_000,
        gossipNodes: Int = 3,
        gossipToTheDeadTime: Int64 = 30_000_000_000,
        retransmitMult: Int = 4,
        pushPullInterval: Int64 = 30_000_000_000,
        awarenessMaxMultiplier: Int = 8,
        udpBufferSize: Int = 1400,
        tcpTimeout: Int64 = 10_000_000_000,
        deadNodeReclaimTime: Int64 = 0,
        enableCompression: Bool = false
    ) {
        self.probeInterval = probeInterval
        self.probeTimeout = probeTimeout
        self.indirectChecks = indirectChecks
        self.suspicionMult = suspicionMult
        self.suspicionMaxTimeoutMult = suspicionMaxTimeoutMult
        self.gossipInterval = gossipInterval
        self.gossipNodes = gossipNodes
        self.gossipToTheDeadTime = gossipToTheDeadTime
        self.retransmitMult = retransmitMult
        self.pushPullInterval = pushPullInterval
        self.awarenessMaxMultiplier = awarenessMaxMultiplier
        self.udpBufferSize = udpBufferSize
        self.tcpTimeout = tcpTimeout
        self.deadNodeReclaimTime = deadNodeReclaimTime
        self.enableCompression = enableCompression
    }

    /// memberlist's `DefaultLANConfig`, which MetalLB's speakers use, except that compression
    /// is off (see `enableCompression`; `liveLAN` has it on).
    public static let lan = MembershipConfig()

    /// memberlist's `DefaultLANConfig` exactly, compression on: for a node on a real network.
    public static let liveLAN = MembershipConfig(enableCompression: true)

    /// memberlist's `DefaultWANConfig`: the LAN defaults with slower probing and gossip.
    public static let wan = MembershipConfig(
        probeInterval: 5_000_000_000,
        probeTimeout: 3_000_000_000,
        suspicionMult: 6,
        gossipInterval: 500_000_000,
        gossipNodes: 4,
        gossipToTheDeadTime: 60_000_000_000,
        pushPullInterval: 60_000_000_000,
        tcpTimeout: 30_000_000_000)
}
