/// What the analysis did with the capture's frames: how many it used, and how many it had
/// to skip and why, so that a report built on a partial reading says so.
public struct FrameCounts: Sendable, Hashable {
    /// A skipped frame worth showing as an example: its number and why.
    public struct Example: Sendable, Hashable {
        /// 1-based frame number, as Wireshark shows it.
        public var frame: Int
        public var reason: String
    }

    /// Frames of a link type the analysis does not decode (anything but Ethernet), per
    /// `DLT_*` value, in increasing order.
    public struct UndecodedLinkType: Sendable, Hashable {
        public var linkType: Int32
        public var frames: Int
    }

    /// Every record of the capture.
    public var frames = 0
    /// Frames that claimed an IP, and that asked for one.
    public var claims = 0
    public var requests = 0
    /// Ethernet frames that say nothing about who has an IP (other protocols, probes).
    public var unrelated = 0
    /// ARP or NDP frames (or frames whose headers ended before their protocol showed) skipped
    /// because the bytes ran out before a header that had to be read.
    public var truncated = 0
    /// Frames skipped because a header held values its format forbids.
    public var malformed = 0
    /// Frames the capture kept only part of (snapshot length below the frame's): they are
    /// still used when the part kept holds the headers needed.
    public var cutBySnapLength = 0
    public var undecodedLinkTypes: [UndecodedLinkType] = []
    /// The first truncated and the first malformed frame, to look at in Wireshark.
    public var firstTruncated: Example?
    public var firstMalformed: Example?

    public init() {}

    /// Frames skipped for any reason: truncated, malformed, or of a link type not decoded.
    public var skipped: Int { truncated + malformed + undecodedLinkTypes.reduce(0) { $0 + $1.frames } }
}
