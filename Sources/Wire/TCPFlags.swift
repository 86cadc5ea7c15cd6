/// The eight TCP control bits of byte 13 (RFC 793's six plus RFC 3168's ECE and CWR).
///
/// The simulator watches SYNs to see where new connections land and RSTs to see which ones
/// a failover broke, so flags print the way tcpdump prints them: `[S]`, `[S.]`, `[R.]`.
public struct TCPFlags: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8

    @inlinable
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let fin = TCPFlags(rawValue: 0x01)
    public static let syn = TCPFlags(rawValue: 0x02)
    public static let rst = TCPFlags(rawValue: 0x04)
    public static let psh = TCPFlags(rawValue: 0x08)
    public static let ack = TCPFlags(rawValue: 0x10)
    public static let urg = TCPFlags(rawValue: 0x20)
    public static let ece = TCPFlags(rawValue: 0x40)
    public static let cwr = TCPFlags(rawValue: 0x80)

    /// tcpdump's letters in tcpdump's order, F S R P . U E W, bracketed: SYN+ACK is `[S.]`,
    /// no flags at all is `[none]`.
    public var description: String {
        if isEmpty { return "[none]" }
        var text = "["
        for (flag, letter) in [
            (TCPFlags.fin, "F"), (.syn, "S"), (.rst, "R"), (.psh, "P"),
            (.ack, "."), (.urg, "U"), (.ece, "E"), (.cwr, "W"),
        ]
        where contains(flag) {
            text += letter
        }
        return text + "]"
    }
}
