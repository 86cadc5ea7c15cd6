/// An IPv4 prefix such as `10.200.200.120/31`. The network address has its host bits
/// cleared, as MetalLB's config parser masks them (`10.0.0.5/24` means `10.0.0.0/24`).
public struct IPv4CIDR: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let network: IPv4Address
    public let prefixLength: Int

    public init(network: IPv4Address, prefixLength: Int) {
        precondition((0...32).contains(prefixLength), "IPv4 prefix length out of range")
        self.prefixLength = prefixLength
        self.network = IPv4Address(rawValue: network.rawValue & IPv4CIDR.mask(prefixLength))
    }

    /// Parses `a.b.c.d/n`; host bits are masked off.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPv4Address(parts[0]),
            parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), !parts[1].isEmpty,
            let length = Int(parts[1]), (0...32).contains(length)
        else { return nil }
        self.init(network: address, prefixLength: length)
    }

    static func mask(_ length: Int) -> UInt32 {
        length == 0 ? 0 : UInt32.max << UInt32(32 - length)
    }

    /// Number of addresses in the prefix (2^(32-n)), as a 64-bit count so /0 fits.
    public var size: UInt64 { UInt64(1) << UInt64(32 - prefixLength) }
    public var first: IPv4Address { network }
    public var last: IPv4Address { IPv4Address(rawValue: network.rawValue | ~IPv4CIDR.mask(prefixLength)) }

    public func contains(_ address: IPv4Address) -> Bool {
        address.rawValue & IPv4CIDR.mask(prefixLength) == network.rawValue
    }

    public func overlaps(_ other: IPv4CIDR) -> Bool {
        contains(other.network) || other.contains(network)
    }

    /// The minimal list of prefixes, in ascending order, that covers exactly `first...last`:
    /// how MetalLB turns a `a-b` range into CIDRs (`.120-.122` is `.120/31` and `.122/32`).
    public static func summarize(first: IPv4Address, last: IPv4Address) -> [IPv4CIDR] {
        precondition(first <= last, "range start after end")
        var result: [IPv4CIDR] = []
        var start = UInt64(first.rawValue)
        let end = UInt64(last.rawValue)
        while start <= end {
            // Largest block aligned at `start` that does not run past `end`.
            var length = 32
            while length > 0 {
                let bigger = UInt64(1) << UInt64(32 - (length - 1))
                if start % bigger != 0 || start + bigger - 1 > end { break }
                length -= 1
            }
            result.append(IPv4CIDR(network: IPv4Address(rawValue: UInt32(start)), prefixLength: length))
            start += UInt64(1) << UInt64(32 - length)
        }
        return result
    }

    public var description: String { "\(network)/\(prefixLength)" }

    public static func < (lhs: IPv4CIDR, rhs: IPv4CIDR) -> Bool {
        (lhs.network, lhs.prefixLength) < (rhs.network, rhs.prefixLength)
    }
}
