import Wire

/// A Kubernetes Node, as lbsim tracks it: a name, its labels, whether the node lifecycle
/// controller considers it Ready, its other conditions, its taints and whether it is cordoned.
public struct Node: Sendable, Hashable {
    public var meta: ObjectMeta
    /// The InternalIP address (what `kubectl get node -o wide` shows).
    public var internalIP: IPv4Address
    public var ready: Bool
    /// Conditions other than Ready, by type: `NetworkUnavailable` -> `True`, ...
    public var conditions: [String: String] = [:]
    /// `spec.taints`: the scenario's or kubeadm's, and the node lifecycle controller's while
    /// the node is unreachable.
    public var taints: [Taint] = []
    /// `spec.unschedulable` (`kubectl cordon`).
    public var unschedulable = false
    /// `control-plane`, `worker`... from the scenario's `roles`.
    public var roles: [String]

    /// `taints` nil: the taints kubeadm gives a node of these roles (NoSchedule on
    /// control-plane nodes).
    public init(
        name: String, internalIP: IPv4Address, ready: Bool = true, roles: [String] = [],
        labels: [String: String] = [:], taints: [Taint]? = nil, unschedulable: Bool = false
    ) {
        self.meta = ObjectMeta(name: name, namespace: "", labels: labels)
        self.internalIP = internalIP
        self.ready = ready
        self.roles = roles
        self.taints = taints ?? roles.compactMap(Taint.kubeadmControlPlane(role:))
        self.unschedulable = unschedulable
    }

    public var name: String { meta.name }

    /// The keys of the NoExecute taints (`node.kubernetes.io/unreachable`...).
    public var noExecuteTaints: [String] { taints.filter { $0.effect == .noExecute }.map(\.key) }

    /// current MetalLB skips nodes whose NetworkUnavailable condition is True.
    public var isNetworkUnavailable: Bool { conditions["NetworkUnavailable"] == "True" }

    /// The label that keeps a node out of external load balancers (current MetalLB honours it).
    public static let excludeFromLoadBalancersLabel = "node.kubernetes.io/exclude-from-external-load-balancers"

    public var isExcludedFromLoadBalancers: Bool { meta.labels[Self.excludeFromLoadBalancersLabel] != nil }
}
