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
    /// `spec.serviceSelectors`: the services (by their labels) this advertisement applies to;
    /// empty: every service of the selected pools.
    public var serviceSelectors: [ResourceSelector]
    /// `spec.preferredNodeSelectors`: weights that rank the nodes matching them first in the
    /// election (speaker/layer2_controller.go, `sortL2Candidates`).
    public var preferredNodeSelectors: [PreferredNodeSelector]

    public init(
        name: String, ipAddressPools: [String] = [], ipAddressPoolSelectors: [ResourceSelector] = [],
        nodeSelectors: [ResourceSelector] = [], interfaces: [String] = [],
        serviceSelectors: [ResourceSelector] = [], preferredNodeSelectors: [PreferredNodeSelector] = []
    ) {
        self.name = name
        self.ipAddressPools = ipAddressPools
        self.ipAddressPoolSelectors = ipAddressPoolSelectors
        self.nodeSelectors = nodeSelectors
        self.interfaces = interfaces
        self.serviceSelectors = serviceSelectors
        self.preferredNodeSelectors = preferredNodeSelectors
    }

    /// Whether this advertisement applies to a service with these labels
    /// (speaker/layer2_controller.go, `l2AdsForService`).
    public func applies(toServiceLabels labels: [String: String]) -> Bool {
        serviceSelectors.isEmpty || serviceSelectors.contains { $0.matches(labels) }
    }

    /// Whether this advertisement's `nodeSelectors` select the node (none: every node).
    public func selects(node labels: [String: String]) -> Bool {
        nodeSelectors.isEmpty || nodeSelectors.contains { $0.matches(labels) }
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
/// One `preferredNodeSelectors` entry of an L2Advertisement: nodes the advertisement selects
/// and `preference` matches get `weight` (1 to 100) added to their election score.
public struct PreferredNodeSelector: Sendable, Hashable {
    public var weight: Int64
    public var preference: ResourceSelector

    public init(weight: Int64, preference: ResourceSelector) {
        self.weight = weight
        self.preference = preference
    }
}

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
