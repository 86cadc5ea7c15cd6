/// Why bytes could not be read as a frame or an address could not be parsed.
///
/// Parsers never trap on bad input: a capture from a real network (or a fuzzer) may hold
/// anything, so every length is checked before a field is read and the failure is a value.
public enum WireError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The buffer ended before the header did: `needed` bytes, only `available` present.
    case truncated(header: String, needed: Int, available: Int)
    /// A field holds a value this format does not allow (an IHL below 5, an ARP hlen of 7).
    case malformed(header: String, reason: String)
    /// Text that should have been an address or prefix was not.
    case badAddress(String)

    public var description: String {
        switch self {
        case .truncated(let header, let needed, let available):
            return "\(header): truncated, needs \(needed) bytes, has \(available)"
        case .malformed(let header, let reason):
            return "\(header): \(reason)"
        case .badAddress(let text):
            return "not a valid address: \(text)"
        }
    }
}
