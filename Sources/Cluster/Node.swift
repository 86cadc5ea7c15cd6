import Wire

/// A Kubernetes Node, as lbsim tracks it: a name, its labels, whether the node lifecycle
/// controller considers it Ready, its other conditions and its NoExecute taints.
public struct Node: Sendable, Hashable {
    public var meta: ObjectMeta
    /// The InternalIP address (what `kubectl get node -o wide` shows).
    public var internalIP: IPv4Address
    public var ready: Bool
    /// Conditions other than Ready, by type: `NetworkUnavailable` -> `True`, ...
    public var conditions: [String: String] = [:]
    /// Taint keys with effect NoExecute (`node.kubernetes.io/unreachable`...).
    public var noExecuteTaints: [String] = []
    /// `control-plane`, `worker`... from the scenario's `roles`.
    public var roles: [String]

    public init(
        name: String, internalIP: IPv4Address, ready: Bool = true, roles: [String] = [],
        labels: [String: String] = [:]
    ) {
        self.meta = ObjectMeta(name: name, namespace: "", labels: labels)
        self.internalIP = internalIP
        self.ready = ready
        self.roles = roles
    }

    public var name: String { meta.name }

    /// current MetalLB skips nodes whose NetworkUnavailable condition is True.
    public var isNetworkUnavailable: Bool { conditions["NetworkUnavailable"] == "True" }

    /// The label that keeps a node out of external load balancers (current MetalLB honours it).
    public static let excludeFromLoadBalancersLabel = "node.kubernetes.io/exclude-from-external-load-balancers"

    public var isExcludedFromLoadBalancers: Bool { meta.labels[Self.excludeFromLoadBalancersLabel] != nil }
}
