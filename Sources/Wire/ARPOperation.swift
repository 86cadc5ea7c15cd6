/// The ARP opcode (RFC 826 `ar$op`).
///
/// A struct rather than an enum: RFC 5494 and RARP define more opcodes than request and
/// reply, and a parser that met one must still return the packet (the responder then
/// ignores it) rather than fail to represent it.
public struct ARPOperation: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16

    @inlinable
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// 1, `ares_op$REQUEST`: "who has this protocol address?"
    @inlinable public static var request: ARPOperation { ARPOperation(rawValue: 1) }
    /// 2, `ares_op$REPLY`: "this protocol address is at this hardware address".
    @inlinable public static var reply: ARPOperation { ARPOperation(rawValue: 2) }

    /// "request", "reply", or "opcode N".
    public var description: String {
        switch rawValue {
        case 1: return "request"
        case 2: return "reply"
        default: return "opcode \(rawValue)"
        }
    }
}
