/// The 16-bit type field of an Ethernet II header: which protocol the payload carries.
///
/// A struct rather than an enum because a frame may carry any value and the decoder must
/// still hand it back (`DecodedFrame.Payload.other`) instead of failing on an unknown type.
public struct EtherType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16

    @inlinable
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// 0x0806, Address Resolution Protocol (RFC 826): what MetalLB's layer2 mode speaks.
    @inlinable public static var arp: EtherType { EtherType(rawValue: 0x0806) }
    /// 0x0800, Internet Protocol version 4 (RFC 791).
    @inlinable public static var ipv4: EtherType { EtherType(rawValue: 0x0800) }
    /// 0x86DD, Internet Protocol version 6: recognised so it prints by name; not decoded.
    @inlinable public static var ipv6: EtherType { EtherType(rawValue: 0x86DD) }

    /// "ARP", "IPv4", "IPv6", or the value as `0x` and four hex digits, as tcpdump names them.
    public var description: String {
        switch rawValue {
        case 0x0806: return "ARP"
        case 0x0800: return "IPv4"
        case 0x86DD: return "IPv6"
        default: return "0x" + hex4(rawValue)
        }
    }
}

/// Four lower-case hex digits, zero-padded.
private func hex4(_ value: UInt16) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 4 - digits.count) + digits
}
