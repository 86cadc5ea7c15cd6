import Wire

/// What a service asks of the allocator: who it is and any explicit wishes.
public struct AllocationRequest: Sendable, Hashable {
    /// `namespace/name`, the key MetalLB uses.
    public var service: String
    /// `spec.loadBalancerIP`, when set.
    public var requestedIP: IPv4Address?
    /// The pool annotation (`metallb.universe.tf/address-pool`), when set.
    public var pool: String?

    public init(service: String, requestedIP: IPv4Address? = nil, pool: String? = nil) {
        self.service = service
        self.requestedIP = requestedIP
        self.pool = pool
    }
}

/// An address held by a service, and the pool it came from.
public struct Assignment: Sendable, Hashable {
    public var ip: IPv4Address
    public var pool: String
}

/// Why a service got no address, worded as MetalLB's controller words it.
public enum AllocationError: Error, Equatable, Sendable, CustomStringConvertible {
    case noAvailableIPs
    case unknownPool(String)
    case noAvailableIPsInPool(String)
    case notAllowedInConfig(IPv4Address)
    /// The address is held by services that will not share it with `requester`.
    case alreadyInUse(IPv4Address, requester: String, holders: [String])

    public var description: String {
        switch self {
        case .noAvailableIPs: return "no available IPs"
        case let .unknownPool(pool): return "unknown pool \"\(pool)\""
        case let .noAvailableIPsInPool(pool): return "no available IPs in pool \"\(pool)\""
        case let .notAllowedInConfig(ip): return "\"\(ip)\" is not allowed in config"
        case let .alreadyInUse(_, requester, holders):
            return "can't change sharing key for \"\(requester)\", address also in use by \(holders.joined(separator: ","))"
        }
    }
}

/// MetalLB's address allocator: pools in declaration order, first free address wins.
///
/// Automatic allocation tries pools in name order. MetalLB ranges over a Go map here, whose
/// order is random; lbsim needs one fixed rule to stay deterministic and takes the names
/// sorted, which is also what a user reading the config would guess.
public struct Allocator: Sendable {
    public private(set) var pools: [AddressPool]
    /// Held addresses by service key.
    public private(set) var assignments: [String: Assignment] = [:]
    /// Which service holds each address (one holder: sharing comes with the full allocator).
    private var holders: [IPv4Address: String] = [:]

    public init(pools: [AddressPool]) throws(PoolConfigError) {
        try validatePools(pools)
        self.pools = pools
    }

    public func pool(named name: String) -> AddressPool? { pools.first { $0.name == name } }

    /// The pool an address belongs to, if any.
    public func pool(containing ip: IPv4Address) -> AddressPool? { pools.first { $0.contains(ip) } }

    public func assignment(of service: String) -> Assignment? { assignments[service] }

    /// Gives `request.service` an address, or says why not. A service that already holds an
    /// address compatible with the request keeps it.
    public mutating func assign(_ request: AllocationRequest) throws(AllocationError) -> Assignment {
        if let current = assignments[request.service] {
            let fitsRequest = request.requestedIP == nil || request.requestedIP == current.ip
            let fitsPool = request.pool == nil || request.pool == current.pool
            if fitsRequest && fitsPool { return current }
            release(service: request.service)
        }
        let assignment: Assignment
        if let ip = request.requestedIP {
            guard let pool = pool(containing: ip), pool.allows(ip) else { throw .notAllowedInConfig(ip) }
            if let pinned = request.pool, pinned != pool.name { throw .notAllowedInConfig(ip) }
            if let holder = holders[ip], holder != request.service {
                throw .alreadyInUse(ip, requester: request.service, holders: [holder])
            }
            assignment = Assignment(ip: ip, pool: pool.name)
        } else if let poolName = request.pool {
            guard let pool = pool(named: poolName) else { throw .unknownPool(poolName) }
            guard let ip = firstFree(in: pool) else { throw .noAvailableIPsInPool(poolName) }
            assignment = Assignment(ip: ip, pool: pool.name)
        } else {
            var found: Assignment?
            for pool in pools.filter(\.autoAssign).sorted(by: { $0.name < $1.name }) {
                if let ip = firstFree(in: pool) {
                    found = Assignment(ip: ip, pool: pool.name)
                    break
                }
            }
            guard let found else { throw .noAvailableIPs }
            assignment = found
        }
        assignments[request.service] = assignment
        holders[assignment.ip] = request.service
        return assignment
    }

    /// Frees whatever `service` holds.
    public mutating func release(service: String) {
        guard let held = assignments.removeValue(forKey: service) else { return }
        holders[held.ip] = nil
    }

    /// The lowest free address of the pool, walking its prefixes in declaration order.
    func firstFree(in pool: AddressPool) -> IPv4Address? {
        for cidr in pool.cidrs {
            var value = UInt64(cidr.first.rawValue)
            let last = UInt64(cidr.last.rawValue)
            while value <= last {
                let ip = IPv4Address(rawValue: UInt32(value))
                if holders[ip] == nil, pool.allows(ip) { return ip }
                value += 1
            }
        }
        return nil
    }
}
