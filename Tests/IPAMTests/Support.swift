@testable import IPAM
import Wire

/// `10.0.0.1` as an address; traps on a typo in a test.
func ip(_ text: String) -> IPv4Address {
    guard let address = IPv4Address(text) else { fatalError("bad test address \(text)") }
    return address
}

/// `10.0.0.0/24` as a prefix; traps on a typo in a test.
func cidr(_ text: String) -> IPv4CIDR {
    guard let prefix = IPv4CIDR(text) else { fatalError("bad test prefix \(text)") }
    return prefix
}

/// `parseAddresses` as a value, so tests can compare results and error texts.
func parse(_ entry: String) -> Result<[IPv4CIDR], PoolConfigError> {
    do { return .success(try AddressPool.parseAddresses(entry)) } catch { return .failure(error) }
}

/// `validatePools` as a value.
func validate(_ pools: [AddressPool]) -> Result<Void, PoolConfigError> {
    do { try validatePools(pools); return .success(()) } catch { return .failure(error) }
}

/// The error a result holds, if any.
func failure<T>(_ result: Result<T, PoolConfigError>) -> PoolConfigError? {
    if case let .failure(error) = result { return error }
    return nil
}

extension Allocator {
    /// `assign` as a value.
    mutating func tryAssign(_ service: String, ip requested: String? = nil, pool: String? = nil)
        -> Result<Assignment, AllocationError>
    {
        let request = AllocationRequest(service: service, requestedIP: requested.map(ip), pool: pool)
        do { return .success(try assign(request)) } catch { return .failure(error) }
    }

    /// The address `service` got, or nil when allocation failed.
    mutating func addressFor(_ service: String, ip requested: String? = nil, pool: String? = nil) -> String? {
        (try? tryAssign(service, ip: requested, pool: pool).get())?.ip.description
    }
}

extension Result {
    var failureValue: Failure? {
        if case let .failure(error) = self { return error }
        return nil
    }
}
