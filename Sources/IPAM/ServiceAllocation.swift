/// current MetalLB's `IPAddressPool.spec.serviceAllocation`: pins a pool to some namespaces or
/// services, and orders pinned pools by priority.
public struct ServiceAllocation: Sendable, Hashable {
    /// Lower is preferred; 0 (unset) comes after every set priority.
    public var priority: Int
    public var namespaces: [String]
    public var namespaceSelectors: [ResourceSelector]
    public var serviceSelectors: [ResourceSelector]

    public init(
        priority: Int = 0, namespaces: [String] = [], namespaceSelectors: [ResourceSelector] = [],
        serviceSelectors: [ResourceSelector] = []
    ) {
        self.priority = priority
        self.namespaces = namespaces
        self.namespaceSelectors = namespaceSelectors
        self.serviceSelectors = serviceSelectors
    }

    /// The block as MetalLB's config loader turns it into a rule, against the namespaces that
    /// exist when the configuration is loaded. MetalLB resolves `namespaceSelectors` to names
    /// there, so a selector that matches no namespace adds no restriction at all; and a block
    /// with neither namespaces nor selectors matches every service.
    func resolved(namespaceLabels: [String: [String: String]]) -> ResolvedServiceAllocation {
        var names = Set(namespaces)
        for selector in namespaceSelectors {
            for (name, labels) in namespaceLabels where selector.matches(labels) { names.insert(name) }
        }
        var selectors = serviceSelectors
        if namespaces.isEmpty && namespaceSelectors.isEmpty && serviceSelectors.isEmpty {
            selectors = [.everything]
        }
        return ResolvedServiceAllocation(priority: priority, namespaces: names, serviceSelectors: selectors)
    }
}

/// A `ServiceAllocation` with its namespace selectors turned into names.
struct ResolvedServiceAllocation: Sendable, Hashable {
    var priority: Int
    var namespaces: Set<String>
    var serviceSelectors: [ResourceSelector]

    /// MetalLB's pool-compatibility rule: the namespace must be listed when the list is
    /// non-empty, and some selector must match the service's labels when selectors exist.
    func admits(namespace: String, labels: [String: String]) -> Bool {
        if !namespaces.isEmpty && !namespaces.contains(namespace) { return false }
        if !serviceSelectors.isEmpty { return serviceSelectors.contains { $0.matches(labels) } }
        return true
    }
}
