/// A failure reported by libpcap.
///
/// It keeps libpcap's own message (from `pcap_geterr` or the `errbuf` an open call
/// filled in) because that is the text that explains the problem: "No such file or
/// directory", "truncated dump file; ...", "syntax error in filter expression". The
/// `operation` says what lbsim was doing, so that the message can be read on its own in
/// a log.
public struct PcapError: Error, Sendable, CustomStringConvertible {
    /// What was being attempted, e.g. `"opening /tmp/x.pcap for reading"`.
    public let operation: String
    /// libpcap's message, verbatim.
    public let message: String

    public init(operation: String, message: String) {
        self.operation = operation
        self.message = message
    }

    public var description: String {
        "\(operation): \(message)"
    }
}
