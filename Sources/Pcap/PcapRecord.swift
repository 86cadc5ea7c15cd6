/// One packet read back from a capture file.
///
/// A value type holding its own copy of the bytes, because libpcap reuses its buffer on
/// the next read; the record has to outlive that.
public struct PcapRecord: Sendable, Hashable {
    /// Capture time in nanoseconds since the epoch (microsecond files are scaled up).
    public var timestampNanoseconds: Int64
    /// Length of the frame on the wire. Larger than `bytes.count` when the capture was
    /// cut to the snapshot length.
    public var originalLength: Int
    /// The captured bytes (at most the file's snapshot length).
    public var bytes: [UInt8]

    public init(timestampNanoseconds: Int64, originalLength: Int, bytes: [UInt8]) {
        self.timestampNanoseconds = timestampNanoseconds
        self.originalLength = originalLength
        self.bytes = bytes
    }

    /// Whether the frame was cut short by the snapshot length.
    public var isTruncated: Bool { bytes.count < originalLength }
}
