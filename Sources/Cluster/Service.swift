import Wire

/// `spec.type` of a Service: only LoadBalancer services get an address from MetalLB.
public enum ServiceType: String, Sendable, Hashable {
    case clusterIP = "ClusterIP"
    case nodePort = "NodePort"
    case loadBalancer = "LoadBalancer"
    case externalName = "ExternalName"
}

/// `spec.externalTrafficPolicy`.
public enum ExternalTrafficPolicy: String, Sendable, Hashable {
    case cluster = "Cluster"
    case local = "Local"
}

/// One `spec.ports[]` entry.
public struct ServicePort: Sendable, Hashable {
    public var name: String?
    public var `protocol`: String
    public var port: Int
    /// `targetPort`: a number or a named container port, kept as written.
    public var targetPort: String
    public var nodePort: Int?

    public init(name: String? = nil, protocol: String = "TCP", port: Int, targetPort: String? = nil,
                nodePort: Int? = nil) {
        self.name = name
        self.protocol = `protocol`
        self.port = port
        self.targetPort = targetPort ?? String(port)
        self.nodePort = nodePort
    }
}

/// A Kubernetes Service, with the status MetalLB's controller writes.
public struct Service: Sendable, Hashable {
    public var meta: ObjectMeta
    public var type: ServiceType
    public var clusterIP: String?
    public var ports: [ServicePort]
    public var selector: LabelSelector
    /// `spec.loadBalancerIP`: a requested address.
    public var loadBalancerIP: IPv4Address?
    public var externalTrafficPolicy: ExternalTrafficPolicy
    /// `status.loadBalancer.ingress[].ip`, written by the allocator.
    public var ingress: [IPv4Address] = []

    public init(meta: ObjectMeta, type: ServiceType, clusterIP: String? = nil, ports: [ServicePort],
                selector: LabelSelector, loadBalancerIP: IPv4Address? = nil,
                externalTrafficPolicy: ExternalTrafficPolicy = .cluster) {
        self.meta = meta
        self.type = type
        self.clusterIP = clusterIP
        self.ports = ports
        self.selector = selector
        self.loadBalancerIP = loadBalancerIP
        self.externalTrafficPolicy = externalTrafficPolicy
    }

    public var key: String { meta.key }

    /// The pool annotation: `metallb.universe.tf/address-pool` (v0.9.4), `metallb.io/address-pool` (current).
    public var requestedPool: String? {
        meta.annotations["metallb.io/address-pool"] ?? meta.annotations["metallb.universe.tf/address-pool"]
    }
}
