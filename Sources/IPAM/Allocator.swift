import Wire

/// MetalLB's address allocator: which service holds which address, from which pool, with
/// which ports and sharing key; and the free space of every pool, indexed so that finding the
/// lowest usable address never walks the pool.
///
/// The state and its invariants live here; the allocation strategies (automatic, by pool, by
/// requested address) are in `Allocator+Allocate.swift`.
public struct Allocator: Sendable {
    /// Which MetalLB's allocator to behave like. They differ in the pool order, dual-stack,
    /// serviceAllocation, messages, and what a config reload may do.
    public enum Semantics: Sendable, Hashable {
        // swift-format-ignore: AlwaysUseLowerCamelCase
        // (MetalLB's version name: the underscores stand for its dots.)
        case v0_9_4
        case current
    }

    public let semantics: Semantics
    /// The pools in declaration order.
    public private(set) var pools: [AddressPool]
    /// What each service holds, by service key.
    public private(set) var assignments: [String: Assignment] = [:]

    /// `serviceAllocation` with namespace selectors resolved, by pool name.
    var resolvedAllocations: [String: ResolvedServiceAllocation] = [:]
    /// Free addresses per pool, per prefix (same indices as `pools[i].cidrs`).
    var free: [[FreeAddresses]] = []
    /// Who uses each held address.
    var users: [IPAddress: AddressUse] = [:]
    /// Held addresses whose sharing key is non-empty, sorted, by key: the only held
    /// addresses another service can ever join, so the only ones a search must look at.
    var shareable: [SharingKey: [IPAddress]] = [:]

    /// The services on one address (sorted) and the sharing key the address was last
    /// assigned with (MetalLB keeps the latest one). The ports in use there are each
    /// holder's `Assignment.ports`: kept once, not per address.
    struct AddressUse: Sendable {
        var key: SharingKey
        /// The first holder, kept apart so that an address with one user (the common case)
        /// costs no array allocation.
        var holder: String
        var sharers: [String] = []

        init(key: SharingKey, holder: String) {
            self.key = key
            self.holder = holder
        }

        var services: [String] { [holder] + sharers }

        mutating func add(_ service: String) {
            var all = services
            guard !all.contains(service) else { return }
            all.insert(service, at: all.firstIndex { $0 > service } ?? all.count)
            holder = all[0]
            sharers = Array(all.dropFirst())
        }

        /// Removes a holder; false when nobody is left.
        mutating func remove(_ service: String) -> Bool {
            var all = services
            all.removeAll { $0 == service }
            guard let first = all.first else { return false }
            holder = first
            sharers = Array(all.dropFirst())
            return true
        }
    }

    /// Pool indices in name order: the order automatic allocation tries them in.
    var poolsByName: [Int] = []

    /// `namespaces` are the cluster's Namespace labels, for `serviceAllocation.namespaceSelectors`.
    public init(
        pools: [AddressPool], semantics: Semantics = .current,
        namespaces: [String: [String: String]] = [:]
    ) throws(PoolConfigError) {
        try validatePools(pools)
        self.semantics = semantics
        self.pools = []
        install(pools, namespaces: namespaces)
    }

    // MARK: queries

    public func pool(named name: String) -> AddressPool? { pools.first { $0.name == name } }

    /// The pool an address belongs to, if any.
    public func pool(containing ip: IPAddress) -> AddressPool? { pools.first { $0.contains(ip) } }

    public func assignment(of service: String) -> Assignment? { assignments[service] }

    /// The services holding `ip`, sorted.
    public func holders(of ip: IPAddress) -> [String] { users[ip]?.services ?? [] }

    /// Every held address, ascending.
    public var heldAddresses: [IPAddress] { users.keys.sorted() }

    /// Whether nothing is held: what releasing every service must come back to.
    public var isEmpty: Bool { assignments.isEmpty && users.isEmpty && shareable.isEmpty && isFreeSpaceComplete }

    /// Every allowed address of every pool is in the free index (only true when nothing is held).
    private var isFreeSpaceComplete: Bool {
        zip(pools, free).allSatisfy { pool, prefixes in
            zip(pool.cidrs, prefixes).allSatisfy {
                $1.intervals == FreeAddresses(prefix: $0, avoidBuggyIPs: pool.avoidBuggyIPs).intervals
            }
        }
    }

    // MARK: configuration

    /// Installs a new pool configuration, as MetalLB's `SetPools` does.
    ///
    /// v0.9.4 refuses the whole configuration when an assigned address would belong to no
    /// pool (services are checked in key order, so the error names the first such service;
    /// MetalLB ranges over a map there). current always accepts: such services simply lose
    /// their assignment here, and the controller's next pass reports `ClearAssignment` and
    /// allocates again. Either way, services whose address moved to another pool (a rename,
    /// a split) are re-homed without changing address.
    public mutating func setPools(
        _ newPools: [AddressPool],
        namespaces: [String: [String: String]] = [:]
    ) throws(PoolConfigError) {
        try validatePools(newPools)
        let keys = assignments.keys.sorted()
        if semantics == .v0_9_4 {
            for key in keys {
                let ips = assignments[key]!.ips
                if Allocator.poolIndex(for: ips, in: newPools) == nil {
                    throw .orphansAssignment(service: key, ip: ips[0])
                }
            }
        }
        install(newPools, namespaces: namespaces)
        for key in keys {
            guard let held = assignments[key] else { continue }
            guard let index = Allocator.poolIndex(for: held.ips, in: pools) else {
                unassign(key)
                continue
            }
            assignments[key]?.pool = pools[index].name
        }
    }

    /// Replaces the pools and rebuilds the free index around what is held.
    private mutating func install(_ newPools: [AddressPool], namespaces: [String: [String: String]]) {
        pools = newPools
        poolsByName = newPools.indices.sorted { newPools[$0].name < newPools[$1].name }
        resolvedAllocations = [:]
        for pool in newPools {
            if let allocation = pool.serviceAllocation {
                resolvedAllocations[pool.name] = allocation.resolved(namespaceLabels: namespaces)
            }
        }
        free = newPools.map { pool in
            pool.cidrs.map { FreeAddresses(prefix: $0, avoidBuggyIPs: pool.avoidBuggyIPs) }
        }
        // Size the tables for the pools up front (up to a bound), so that filling a large
        // pool never stops to rehash every entry held so far.
        var room = 0
        for pool in newPools {
            for family in IPFamily.allCases { room += Int(min(pool.capacity(of: family) ?? 1 << 17, 1 << 17)) }
        }
        room = min(room, 1 << 17)
        assignments.reserveCapacity(room)
        users.reserveCapacity(room)
        for ip in users.keys {
            if let (p, c) = locate(ip) { free[p][c].remove(ip.value) }
        }
    }

    // MARK: bookkeeping

    /// The pool that holds every one of `ips` (and allows them: not a .0/.255 of an
    /// avoidBuggyIPs pool). Pools never overlap, so there is at most one.
    static func poolIndex(for ips: [IPAddress], in pools: [AddressPool]) -> Int? {
        guard let first = ips.first else { return nil }
        guard let index = pools.firstIndex(where: { $0.allows(first) }) else { return nil }
        return ips.allSatisfy(pools[index].allows) ? index : nil
    }

    /// Which pool and which of its prefixes an address falls in.
    func locate(_ ip: IPAddress) -> (pool: Int, prefix: Int)? {
        for (p, pool) in pools.enumerated() {
            if let c = pool.cidrs.firstIndex(where: { $0.contains(ip) }) { return (p, c) }
        }
        return nil
    }

    /// MetalLB's `checkSharing`: may `claim` use `ip` alongside its current users?
    func checkSharing(_ claim: ServiceClaim, _ ip: IPAddress) throws(AllocationError) {
        guard let use = users[ip] else { return }
        let services = use.services
        if !use.key.allowsSharing(with: claim.sharing) {
            let others = services.filter { $0 != claim.key }
            if !others.isEmpty { throw .sharingKeyConflict(service: claim.key, holders: others) }
        }
        for port in claim.ports {
            for holder in services where holder != claim.key {
                if assignments[holder]?.ports.contains(port) == true { throw .portInUse(port, ip: ip) }
            }
        }
    }

    /// Records an assignment that has passed every check, replacing what the service held.
    mutating func record(_ service: String, _ assignment: Assignment) {
        if let previous = assignments.updateValue(assignment, forKey: service) {
            release(previous.ips, of: service)
        }
        for ip in assignment.ips {
            // An address of a pool is either free or used. One taken from the free space has
            // no users to look up: a single insertion (the common case, and the benchmark's).
            let wasFree = locate(ip).map { free[$0.pool][$0.prefix].remove(ip.value) } ?? false
            guard !wasFree, var use = users[ip] else {
                users[ip] = AddressUse(key: assignment.sharing, holder: service)
                listShareable(ip, key: assignment.sharing)
                continue
            }
            unlistShareable(ip, key: use.key)
            use.key = assignment.sharing
            listShareable(ip, key: use.key)
            use.add(service)
            users[ip] = use
        }
    }

    /// Frees whatever `service` holds; an address nobody uses any more goes back to its
    /// pool's free space.
    public mutating func unassign(_ service: String) {
        guard let held = assignments.removeValue(forKey: service) else { return }
        release(held.ips, of: service)
    }

    /// Takes `service` off each of `ips`.
    private mutating func release(_ ips: [IPAddress], of service: String) {
        for ip in ips {
            guard var use = users[ip] else { continue }
            if !use.remove(service) {
                users[ip] = nil
                unlistShareable(ip, key: use.key)
                if let (p, c) = locate(ip), pools[p].allows(ip) { free[p][c].insert(ip.value) }
            } else {
                users[ip] = use
            }
        }
    }

    private mutating func listShareable(_ ip: IPAddress, key: SharingKey) {
        guard !key.sharing.isEmpty else { return }
        var list = shareable[key] ?? []
        let position = list.firstIndex { $0 >= ip } ?? list.count
        if position == list.count || list[position] != ip { list.insert(ip, at: position) }
        shareable[key] = list
    }

    private mutating func unlistShareable(_ ip: IPAddress, key: SharingKey) {
        guard var list = shareable[key] else { return }
        list.removeAll { $0 == ip }
        shareable[key] = list.isEmpty ? nil : list
    }
}
