import CPcap

/// Reads a capture file (classic pcap, either time stamp precision, or pcapng) through
/// libpcap.
///
/// The file is opened with `PCAP_TSTAMP_PRECISION_NANO` so every record's time stamp comes
/// back in nanoseconds whatever the file's own precision: the simulator's nanosecond
/// traces read back exactly, and microsecond files (from tcpdump, say) are scaled up.
///
/// A damaged file is an error, never a crash: libpcap validates record headers and reports
/// a short read ("truncated dump file"), which `next()` throws as a `PcapError`, as it does
/// a time stamp that nanoseconds in an `Int64` cannot hold (see `timestampNanoseconds(of:)`
/// for the time stamps that are read despite damage). A record cut by the snapshot length is
/// not damage: its `originalLength` says how long the frame was.
///
/// Not thread-safe and not `Sendable`: libpcap reuses one buffer per handle.
public final class PcapFileReader {
    /// The file being read. libpcap treats `"-"` as standard input.
    public let path: String
    /// The file's link type. For a pcapng file with several interfaces this is the first
    /// interface's type (libpcap's `pcap_datalink`).
    public let linkType: LinkType
    /// The file's snapshot length: no record holds more bytes than this.
    public let snapLength: Int32

    private var handle: OpaquePointer?
    private var reachedEnd = false

    /// Opens the file and reads its header.
    ///
    /// - Throws: `PcapError` with libpcap's message if the file is missing, unreadable,
    ///   or not a capture file (or its header is cut short).
    public init(path: String) throws(PcapError) {
        let (opened, message) = withErrorBuffer { errbuf in
            pcap_open_offline_with_tstamp_precision(path, cpcap_tstamp_precision_nano(), errbuf)
        }
        guard let opened else {
            throw PcapError(
                operation: "opening \(path) for reading",
                message: message.isEmpty ? "unknown libpcap error" : message
            )
        }
        self.path = path
        self.handle = opened
        self.linkType = LinkType(rawValue: pcap_datalink(opened))
        self.snapLength = pcap_snapshot(opened)
    }

    deinit {
        if let handle {
            pcap_close(handle)
        }
    }

    /// The next record, or `nil` at the end of the file (and on every call after that).
    ///
    /// - Throws: `PcapError` if the file is damaged, e.g. cut off in the middle of a
    ///   record. Records before the damage have been returned normally.
    public func next() throws(PcapError) -> PcapRecord? {
        guard let handle, !reachedEnd else { return nil }
        var header: UnsafeMutablePointer<pcap_pkthdr>?
        var data: UnsafePointer<UInt8>?
        let status = pcap_next_ex(handle, &header, &data)
        switch status {
        case 1:
            guard let header else {
                throw PcapError(operation: "reading \(path)", message: "libpcap returned no header")
            }
            guard let time = timestampNanoseconds(of: header.pointee) else {
                reachedEnd = true
                throw PcapError(
                    operation: "reading \(path)",
                    message: "record time stamp out of range (\(header.pointee.ts.tv_sec) s)")
            }
            let captured = Int(header.pointee.caplen)
            let bytes: [UInt8]
            if captured > 0, let data {
                bytes = Array(UnsafeBufferPointer(start: data, count: captured))
            } else {
                bytes = []
            }
            return PcapRecord(
                timestampNanoseconds: time,
                originalLength: Int(header.pointee.len),
                bytes: bytes
            )
        case cpcap_error_break():
            reachedEnd = true
            return nil
        default:
            // Stop here: after a read error libpcap's position in the file is meaningless,
            // and continuing could turn garbage into plausible-looking records.
            reachedEnd = true
            throw PcapError(operation: "reading \(path)", message: lastError(of: handle))
        }
    }

    /// All remaining records, in file order.
    ///
    /// - Throws: `PcapError` at the first damaged record (the good ones before it are
    ///   lost to the caller; use `next()` to keep them).
    public func readAll() throws(PcapError) -> [PcapRecord] {
        var records: [PcapRecord] = []
        while let record = try next() {
            records.append(record)
        }
        return records
    }
}
