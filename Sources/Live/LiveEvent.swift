import Layer2
import Membership
import Wire

/// What a live run reports as it goes, for the command line to print. Live itself prints
/// nothing.
public enum LiveEvent: Sendable, Hashable {
    /// Capturing on `interface`, answering with `mac`.
    case started(interface: String, mac: MACAddress, version: LiveVersion)
    /// `ip` entered the announce set: answered from now on, gratuitous rounds follow.
    case announcing(IPAddress)
    /// `ip` left the announce set: no longer answered.
    case withdrawn(IPAddress)
    /// An ARP request or a Neighbor Solicitation for `ip` from `asker` was answered.
    case answered(IPAddress, asker: MACAddress)
    /// One gratuitous round for `ip` was sent (an ARP request and reply, or an unsolicited
    /// Neighbor Advertisement), as the speaker's round records count it.
    case gratuitousRound(IPAddress)
    /// The speaker's memberlist saw a member join, leave (dead or left) or change
    /// (`sim live --scenario`).
    case member(MemberEvent)
    /// current: the speaker won an address but has none of the interfaces the
    /// L2Advertisements name, and posted `announceFailed` (`sim live --scenario`).
    case announceFailed(AnnounceFailure)
    /// `--watch`: the scenario changed and was read again; `changedServices` services were
    /// delivered to the speaker (changed, new or deleted).
    case scenarioReloaded(changedServices: Int)
    /// `--watch`: the scenario changed but no longer loads; the last good view stays.
    case scenarioRejected(String)
    /// memberlist's transport failed: a dial, a read or a write (`sim live --scenario`).
    case memberlistProblem(String)
    /// The announce file could not be read or parsed; the previous set stays in force.
    case announceSetRejected(String)
    /// A frame could not be sent.
    case sendFailed(String)
    /// Capturing ended early (the interface went away).
    case captureFailed(String)
}

/// Counters of a finished live run.
public struct LiveSummary: Sendable, Hashable {
    /// Frames the capture delivered (after the BPF filter).
    public var framesReceived = 0
    /// Frames that did not parse as Ethernet + ARP or ICMPv6: counted, recorded, otherwise ignored.
    public var malformedFrames = 0
    public var repliesSent = 0
    /// Gratuitous frames sent (two per IPv4 round, one per IPv6 round).
    public var gratuitousFramesSent = 0
    public var sendErrors = 0
    /// Frames the kernel dropped before libpcap saw them, when known.
    public var kernelDropped: Int?
    /// Frames written to the pcap.
    public var framesRecorded = 0

    public init() {}
}
