import Wire

/// How a pool's addresses are announced. lbsim simulates layer2; BGP pools are still allocated
/// from (MetalLB's controller does not care), their addresses are just never ARPed for.
public enum PoolProtocol: String, Sendable, Hashable {
    case layer2
    case bgp
}

/// One MetalLB address pool (a v0.9.4 `address-pools` entry, or a current `IPAddressPool`).
public struct AddressPool: Sendable, Hashable {
    public var name: String
    public var `protocol`: PoolProtocol
    /// The pool's prefixes in declaration order: allocation walks them in this order. A pool
    /// holding both families is what makes dual-stack services possible.
    public var cidrs: [IPPrefix]
    /// Never hand out IPv4 addresses ending in .0 or .255 (some client stacks drop them).
    public var avoidBuggyIPs: Bool
    /// Whether automatic allocation may take addresses from this pool (requests by IP or by
    /// pool annotation ignore it).
    public var autoAssign: Bool
    /// current MetalLB's `spec.serviceAllocation`: which services the pool prefers or is
    /// restricted to. nil when the field is absent (v0.9.4 never has it).
    public var serviceAllocation: ServiceAllocation?

    public init(
        name: String, protocol: PoolProtocol = .layer2, cidrs: [IPPrefix],
        avoidBuggyIPs: Bool = false, autoAssign: Bool = true, serviceAllocation: ServiceAllocation? = nil
    ) {
        self.name = name
        self.protocol = `protocol`
        self.cidrs = cidrs
        self.avoidBuggyIPs = avoidBuggyIPs
        self.autoAssign = autoAssign
        self.serviceAllocation = serviceAllocation
    }

    /// An IPv4-only pool, the common case in tests and benchmarks.
    public init(
        name: String, protocol: PoolProtocol = .layer2, cidrs: [IPv4CIDR],
        avoidBuggyIPs: Bool = false, autoAssign: Bool = true
    ) {
        self.init(
            name: name, protocol: `protocol`, cidrs: cidrs.map(IPPrefix.v4),
            avoidBuggyIPs: avoidBuggyIPs, autoAssign: autoAssign)
    }

    public func contains(_ ip: IPAddress) -> Bool { cidrs.contains { $0.contains(ip) } }

    /// Whether this pool may hand out `ip` at all: inside a prefix and not a buggy address
    /// when the pool avoids them.
    public func allows(_ ip: IPAddress) -> Bool {
        contains(ip) && !(avoidBuggyIPs && AddressPool.isBuggy(ip))
    }

    /// The families the pool can serve, in the order they first appear.
    public var families: [IPFamily] {
        var result: [IPFamily] = []
        for prefix in cidrs where !result.contains(prefix.family) { result.append(prefix.family) }
        return result
    }

    /// An IPv4 address ending in .0 or .255: old Windows and some CPE firmware treat it as a
    /// network or broadcast address even inside a larger prefix. IPv6 is never buggy.
    public static func isBuggy(_ ip: IPAddress) -> Bool {
        guard case .v4(let address) = ip else { return false }
        let last = address.rawValue & 0xFF
        return last == 0 || last == 255
    }

    /// How many addresses the pool can hand out, per family, the way MetalLB's pool-capacity
    /// metric counts them: a prefix of 2^62 addresses or more counts as unlimited (nil), and
    /// with avoidBuggyIPs a /24 or larger loses two per /24 while a smaller prefix loses only
    /// an end that is .0 or .255.
    public func capacity(of family: IPFamily) -> UInt64? {
        var total: UInt64 = 0
        for prefix in cidrs where prefix.family == family {
            if prefix.hostBits >= 62 { return nil }
            var size = UInt64(1) << UInt64(prefix.hostBits)
            if avoidBuggyIPs, case .v4 = prefix {
                if prefix.prefixLength <= 24 {
                    size -= (UInt64(1) << UInt64(24 - prefix.prefixLength)) * 2
                } else {
                    if AddressPool.isBuggy(prefix.first) { size -= 1 }
                    if AddressPool.isBuggy(prefix.last) { size -= 1 }
                }
            }
            total += size
        }
        return total
    }

    /// Parses one `addresses` entry as MetalLB does: without a `-` it is a CIDR (host bits
    /// masked off); with one it is a range `a-b` (whitespace around either end trimmed),
    /// summarised into the minimal CIDRs in ascending order. Either family.
    public static func parseAddresses(_ entry: String) throws(PoolConfigError) -> [IPPrefix] {
        guard entry.contains("-") else {
            guard let prefix = IPPrefix(entry) else { throw .invalidCIDR(entry) }
            return [prefix]
        }
        let ends = entry.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard ends.count == 2 else { throw .invalidRange(entry) }
        guard let start = IPAddress(String(ends[0]).trimmingWhitespace) else {
            throw .invalidRangeStart(entry, start: String(ends[0]))
        }
        guard let end = IPAddress(String(ends[1]).trimmingWhitespace) else {
            throw .invalidRangeEnd(entry, end: String(ends[1]))
        }
        // Go compares the 16-byte forms: every IPv4 address (::ffff:a.b.c.d) sorts below
        // most IPv6 ones, so mixed-family ranges are "start after end" only one way round;
        // both ways are refused here, since no summary of them exists.
        guard let prefixes = IPPrefix.summarize(first: start, last: end) else {
            throw .rangeStartAfterEnd(entry, start: start, end: end)
        }
        return prefixes
    }
}

extension StringProtocol {
    /// Trims what Go's `strings.TrimSpace` trims: every Unicode white space, line breaks
    /// included. MetalLB applies it to range ends and to the loadBalancerIPs annotation's items.
    public var trimmingWhitespace: String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return String(s)
    }
}
