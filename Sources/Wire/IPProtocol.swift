/// The IPv4 `Protocol` field (IPv6 `Next Header`): which transport the datagram carries.
///
/// A struct so that any of the 256 values parses and round-trips; only TCP is decoded
/// further, everything else is `DecodedFrame.Payload.ipv4Other`.
public struct IPProtocol: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8

    @inlinable
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// 1, ICMP: seen in real captures (port unreachable replies).
    @inlinable public static var icmp: IPProtocol { IPProtocol(rawValue: 1) }
    /// 6, TCP (RFC 793): the traffic clients send to a LoadBalancer service.
    @inlinable public static var tcp: IPProtocol { IPProtocol(rawValue: 6) }
    /// 17, UDP.
    @inlinable public static var udp: IPProtocol { IPProtocol(rawValue: 17) }
    /// 58, ICMPv6.
    @inlinable public static var icmpv6: IPProtocol { IPProtocol(rawValue: 58) }

    /// "TCP", "UDP", "ICMP", "ICMPv6", or the number, as tcpdump prints `proto`.
    public var description: String {
        switch rawValue {
        case 1: return "ICMP"
        case 6: return "TCP"
        case 17: return "UDP"
        case 58: return "ICMPv6"
        default: return String(rawValue)
        }
    }
}
