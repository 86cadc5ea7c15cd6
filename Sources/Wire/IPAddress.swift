/// An IPv4 or an IPv6 address, for the places (pools, Service IPs, election keys) where a
/// dual-stack cluster may hold either.
///
/// The family is part of the value: an IPv4-mapped IPv6 address (`::ffff:1.2.3.4`) stays
/// `.v6` and is not equal to `.v4(1.2.3.4)`, as Kubernetes keeps the two apart.
public enum IPAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    case v4(IPv4Address)
    case v6(IPv6Address)

    /// A dotted quad parses as `.v4` (strictly, as `IPv4Address` does); anything else is
    /// tried as IPv6 text, so `::ffff:1.2.3.4` is `.v6`.
    public init?(_ text: some StringProtocol) {
        if let address = IPv4Address(text) {
            self = .v4(address)
        } else if let address = IPv6Address(text) {
            self = .v6(address)
        } else {
            return nil
        }
    }

    /// The address bits only, without the case tag the synthesized hash adds: allocator and
    /// speaker tables hash an address per lookup, and this is measurably cheaper. An IPv4
    /// address may hash like some IPv6 one; equality still tells them apart.
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .v4(let address): hasher.combine(address.rawValue)
        case .v6(let address):
            hasher.combine(address.high)
            hasher.combine(address.low)
        }
    }

    public var family: IPFamily {
        switch self {
        case .v4: return .ipv4
        case .v6: return .ipv6
        }
    }

    /// The address that follows this one, or nil at the top of its family's space
    /// (`255.255.255.255`, `ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff`): a walk over a range
    /// never wraps round to the bottom, nor crosses into the other family.
    public var next: IPAddress? {
        switch self {
        case .v4(let address):
            return address.rawValue == .max ? nil : .v4(IPv4Address(rawValue: address.rawValue + 1))
        case .v6(let address):
            return address.successor.map(IPAddress.v6)
        }
    }

    /// IPv4 dotted quad, IPv6 in RFC 5952 form (`IPv6Address.description`).
    public var description: String {
        switch self {
        case .v4(let address): return address.description
        case .v6(let address): return address.description
        }
    }

    /// Every IPv4 address sorts before every IPv6 address; within a family, numerically.
    /// A total order, so mixed pools list deterministically.
    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        switch (lhs, rhs) {
        case (.v4(let left), .v4(let right)): return left < right
        case (.v6(let left), .v6(let right)): return left < right
        case (.v4, .v6): return true
        case (.v6, .v4): return false
        }
    }
}
