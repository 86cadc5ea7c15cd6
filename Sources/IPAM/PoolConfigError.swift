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
        case .invalidCIDR(let entry): return "invalid CIDR \"\(entry)\""
        case .invalidRange(let entry): return "invalid IP range \"\(entry)\""
        case .invalidRangeStart(let entry, let start):
            return "invalid IP range \"\(entry)\": invalid start IP \"\(start)\""
        case .invalidRangeEnd(let entry, let end): return "invalid IP range \"\(entry)\": invalid end IP \"\(end)\""
        case .rangeStartAfterEnd(let entry, let start, let end):
            return "invalid IP range \"\(entry)\": start IP \"\(start)\" is after the end IP \"\(end)\""
        case .overlap(let cidr, let pool, let existing):
            return "CIDR \"\(cidr)\" in pool \"\(pool)\" overlaps with already defined CIDR \"\(existing)\""
        case .duplicatePool(let name): return "duplicate definition of pool \"\(name)\""
        case .orphansAssignment(let service, let ip):
            return
                "new config not compatible with assigned IPs: service \"\(service)\" cannot own \"\(ip)\" under new config"
        }
    }
}

/// Checks a whole pool list the way MetalLB's config parser does: names unique, and no CIDR
/// overlapping another, inside a pool or across pools.
public func validatePools(_ pools: [AddressPool]) throws(PoolConfigError) {
    if let conflict = firstPoolConflict(pools) { throw conflict.error }
}

/// Where a pool list breaks MetalLB's whole-configuration rules: the pool (and, for an
/// overlap, the CIDR within it) that clashes with something declared earlier.
public struct PoolConflict: Sendable, Equatable {
    public var error: PoolConfigError
    public var pool: Int
    /// Index into `pools[pool].cidrs`; nil for a duplicate name.
    public var cidr: Int?
}

/// The first clash in declaration order: a pool name seen before, or a CIDR overlapping one
/// declared before it, inside the same pool or in an earlier one. Callers that know where each
/// pool and CIDR was written (the scenario loader) turn the position into a location.
public func firstPoolConflict(_ pools: [AddressPool]) -> PoolConflict? {
    var seenNames = Set<String>()
    var seenCIDRs: [IPPrefix] = []
    for (poolIndex, pool) in pools.enumerated() {
        guard seenNames.insert(pool.name).inserted else {
            return PoolConflict(error: .duplicatePool(pool.name), pool: poolIndex, cidr: nil)
        }
        for (cidrIndex, cidr) in pool.cidrs.enumerated() {
            if let existing = seenCIDRs.first(where: { $0.overlaps(cidr) }) {
                return PoolConflict(
                    error: .overlap(cidr: cidr, pool: pool.name, existing: existing),
                    pool: poolIndex, cidr: cidrIndex)
            }
            seenCIDRs.append(cidr)
        }
    }
    return nil
}
