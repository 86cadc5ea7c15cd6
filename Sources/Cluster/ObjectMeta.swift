/// The part of every Kubernetes object lbsim reads: identity, labels and annotations.
public struct ObjectMeta: Sendable, Hashable {
    public var name: String
    public var namespace: String
    public var labels: [String: String]
    public var annotations: [String: String]

    public init(
        name: String, namespace: String = "default",
        labels: [String: String] = [:], annotations: [String: String] = [:]
    ) {
        self.name = name
        self.namespace = namespace
        self.labels = labels
        self.annotations = annotations
    }

    /// `namespace/name`: the key MetalLB and client-go use for namespaced objects.
    public var key: String { "\(namespace)/\(name)" }
}

/// A label selector of the `matchLabels` kind (what a Service's `spec.selector` is).
public struct LabelSelector: Sendable, Hashable {
    public var matchLabels: [String: String]

    public init(_ matchLabels: [String: String]) { self.matchLabels = matchLabels }

    /// An empty selector selects nothing for Services (Kubernetes manages no endpoints then).
    public func matches(_ labels: [String: String]) -> Bool {
        !matchLabels.isEmpty && matchLabels.allSatisfy { labels[$0.key] == $0.value }
    }

    /// `app=x,tier=y` with keys sorted: the canonical text Kubernetes prints and MetalLB
    /// compares as a backend key.
    public var canonical: String {
        matchLabels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }
}
