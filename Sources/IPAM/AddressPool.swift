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
    /// The pool's prefixes in declaration order: allocation walks them in this order.
    public var cidrs: [IPv4CIDR]
    /// Never hand out IPv4 addresses ending in .0 or .255 (some client stacks drop them).
    public var avoidBuggyIPs: Bool
    /// Whether automatic allocation may take addresses from this pool (requests by IP or by
    /// pool annotation ignore it).
    public var autoAssign: Bool

    public init(name: String, protocol: PoolProtocol = .layer2, cidrs: [IPv4CIDR],
                avoidBuggyIPs: Bool = false, autoAssign: Bool = true) {
        self.name = name
        self.protocol = `protocol`
        self.cidrs = cidrs
        self.avoidBuggyIPs = avoidBuggyIPs
        self.autoAssign = autoAssign
    }

    public func contains(_ ip: IPv4Address) -> Bool { cidrs.contains { $0.contains(ip) } }

    /// Whether this pool may hand out `ip` at all: inside a prefix and not a buggy address
    /// when the pool avoids them.
    public func allows(_ ip: IPv4Address) -> Bool {
        contains(ip) && !(avoidBuggyIPs && AddressPool.isBuggy(ip))
    }

    /// An IPv4 address ending in .0 or .255: old Windows and some routers treat it as a
    /// network or broadcast address even inside a larger prefix.
    public static func isBuggy(_ ip: IPv4Address) -> Bool {
        let last = ip.rawValue & 0xFF
        return last == 0 || last == 255
    }

    /// Parses one `addresses` entry as MetalLB does: without a `-` it is a CIDR (host bits
    /// masked off); with one it is a range `a-b` (whitespace around either end trimmed),
    /// summarised into the minimal CIDRs in ascending order.
    public static func parseAddresses(_ entry: String) throws(PoolConfigError) -> [IPv4CIDR] {
        guard entry.contains("-") else {
            guard let cidr = IPv4CIDR(entry) else { throw .invalidCIDR(entry) }
            return [cidr]
        }
        let ends = entry.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard ends.count == 2 else { throw .invalidRange(entry) }
        guard let start = IPv4Address(String(ends[0]).trimmingWhitespace) else {
            throw .invalidRangeStart(entry, start: String(ends[0]))
        }
        guard let end = IPv4Address(String(ends[1]).trimmingWhitespace) else {
            throw .invalidRangeEnd(entry, end: String(ends[1]))
        }
        guard start <= end else { throw .rangeStartAfterEnd(entry, start: start, end: end) }
        return IPv4CIDR.summarize(first: start, last: end)
    }
}

extension String {
    /// Trims what Go's `strings.TrimSpace` trims: every Unicode white space, line breaks included.
    var trimmingWhitespace: String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return String(s)
    }
}
