import Wire

@testable import IPAM

/// `10.0.0.1` or `2001:db8::1` as an address; traps on a typo in a test.
func ip(_ text: String) -> IPAddress {
    guard let address = IPAddress(text) else { fatalError("bad test address \(text)") }
    return address
}

/// `10.0.0.0/24` or `2001:db8::/64` as a prefix; traps on a typo in a test.
func cidr(_ text: String) -> IPPrefix {
    guard let prefix = IPPrefix(text) else { fatalError("bad test prefix \(text)") }
    return prefix
}

/// A pool from `addresses` entries as a manifest writes them.
func pool(
    _ name: String, _ entries: [String], avoidBuggyIPs: Bool = false, autoAssign: Bool = true,
    serviceAllocation: ServiceAllocation? = nil
) -> AddressPool {
    let prefixes = entries.flatMap { entry in
        (try? AddressPool.parseAddresses(entry)) ?? { fatalError("bad test entry \(entry)") }()
    }
    return AddressPool(
        name: name, cidrs: prefixes, avoidBuggyIPs: avoidBuggyIPs, autoAssign: autoAssign,
        serviceAllocation: serviceAllocation)
}

/// `parseAddresses` as a value, so tests can compare results and error texts.
func parse(_ entry: String) -> Result<[IPPrefix], PoolConfigError> {
    do { return .success(try AddressPool.parseAddresses(entry)) } catch { return .failure(error) }
}

/// `validatePools` as a value.
func validate(_ pools: [AddressPool]) -> Result<Void, PoolConfigError> {
    do {
        try validatePools(pools)
        return .success(())
    } catch { return .failure(error) }
}

/// The error a result holds, if any.
func failure<T>(_ result: Result<T, PoolConfigError>) -> PoolConfigError? {
    if case .failure(let error) = result { return error }
    return nil
}

/// A TCP/80 service in `default` with a sharing key, backend key and families.
func claim(
    _ name: String, sharing: String = "", backend: String = "", ports: [String] = ["TCP/80"],
    family: ServiceIPFamily = .ipv4, policy: IPFamilyPolicy = .singleStack,
    namespace: String = "default", labels: [String: String] = [:]
) -> ServiceClaim {
    let key = name.contains("/") ? name : "\(namespace)/\(name)"
    return ServiceClaim(
        key: key, namespace: String(key.split(separator: "/")[0]), labels: labels,
        ports: ports.map { text in
            let parts = text.split(separator: "/")
            return ServicePortKey(protocol: String(parts[0]), port: Int(parts[1])!)
        },
        sharing: SharingKey(sharing: sharing, backend: backend), family: family, familyPolicy: policy)
}

extension Allocator {
    /// What MetalLB's controller asks for a service: a requested address, else the pool
    /// annotation, else automatic allocation. As a value.
    mutating func tryAssign(_ service: String, ip requested: String? = nil, pool: String? = nil)
        -> Result<Assignment, AllocationError>
    {
        let request = claim(service)
        do {
            if let requested { return .success(try assign(request, [ip(requested)])) }
            if let pool { _ = try allocate(request, fromPool: pool) } else { _ = try allocate(request) }
            return .success(assignment(of: request.key)!)
        } catch {
            return .failure(error)
        }
    }

    /// The address `service` got, or nil when allocation failed.
    mutating func addressFor(_ service: String, ip requested: String? = nil, pool: String? = nil) -> String? {
        (try? tryAssign(service, ip: requested, pool: pool).get())?.ips.first?.description
    }

    /// The addresses a claim gets by automatic allocation, as text, or the error's text.
    mutating func outcome(_ claim: ServiceClaim) -> String {
        do { return try allocate(claim).map(\.description).joined(separator: ",") } catch { return "error: \(error)" }
    }

    mutating func release(service: String) { unassign(service) }
}

extension Assignment {
    /// A single-stack TCP/80 assignment without sharing key, what `tryAssign` makes.
    init(ip: IPAddress, pool: String) {
        self.init(ips: [ip], pool: pool, ports: [ServicePortKey(protocol: "TCP", port: 80)], sharing: SharingKey())
    }

    /// The single address of a single-stack assignment.
    var ip: IPAddress { ips[0] }
}

extension Result {
    var failureValue: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
