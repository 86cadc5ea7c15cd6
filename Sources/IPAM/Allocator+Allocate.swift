import Wire

/// The three ways a service gets addresses, as MetalLB's allocator offers them: a requested
/// address (`assign`), the pool annotation (`allocate(_:fromPool:)`), and automatic
/// allocation across pools (`allocate(_:)`).
extension Allocator {
    /// Gives `claim` exactly `ips`, if configuration and sharing rules allow it. Assigning a
    /// service what it already holds is a no-op that re-checks the rules (the controller does
    /// this on every pass, which is how a config change that excludes a service is noticed).
    @discardableResult
    public mutating func assign(_ claim: ServiceClaim, _ ips: [IPAddress]) throws(AllocationError) -> Assignment {
        let index: Int
        switch semantics {
        case .v0_9_4:
            guard let found = Allocator.poolIndex(for: ips, in: pools) else {
                throw .notAllowedInConfig(ips: ips.map { "\"\($0)\"" }.joined(separator: " "))
            }
            index = found
        case .current:
            guard let found = Allocator.poolIndex(for: ips, in: pools) else {
                throw .notAllowedInConfig(ips: goQuoted(ips))
            }
            index = found
            guard admits(pools[index], claim) else { throw .poolNotCompatible(pools[index].name) }
            if ips.count > 2 { throw .moreThanTwoAddresses(ips) }
            if ips.count == 2 && ips[0].family == ips[1].family { throw .sameFamily(ips[0], ips[1]) }
        }
        for ip in ips { try checkSharing(claim, ip) }
        let assignment = Assignment(ips: ips, pool: pools[index].name, ports: claim.ports, sharing: claim.sharing)
        record(claim.key, assignment)
        return assignment
    }

    /// Automatic allocation. current: first the pools whose serviceAllocation selects the
    /// service, by priority (lower first, unset last; ties by name); then every autoAssign
    /// pool without serviceAllocation. v0.9.4: every autoAssign pool. Within each group the
    /// pools are taken in name order: MetalLB ranges over a Go map there, whose order is
    /// random, and lbsim needs one documented rule.
    public mutating func allocate(_ claim: ServiceClaim) throws(AllocationError) -> [IPAddress] {
        if let held = assignments[claim.key] {
            try assign(claim, held.ips)
            return held.ips
        }
        switch semantics {
        case .v0_9_4:
            for index in poolsByName where pools[index].autoAssign {
                if let ips = try? allocate(claim, fromPool: pools[index].name) { return ips }
            }
        case .current:
            if let ips = allocate(claim, fromAny: pinnedPools(for: claim)) { return ips }
            var open: [Int] = []
            for index in poolsByName where pools[index].autoAssign && pools[index].serviceAllocation == nil {
                open.append(index)
            }
            if let ips = allocate(claim, fromAny: open) { return ips }
        }
        throw .noAvailableIPs
    }

    /// Allocation from the pool the service's annotation names; autoAssign does not matter.
    public mutating func allocate(_ claim: ServiceClaim, fromPool name: String) throws(AllocationError) -> [IPAddress] {
        if let held = assignments[claim.key] {
            try checkFamily(of: held.ips, for: claim)
            try assign(claim, held.ips)
            return held.ips
        }
        guard let index = pools.firstIndex(where: { $0.name == name }) else { throw .unknownPool(name) }
        switch semantics {
        case .v0_9_4:
            // Only the service's family is looked at; v0.9.4 has no dual-stack.
            let family: IPFamily = claim.family == .ipv6 ? .ipv6 : .ipv4
            for prefix in pools[index].cidrs.indices where pools[index].cidrs[prefix].family == family {
                if let ip = lowestUsable(pool: index, prefix: prefix, for: claim) {
                    return try assign(claim, [ip]).ips
                }
            }
            throw .noAvailableIPsInPool(name, quoted: true)
        case .current:
            guard let candidates = freeAddresses(pool: index, for: claim) else {
                throw .noAvailableIPsInPool(name, quoted: false)
            }
            let ips = try select(candidates, pool: name, family: claim.family, policy: claim.familyPolicy)
            return try assign(claim, ips).ips
        }
    }

    /// current, PreferDualStack with one address: tries to add the missing family from the
    /// pool the service already uses, keeping the address it has.
    public mutating func allocateAdditionalFamily(
        _ claim: ServiceClaim, keeping existing: IPAddress,
        fromPool name: String
    ) throws(AllocationError) -> IPAddress {
        let missing: ServiceIPFamily = existing.family == .ipv4 ? .ipv6 : .ipv4
        guard let index = pools.firstIndex(where: { $0.name == name }) else { throw .unknownPool(name) }
        guard let candidates = freeAddresses(pool: index, for: claim) else {
            throw .noAvailableIPsInPool(name, quoted: false)
        }
        let added = missing == .ipv4 ? candidates.v4 : candidates.v6
        guard let added else {
            // MetalLB goes on to assign the pair with a missing address, which no pool allows.
            throw .notAllowedInConfig(ips: goQuoted([existing, nil]))
        }
        try assign(claim, [existing, added])
        return added
    }

    // MARK: the search

    /// The lowest address of one prefix that `claim` could take: free, or held by services
    /// it may share with. Both are found without walking the prefix: the free index gives the
    /// lowest free address, and only addresses held under the claim's own sharing key can be
    /// joined.
    func lowestUsable(pool: Int, prefix: Int, for claim: ServiceClaim) -> IPAddress? {
        let cidr = pools[pool].cidrs[prefix]
        var best = free[pool][prefix].lowest.map { IPAddress(family: cidr.family, value: $0) }
        if !claim.sharing.sharing.isEmpty, let candidates = shareable[claim.sharing] {
            for ip in candidates where cidr.contains(ip) && pools[pool].allows(ip) {
                if let best, best < ip { break }
                if (try? checkSharing(claim, ip)) != nil {
                    best = ip
                    break
                }
            }
        }
        return best
    }

    /// One usable address per family from a pool, each from the first prefix of that family
    /// that has one (MetalLB's `getFreeIPsFromPool`); nil when the pool has none at all.
    func freeAddresses(pool: Int, for claim: ServiceClaim) -> (v4: IPAddress?, v6: IPAddress?)? {
        var v4: IPAddress?
        var v6: IPAddress?
        for (prefix, cidr) in pools[pool].cidrs.enumerated() {
            switch cidr.family {
            case .ipv4 where v4 == nil: v4 = lowestUsable(pool: pool, prefix: prefix, for: claim)
            case .ipv6 where v6 == nil: v6 = lowestUsable(pool: pool, prefix: prefix, for: claim)
            default: break
            }
        }
        return v4 == nil && v6 == nil ? nil : (v4, v6)
    }

    /// The addresses to take from a pool's candidates for a service's families and policy
    /// (MetalLB's `selectIPsForFamilyAndPolicy`).
    func select(
        _ candidates: (v4: IPAddress?, v6: IPAddress?), pool: String, family: ServiceIPFamily,
        policy: IPFamilyPolicy
    ) throws(AllocationError) -> [IPAddress] {
        switch family {
        case .ipv4, .ipv6:
            // A single-family service takes that family's candidate even when there is none;
            // MetalLB then fails to assign `<nil>`, and says so.
            guard let ip = family == .ipv4 ? candidates.v4 : candidates.v6 else {
                throw .notAllowedInConfig(ips: goQuoted([nil]))
            }
            return [ip]
        case .dualStack:
            switch (policy, candidates.v4, candidates.v6) {
            case (.requireDualStack, let v4?, let v6?), (.preferDualStack, let v4?, let v6?): return [v4, v6]
            case (.preferDualStack, let v4?, nil): return [v4]
            case (.preferDualStack, nil, let v6?): return [v6]
            default: throw .noAvailableIPsInPoolForFamily(pool, family)
            }
        }
    }

    /// Picks the pool for automatic allocation among `candidates` (in order) and assigns
    /// from it; nil when none fits (the caller then says "no available IPs", as MetalLB does,
    /// whatever the reason).
    mutating func allocate(_ claim: ServiceClaim, fromAny candidates: [Int]) -> [IPAddress]? {
        let primary: ServiceIPFamily = claim.primaryFamily == .ipv6 ? .ipv6 : .ipv4
        var primaryFallback: (Int, (v4: IPAddress?, v6: IPAddress?))?
        var secondaryFallback: (Int, (v4: IPAddress?, v6: IPAddress?))?
        var chosen: (Int, (v4: IPAddress?, v6: IPAddress?))?
        for index in candidates {
            guard let found = freeAddresses(pool: index, for: claim) else { continue }
            let forFamily: IPAddress? = claim.family == .ipv4 ? found.v4 : claim.family == .ipv6 ? found.v6 : nil
            let first = primary == .ipv4 ? found.v4 : found.v6
            let second = primary == .ipv4 ? found.v6 : found.v4
            if forFamily != nil || (first != nil && second != nil) {
                chosen = (index, found)
                break
            }
            guard claim.familyPolicy == .preferDualStack && claim.family == .dualStack else { continue }
            if first != nil && primaryFallback == nil { primaryFallback = (index, found) }
            if second != nil && secondaryFallback == nil { secondaryFallback = (index, found) }
        }
        guard let (index, found) = chosen ?? primaryFallback ?? secondaryFallback else { return nil }
        guard let ips = try? select(found, pool: pools[index].name, family: claim.family, policy: claim.familyPolicy),
            (try? assign(claim, ips)) != nil
        else { return nil }
        return ips
    }

    /// current: the autoAssign pools whose serviceAllocation selects the service, by
    /// namespace or by service selector, best priority first.
    func pinnedPools(for claim: ServiceClaim) -> [Int] {
        if resolvedAllocations.isEmpty { return [] }
        let pinned = pools.indices.filter { index in
            let pool = pools[index]
            guard let rule = resolvedAllocations[pool.name], pool.autoAssign else { return false }
            let listed = rule.namespaces.contains(claim.namespace) || !rule.serviceSelectors.isEmpty
            return listed && rule.admits(namespace: claim.namespace, labels: claim.labels)
        }
        let ranked = pinned.map { index in
            let priority = resolvedAllocations[pools[index].name]?.priority ?? 0
            return (rank: priority > 0 ? priority : Int.max, name: pools[index].name, index: index)
        }
        return ranked.sorted { ($0.rank, $0.name) < ($1.rank, $1.name) }.map(\.index)
    }

    func admits(_ pool: AddressPool, _ claim: ServiceClaim) -> Bool {
        resolvedAllocations[pool.name]?.admits(namespace: claim.namespace, labels: claim.labels) ?? true
    }

    /// AllocateFromPool's check on an existing assignment: it must be of the service's family
    /// (current lets PreferDualStack differ).
    private func checkFamily(of ips: [IPAddress], for claim: ServiceClaim) throws(AllocationError) {
        switch semantics {
        case .v0_9_4:
            if ServiceIPFamily(ips[0].family) != (claim.family == .ipv6 ? .ipv6 : .ipv4) {
                throw .wrongFamily("IP for wrong family assigned \(ips[0])")
            }
        case .current:
            let held = try ServiceIPFamily.of(ips).get()
            if claim.familyPolicy != .preferDualStack && held != claim.family {
                throw .wrongFamily(
                    "IP for wrong family assigned alloc \(held.rawValue) service family \(claim.family.rawValue)")
            }
        }
    }
}
