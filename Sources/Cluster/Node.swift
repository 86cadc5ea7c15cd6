import Wire

/// A Kubernetes Node, as lbsim tracks it: a name, its labels, and whether the node lifecycle
/// controller considers it Ready.
public struct Node: Sendable, Hashable {
    public var meta: ObjectMeta
    /// The InternalIP address (what `kubectl get node -o wide` shows).
    public var internalIP: IPv4Address
    public var ready: Bool
    /// `control-plane`, `worker`... from the scenario's `roles`.
    public var roles: [String]

    public init(name: String, internalIP: IPv4Address, ready: Bool = true, roles: [String] = [],
                labels: [String: String] = [:]) {
        self.meta = ObjectMeta(name: name, namespace: "", labels: labels)
        self.internalIP = internalIP
        self.ready = ready
        self.roles = roles
    }

    public var name: String { meta.name }
}
