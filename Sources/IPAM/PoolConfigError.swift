import Wire

/// A pool configuration MetalLB would refuse, with MetalLB's wording so users recognise it.
public enum PoolConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An entry with no `-` that is not a CIDR.
    case invalidCIDR(String)
    /// An entry with a `-` that does not split into two addresses.
    case invalidRange(String)
    case invalidRangeStart(String, start: String)
    case invalidRangeEnd(String, end: String)
    /// current rejects `b-a`; v0.9.4 summarised it to nothing.
    case rangeStartAfterEnd(String, start: IPAddress, end: IPAddress)
    case overlap(cidr: IPPrefix, pool: String, existing: IPPrefix)
    case duplicatePool(String)
    /// v0.9.4 only: the new pools leave an assigned address without a pool, so the whole
    /// configuration is refused and the old one stays in force.
    case orphansAssignment(service: String, ip: IPAddress)

    public var description: String {
        switch self {
        case let .invalidCIDR(entry): return "invalid CIDR \"\(entry)\""
        case let .invalidRange(entry): return "invalid IP range \"\(entry)\""
        case let .invalidRangeStart(entry, start): return "invalid IP range \"\(entry)\": invalid start IP \"\(start)\""
        case let .invalidRangeEnd(entry, end): return "invalid IP range \"\(entry)\": invalid end IP \"\(end)\""
        case let .rangeStartAfterEnd(entry, start, end):
            return "invalid IP range \"\(entry)\": start IP \"\(start)\" is after the end IP \"\(end)\""
        case let .overlap(cidr, pool, existing):
            return "CIDR \"\(cidr)\" in pool \"\(pool)\" overlaps with already defined CIDR \"\(existing)\""
        case let .duplicatePool(name): return "duplicate definition of pool \"\(name)\""
        case let .orphansAssignment(service, ip):
            return "new config not compatible with assigned IPs: service \"\(service)\" cannot own \"\(ip)\" under new config"
        }
    }
}

/// Checks a whole pool list the way MetalLB's config parser does: names unique, and no CIDR
/// overlapping another, inside a pool or across pools.
public func validatePools(_ pools: [AddressPool]) throws(PoolConfigError) {
    var seenNames = Set<String>()
    var seenCIDRs: [IPPrefix] = []
    for pool in pools {
        guard seenNames.insert(pool.name).inserted else { throw .duplicatePool(pool.name) }
        for cidr in pool.cidrs {
            if let existing = seenCIDRs.first(where: { $0.overlaps(cidr) }) {
                throw .overlap(cidr: cidr, pool: pool.name, existing: existing)
            }
            seenCIDRs.append(cidr)
        }
    }
}
