import CPcap

// Small helpers shared by the writer, the reader and the filter, so each of them talks
// to libpcap the same way about errors and time stamps.

/// The pending error text of a pcap handle, or a stand-in when libpcap has none.
func lastError(of handle: OpaquePointer?) -> String {
    guard let handle, let cMessage = pcap_geterr(handle) else {
        return "unknown libpcap error"
    }
    let message = String(cString: cMessage)
    return message.isEmpty ? "unknown libpcap error" : message
}

/// Runs `body` with a zeroed libpcap error buffer and returns its result together with
/// the text libpcap wrote into the buffer (empty if none).
func withErrorBuffer<R>(
    _ body: (UnsafeMutablePointer<CChar>) -> R
) -> (result: R, message: String) {
    let size = Int(cpcap_errbuf_size())
    return withUnsafeTemporaryAllocation(of: CChar.self, capacity: size) { buffer in
        let base = buffer.baseAddress!
        base.initialize(repeating: 0, count: size)
        let result = body(base)
        base[size - 1] = 0  // libpcap always terminates, but never trust a C buffer
        return (result, String(cString: base))
    }
}

let nanosecondsPerSecond: Int64 = 1_000_000_000

/// Fills a `pcap_pkthdr` time stamp from nanoseconds since the epoch.
///
/// With a handle opened for nanosecond precision, libpcap stores `ts.tv_usec` verbatim in
/// the record's fraction field and interprets it as nanoseconds, so the field carries
/// nanoseconds despite its name.
@inline(__always)
func setTimestamp(_ header: inout pcap_pkthdr, nanoseconds: Int64) {
    precondition(nanoseconds >= 0, "pcap time stamps cannot be negative (got \(nanoseconds) ns)")
    let seconds = nanoseconds / nanosecondsPerSecond
    precondition(
        seconds <= Int64(UInt32.max),
        "pcap time stamps store seconds in 32 bits (got \(seconds) s)"
    )
    header.ts.tv_sec = .init(seconds)
    header.ts.tv_usec = .init(nanoseconds % nanosecondsPerSecond)
}

/// Nanoseconds since the epoch from a header read through a nanosecond-precision handle, or
/// nil when they do not fit in an `Int64` (a pcapng time stamp after the year 2262).
///
/// Damaged and hostile files say anything here (the tcpdump test captures do), so nothing may
/// overflow and trap:
/// - classic pcap stores seconds as an unsigned 32-bit number, which libpcap sign-extends
///   into `time_t`: a negative value in 32-bit range is read back as unsigned, so times from
///   2038 to 2106 come out as written;
/// - a fraction outside 0..<1 s is impossible in a well-formed record: the record keeps its
///   whole seconds with a fraction of 0 rather than being dropped (tcpdump prints such
///   records too, flagged as invalid).
@inline(__always)
func timestampNanoseconds(of header: pcap_pkthdr) -> Int64? {
    var seconds = Int64(header.ts.tv_sec)
    if seconds < 0 && seconds >= Int64(Int32.min) { seconds &= 0xFFFF_FFFF }
    var fraction = Int64(header.ts.tv_usec)
    if fraction < 0 || fraction >= nanosecondsPerSecond { fraction = 0 }
    guard seconds >= 0 else { return nil }
    let (whole, overflow) = seconds.multipliedReportingOverflow(by: nanosecondsPerSecond)
    guard !overflow else { return nil }
    let (total, carry) = whole.addingReportingOverflow(fraction)
    return carry ? nil : total
}
