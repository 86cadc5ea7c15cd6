/// An IPv6 prefix such as `2001:db8::/120`. As with `IPv4CIDR`, the network address has its
/// host bits cleared, the way MetalLB's config parser masks them (`2001:db8::5/64` means
/// `2001:db8::/64`).
public struct IPv6CIDR: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let network: IPv6Address
    public let prefixLength: Int

    public init(network: IPv6Address, prefixLength: Int) {
        precondition((0...128).contains(prefixLength), "IPv6 prefix length out of range")
        self.prefixLength = prefixLength
        let mask = IPv6CIDR.mask(prefixLength)
        self.network = IPv6Address(high: network.high & mask.high, low: network.low & mask.low)
    }

    /// Parses `address/n` with `n` in 0...128 (decimal digits only, as Go's `ParseCIDR`);
    /// the address takes every form `IPv6Address.init?(_:)` does. Host bits are masked off.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPv6Address(parts[0]),
            parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), !parts[1].isEmpty,
            let length = Int(parts[1]), (0...128).contains(length)
        else { return nil }
        self.init(network: address, prefixLength: length)
    }

    /// The network mask as two words, `high` for the first 64 bits.
    static func mask(_ length: Int) -> (high: UInt64, low: UInt64) {
        let high: UInt64 = length >= 64 ? .max : (length == 0 ? 0 : .max << UInt64(64 - length))
        let low: UInt64 = length <= 64 ? 0 : .max << UInt64(128 - length)
        return (high, low)
    }

    /// Bits left for hosts (128 - prefix length): the prefix holds 2^hostBits addresses.
    /// Given as an exponent because a /64 or shorter holds 2^64 or more, past any `UInt64`.
    public var hostBits: Int { 128 - prefixLength }

    /// Number of addresses in the prefix, or nil when it is 2^64 or more (a /64 or shorter)
    /// and so does not fit; `hostBits` always holds the exact size.
    public var addressCount: UInt64? {
        hostBits < 64 ? UInt64(1) << UInt64(hostBits) : nil
    }

    public var first: IPv6Address { network }
    public var last: IPv6Address {
        let mask = IPv6CIDR.mask(prefixLength)
        return IPv6Address(high: network.high | ~mask.high, low: network.low | ~mask.low)
    }

    public func contains(_ address: IPv6Address) -> Bool {
        let mask = IPv6CIDR.mask(prefixLength)
        return address.high & mask.high == network.high && address.low & mask.low == network.low
    }

    public func overlaps(_ other: IPv6CIDR) -> Bool {
        contains(other.network) || other.contains(network)
    }

    /// The minimal list of prefixes, in ascending order, that covers exactly `first...last`,
    /// as `IPv4CIDR.summarize` does for MetalLB's `a-b` ranges. The whole space
    /// (`::` to `ffff:...:ffff`) is `::/0`.
    public static func summarize(first: IPv6Address, last: IPv6Address) -> [IPv6CIDR] {
        precondition(first <= last, "range start after end")
        var result: [IPv6CIDR] = []
        var start = first
        while true {
            // Largest block aligned at `start` that does not run past `last`: limited by the
            // trailing zero bits of `start` and by how many addresses remain.
            let hostBits = min(trailingZeroBits(start), widestFit(from: start, to: last))
            let block = IPv6CIDR(network: start, prefixLength: 128 - hostBits)
            result.append(block)
            // `block.last < last` here, so the successor exists; comparing before stepping
            // keeps a range ending at ffff:...:ffff from wrapping round.
            guard block.last != last, let next = block.last.successor else { break }
            start = next
        }
        return result
    }

    public var description: String { "\(network)/\(prefixLength)" }

    public static func < (lhs: IPv6CIDR, rhs: IPv6CIDR) -> Bool {
        (lhs.network, lhs.prefixLength) < (rhs.network, rhs.prefixLength)
    }
}

/// Trailing zero bits of the 128-bit address; 128 for `::`.
private func trailingZeroBits(_ address: IPv6Address) -> Int {
    if address.low != 0 { return address.low.trailingZeroBitCount }
    if address.high != 0 { return 64 + address.high.trailingZeroBitCount }
    return 128
}

/// The largest `k` with `start + 2^k - 1 <= last`: the widest block that fits from `start`.
private func widestFit(from start: IPv6Address, to last: IPv6Address) -> Int {
    // remaining = last - start, a 128-bit subtraction with borrow (never negative here).
    let (low, borrow) = last.low.subtractingReportingOverflow(start.low)
    let high = last.high &- start.high &- (borrow ? 1 : 0)
    // count = remaining + 1; 2^128 when the range is the whole space.
    let (countLow, carry) = low.addingReportingOverflow(1)
    let countHigh = high &+ (carry ? 1 : 0)
    if carry && countHigh == 0 { return 128 }
    // floor(log2(count)).
    if countHigh != 0 { return 127 - countHigh.leadingZeroBitCount }
    return 63 - countLow.leadingZeroBitCount
}
