import Wire

/// Why a service got no address, worded as MetalLB's controller words it (these texts end up
/// in `AllocationFailed` and `ClearAssignment` events).
public enum AllocationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Every candidate pool was full or unsuitable.
    case noAvailableIPs
    case unknownPool(String)
    /// The annotated pool is full. v0.9.4 quotes the name, current does not.
    case noAvailableIPsInPool(String, quoted: Bool)
    /// A pool had addresses, but not of the families the service needs (current).
    case noAvailableIPsInPoolForFamily(String, ServiceIPFamily)
    case noSuitablePool(ServiceIPFamily)
    /// The addresses lie in no pool (or are .0/.255 of an avoidBuggyIPs pool). `ips` is already
    /// printed as MetalLB prints it: `"1.2.3.4"` in v0.9.4, `["1.2.3.4"]` in current.
    case notAllowedInConfig(ips: String)
    /// The pool's serviceAllocation excludes the service (current).
    case poolNotCompatible(String)
    case moreThanTwoAddresses([IPAddress])
    case sameFamily(IPAddress, IPAddress)
    /// The address is held by services whose sharing key or backend key differ.
    case sharingKeyConflict(service: String, holders: [String])
    case portInUse(ServicePortKey, ip: IPAddress)
    /// A PreferDualStack/SingleStack family check on an existing assignment (AllocateFromPool).
    case wrongFamily(String)
    /// The address list of a request or an assignment has no single family.
    case familyOfAddresses(String)
    /// Request checks of the controller, kept whole.
    case request(String)

    public var description: String {
        switch self {
        case .noAvailableIPs: return "no available IPs"
        case .unknownPool(let pool): return "unknown pool \"\(pool)\""
        case .noAvailableIPsInPool(let pool, let quoted):
            return "no available IPs in pool \(quoted ? "\"\(pool)\"" : pool)"
        case .noAvailableIPsInPoolForFamily(let pool, let family):
            return "no available IPs in pool \(pool) for \(family.rawValue) IPFamily"
        case .noSuitablePool(let family): return "no suitable pool for \(family.rawValue) IPFamily"
        case .notAllowedInConfig(let ips): return "\(ips) is not allowed in config"
        case .poolNotCompatible(let pool): return "pool \(pool) not compatible for ip assignment"
        case .moreThanTwoAddresses(let ips): return "more than two addresses \(goQuoted(ips))"
        case .sameFamily(let a, let b): return "\"\(a)\" \"\(b)\" has the same family"
        case .sharingKeyConflict(let service, let holders):
            return
                "can't change sharing key for \"\(service)\", address also in use by \(holders.joined(separator: ","))"
        case .portInUse(let port, let ip): return "port \(port) is already in use on \"\(ip)\""
        case .wrongFamily(let text), .familyOfAddresses(let text), .request(let text): return text
        }
    }
}
