/// An IPv4 or an IPv6 prefix: one CIDR of an address pool that may be dual-stack.
public enum IPPrefix: Hashable, Comparable, Sendable, CustomStringConvertible {
    case v4(IPv4CIDR)
    case v6(IPv6CIDR)

    /// `a.b.c.d/n` parses as `.v4`; anything else is tried as an IPv6 prefix. Host bits are
    /// masked off in both.
    public init?(_ text: some StringProtocol) {
        if let prefix = IPv4CIDR(text) {
            self = .v4(prefix)
        } else if let prefix = IPv6CIDR(text) {
            self = .v6(prefix)
        } else {
            return nil
        }
    }

    public var family: IPFamily {
        switch self {
        case .v4: return .ipv4
        case .v6: return .ipv6
        }
    }

    public var prefixLength: Int {
        switch self {
        case .v4(let prefix): return prefix.prefixLength
        case .v6(let prefix): return prefix.prefixLength
        }
    }

    /// Bits left for hosts: the prefix holds 2^hostBits addresses.
    public var hostBits: Int {
        switch self {
        case .v4(let prefix): return 32 - prefix.prefixLength
        case .v6(let prefix): return prefix.hostBits
        }
    }

    /// Number of addresses, or nil when it is 2^64 or more (only IPv6 prefixes that short).
    public var addressCount: UInt64? {
        switch self {
        case .v4(let prefix): return prefix.size
        case .v6(let prefix): return prefix.addressCount
        }
    }

    public var first: IPAddress {
        switch self {
        case .v4(let prefix): return .v4(prefix.first)
        case .v6(let prefix): return .v6(prefix.first)
        }
    }

    public var last: IPAddress {
        switch self {
        case .v4(let prefix): return .v4(prefix.last)
        case .v6(let prefix): return .v6(prefix.last)
        }
    }

    /// False for an address of the other family: `::ffff:10.0.0.1` is not in `10.0.0.0/8`.
    public func contains(_ address: IPAddress) -> Bool {
        switch (self, address) {
        case (.v4(let prefix), .v4(let address)): return prefix.contains(address)
        case (.v6(let prefix), .v6(let address)): return prefix.contains(address)
        default: return false
        }
    }

    /// False across families: an IPv4 and an IPv6 prefix never share an address.
    public func overlaps(_ other: IPPrefix) -> Bool {
        switch (self, other) {
        case (.v4(let left), .v4(let right)): return left.overlaps(right)
        case (.v6(let left), .v6(let right)): return left.overlaps(right)
        default: return false
        }
    }

    /// The minimal ascending list of prefixes covering exactly `first...last`, or nil when
    /// the two ends are of different families or `first` is after `last`: a pool range
    /// such as `10.0.0.1-2001:db8::1` is a configuration error, not a trap.
    public static func summarize(first: IPAddress, last: IPAddress) -> [IPPrefix]? {
        switch (first, last) {
        case (.v4(let first), .v4(let last)) where first <= last:
            return IPv4CIDR.summarize(first: first, last: last).map(IPPrefix.v4)
        case (.v6(let first), .v6(let last)) where first <= last:
            return IPv6CIDR.summarize(first: first, last: last).map(IPPrefix.v6)
        default:
            return nil
        }
    }

    public var description: String {
        switch self {
        case .v4(let prefix): return prefix.description
        case .v6(let prefix): return prefix.description
        }
    }

    /// IPv4 prefixes before IPv6; within a family, by network address, then prefix length.
    public static func < (lhs: IPPrefix, rhs: IPPrefix) -> Bool {
        switch (lhs, rhs) {
        case (.v4(let left), .v4(let right)): return left < right
        case (.v6(let left), .v6(let right)): return left < right
        case (.v4, .v6): return true
        case (.v6, .v4): return false
        }
    }
}
