import CPcap

/// Writes frames to a classic pcap file with nanosecond time stamps, through libpcap.
///
/// The simulator's clock has nanosecond resolution and traces must show event ordering
/// exactly, so the file is opened with `PCAP_TSTAMP_PRECISION_NANO` (header magic
/// `0xa1b23c4d`); tcpdump (`--nano`) and Wireshark read that format natively. Going
/// through libpcap rather than writing the format by hand keeps the output byte-for-byte
/// what every pcap tool expects.
///
/// Writing is on the hot path (a run writes tens of thousands of frames): each `write`
/// fills a stack `pcap_pkthdr` and hands the caller's bytes straight to `pcap_dump`,
/// which appends to a buffered stdio stream. Nothing is allocated per frame.
///
/// Not thread-safe and deliberately not `Sendable`: one recorder owns one writer.
///
/// `pcap_dump` does not report I/O errors; they surface, if at all, as a short file.
/// Call `flush()` when the data must be on disk (e.g. before another process reads it).
public final class PcapFileWriter {
    /// Where the file is written. libpcap treats `"-"` as standard output.
    public let path: String
    /// The link type recorded in the file header.
    public let linkType: LinkType
    /// Frames longer than this are cut to this many bytes; the original length is kept.
    public let snapLength: Int32
    /// How many frames `write` has recorded.
    public private(set) var framesWritten: Int = 0

    private var deadHandle: OpaquePointer?
    private var dumper: OpaquePointer?
    /// `pcap_dump`'s first argument is the dumper passed as `u_char *` (it doubles as a
    /// `pcap_handler`); converted once here rather than on every frame.
    private var dumpUser: UnsafeMutablePointer<UInt8>?

    /// Creates (or truncates) the file at `path` and writes the pcap file header.
    ///
    /// - Throws: `PcapError` if the snapshot length is not positive, or with libpcap's
    ///   message if the file cannot be created.
    public init(
        path: String,
        linkType: LinkType = .ethernet,
        snapLength: Int32 = 65535
    ) throws(PcapError) {
        let operation = "opening \(path) for writing"
        guard snapLength > 0 else {
            throw PcapError(
                operation: operation,
                message: "snapshot length must be positive (got \(snapLength))"
            )
        }
        guard
            let dead = pcap_open_dead_with_tstamp_precision(
                linkType.rawValue, snapLength, cpcap_tstamp_precision_nano()
            )
        else {
            throw PcapError(operation: operation, message: "pcap_open_dead failed (out of memory?)")
        }
        guard let dumper = pcap_dump_open(dead, path) else {
            let message = lastError(of: dead)
            pcap_close(dead)
            throw PcapError(operation: operation, message: message)
        }
        self.path = path
        self.linkType = linkType
        self.snapLength = snapLength
        self.deadHandle = dead
        self.dumper = dumper
        self.dumpUser = UnsafeMutablePointer<UInt8>(dumper)
    }

    deinit {
        close()
    }

    /// Whether `close()` has been called.
    public var isClosed: Bool { dumper == nil }

    /// Appends one frame.
    ///
    /// - Parameters:
    ///   - frame: the frame's bytes, link-layer header first. Only the first `snapLength`
    ///     bytes are stored.
    ///   - timestampNanoseconds: capture time in nanoseconds since the epoch; must be
    ///     non-negative and below 2^32 seconds (the file format's limit).
    ///   - originalLength: the frame's length on the wire, if it is longer than `frame`
    ///     (the caller already cut it); defaults to `frame.count`.
    public func write(_ frame: [UInt8], timestampNanoseconds: Int64, originalLength: Int? = nil) {
        frame.withUnsafeBytes { bytes in
            write(bytes, timestampNanoseconds: timestampNanoseconds, originalLength: originalLength)
        }
    }

    /// Appends one frame from raw memory, for callers that already hold the bytes in a
    /// buffer and would otherwise copy them into an array. See the `[UInt8]` overload.
    public func write(
        _ frame: UnsafeRawBufferPointer,
        timestampNanoseconds: Int64,
        originalLength: Int? = nil
    ) {
        guard let dumpUser else {
            preconditionFailure("PcapFileWriter.write called after close() on \(path)")
        }
        let wireLength = originalLength ?? frame.count
        precondition(
            wireLength >= frame.count,
            "originalLength \(wireLength) is shorter than the \(frame.count) bytes given"
        )
        precondition(wireLength <= Int(UInt32.max), "originalLength \(wireLength) exceeds 32 bits")

        var header = pcap_pkthdr()
        setTimestamp(&header, nanoseconds: timestampNanoseconds)
        header.caplen = UInt32(min(frame.count, Int(snapLength)))
        header.len = UInt32(wireLength)

        if let base = frame.baseAddress {
            pcap_dump(dumpUser, &header, base.assumingMemoryBound(to: UInt8.self))
        } else {
            // An empty buffer may have no address; pcap_dump still needs a valid pointer
            // even though it copies zero bytes from it.
            var none: UInt8 = 0
            pcap_dump(dumpUser, &header, &none)
        }
        framesWritten += 1
    }

    /// Pushes buffered records to the file, so that another process (tcpdump, a test)
    /// can read everything written so far. A no-op after `close()`.
    public func flush() {
        guard let dumper else { return }
        _ = pcap_dump_flush(dumper)
    }

    /// Flushes and closes the file. Safe to call more than once; `deinit` calls it, but
    /// closing explicitly makes the moment the file is complete deterministic.
    public func close() {
        if let dumper {
            pcap_dump_close(dumper)
            self.dumper = nil
            self.dumpUser = nil
        }
        if let deadHandle {
            pcap_close(deadHandle)
            self.deadHandle = nil
        }
    }
}
