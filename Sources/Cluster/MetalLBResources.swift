import IPAM
import OrderedCollections

/// current MetalLB's `L2Advertisement` (metallb.io/v1beta1): which pools are announced in
/// layer2, from which nodes and interfaces.
public struct L2Advertisement: Sendable, Hashable {
    public var name: String
    public var ipAddressPools: [String]
    public var ipAddressPoolSelectors: [ResourceSelector]
    public var nodeSelectors: [ResourceSelector]
    public var interfaces: [String]

    public init(
        name: String, ipAddressPools: [String] = [], ipAddressPoolSelectors: [ResourceSelector] = [],
        nodeSelectors: [ResourceSelector] = [], interfaces: [String] = []
    ) {
        self.name = name
        self.ipAddressPools = ipAddressPools
        self.ipAddressPoolSelectors = ipAddressPoolSelectors
        self.nodeSelectors = nodeSelectors
        self.interfaces = interfaces
    }

    /// Whether this advertisement selects a pool: by name, or by a selector over the pool's
    /// labels; an advertisement that names no pools and has no selectors selects them all.
    public func selects(_ pool: String, labels: [String: String]) -> Bool {
        if ipAddressPools.isEmpty && ipAddressPoolSelectors.isEmpty { return true }
        return ipAddressPools.contains(pool) || ipAddressPoolSelectors.contains { $0.matches(labels) }
    }
}

/// MetalLB's configuration objects as the API server holds them: the v0.9.4 ConfigMap, or
/// current's IPAddressPools and L2Advertisements, each applied and deleted on its own.
public struct MetalLBResources: Sendable {
    /// ConfigMap `metallb-system/config` (v0.9.4): its pools, or nil when there is none.
    public var configMapPools: [AddressPool]?
    /// IPAddressPools by name, with their labels (L2Advertisements select on them).
    public var ipAddressPools: OrderedDictionary<String, (pool: AddressPool, labels: [String: String])> = [:]
    public var l2Advertisements: OrderedDictionary<String, L2Advertisement> = [:]

    public init() {}

    /// The pools the controller works with. IPAddressPools are taken in name order, as the
    /// API server lists them to MetalLB.
    public var pools: [AddressPool] {
        if let configMapPools { return configMapPools }
        return ipAddressPools.values.map(\.pool).sorted { $0.name < $1.name }
    }

    /// current: the names of the pools some L2Advertisement selects (nil: v0.9.4, where every
    /// layer2 pool is announced).
    public var advertisedPools: Set<String>? {
        guard configMapPools == nil else { return nil }
        var result = Set<String>()
        for (name, entry) in ipAddressPools
        where l2Advertisements.values.contains(where: { $0.selects(name, labels: entry.labels) }) {
            result.insert(name)
        }
        return result
    }
}
