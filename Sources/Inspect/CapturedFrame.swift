/// One record of a capture, as the analysis takes it: when, on which kind of link, and the
/// bytes that were kept.
///
/// Inspect does no I/O (the Pcap module reads files), so the link type is the raw
/// `DLT_*`/`LINKTYPE_*` number rather than Pcap's `LinkType`: the analysis decodes Ethernet
/// and Linux's cooked headers, and reports any other number back as it found it.
public struct CapturedFrame: Sendable, Hashable {
    /// `DLT_EN10MB` (`LINKTYPE_ETHERNET`).
    public static let ethernetLinkType: Int32 = 1

    /// Capture time in nanoseconds since the epoch (lbsim's traces start at 0). Times
    /// before the epoch are taken as 0.
    public var timestampNanoseconds: Int64
    /// The link-layer header type of the bytes.
    public var linkType: Int32
    /// Length of the frame on the wire: more than `bytes.count` when the capture kept only
    /// a snapshot of it.
    public var originalLength: Int
    /// The captured bytes, starting at the link-layer header.
    public var bytes: [UInt8]

    public init(
        timestampNanoseconds: Int64, linkType: Int32 = CapturedFrame.ethernetLinkType,
        originalLength: Int? = nil, bytes: [UInt8]
    ) {
        self.timestampNanoseconds = timestampNanoseconds
        self.linkType = linkType
        self.originalLength = originalLength ?? bytes.count
        self.bytes = bytes
    }

    /// Whether the capture cut the frame short (its snapshot length was below the frame's).
    public var isCutBySnapLength: Bool { bytes.count < originalLength }
}
