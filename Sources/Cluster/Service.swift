import IPAM
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

    public init(
        name: String? = nil, protocol: String = "TCP", port: Int, targetPort: String? = nil,
        nodePort: Int? = nil
    ) {
        self.name = name
        self.protocol = `protocol`
        self.port = port
        self.targetPort = targetPort ?? String(port)
        self.nodePort = nodePort
    }

    /// The port on `pod` this service port forwards to, as the endpoints controller resolves it
    /// (pkg/api/v1/pod/util.go `FindPort`): a number as it is; a name, the container port of
    /// that name and protocol; nil when the pod declares no such port, and then the pod is no
    /// endpoint for this service port.
    public func resolve(on pod: Pod) -> Int? {
        if let number = Int(targetPort) { return number }
        return pod.containerPorts.first { $0.name == targetPort && $0.protocol == `protocol` }?.containerPort
    }

    /// Whether the target port is a number (every pod resolves it).
    public var isNumeric: Bool { Int(targetPort) != nil }
}

/// A Kubernetes Service, with the status MetalLB's controller writes.
public struct Service: Sendable, Hashable {
    public var meta: ObjectMeta
    public var type: ServiceType
    public var clusterIP: String?
    public var ports: [ServicePort]
    public var selector: LabelSelector
    /// `spec.loadBalancerIP`: a requested address (deprecated by Kubernetes in favour of
    /// MetalLB's `loadBalancerIPs` annotation, still honoured by both versions).
    public var loadBalancerIP: IPAddress?
    public var externalTrafficPolicy: ExternalTrafficPolicy
    /// `spec.ipFamilies`: the families the Service's ClusterIPs have, primary first.
    public var ipFamilies: [IPFamily]
    /// `spec.ipFamilyPolicy`. A policy other than SingleStack gives the Service both
    /// families: lbsim's simulated cluster is dual-stack.
    public var ipFamilyPolicy: IPFamilyPolicy
    /// `status.loadBalancer.ingress[].ip`, written by the allocator: one address, or one per
    /// family for a dual-stack service.
    public var ingress: [IPAddress] = []
    /// `spec.loadBalancerClass`: which load-balancer implementation should handle it (nil:
    /// the cluster's default one).
    public var loadBalancerClass: String?

    public init(
        meta: ObjectMeta, type: ServiceType, clusterIP: String? = nil, ports: [ServicePort],
        selector: LabelSelector, loadBalancerIP: IPAddress? = nil,
        externalTrafficPolicy: ExternalTrafficPolicy = .cluster,
        ipFamilies: [IPFamily] = [.ipv4], ipFamilyPolicy: IPFamilyPolicy = .singleStack
    ) {
        self.meta = meta
        self.type = type
        self.clusterIP = clusterIP
        self.ports = ports
        self.selector = selector
        self.loadBalancerIP = loadBalancerIP
        self.externalTrafficPolicy = externalTrafficPolicy
        self.ipFamilies = ipFamilies.isEmpty ? [.ipv4] : ipFamilies
        self.ipFamilyPolicy = ipFamilyPolicy
    }

    public var key: String { meta.key }

    /// Whether MetalLB `version` handles this Service at all. current MetalLB's controller and
    /// speaker filter out a Service whose `loadBalancerClass` differs from their own `--lb-class`
    /// (unset here, so any class set: internal/k8s/controllers/service_controller.go,
    /// `filterByLoadBalancerClass`); v0.9.4 predates the field and handles every Service.
    public func isHandled(by version: MetalLBVersion) -> Bool {
        version == .v0_9_4 || loadBalancerClass == nil
    }

    /// The IPv4 addresses of `ingress`: what the layer2 speaker announces over ARP today
    /// (IPv6 announcing over NDP comes later).
    public var ipv4Ingress: [IPv4Address] {
        ingress.compactMap { if case .v4(let address) = $0 { address } else { nil } }
    }

    /// The families MetalLB derives from the ClusterIPs: one, or dual-stack.
    public var ipFamily: ServiceIPFamily {
        ipFamilyPolicy == .singleStack ? ServiceIPFamily(ipFamilies[0]) : .dualStack
    }
}

extension Service {
    /// Whether `pod` is an endpoint of the service: it resolves at least one of its ports (a
    /// service with only named target ports has no endpoint on a pod that declares none of
    /// them, the classic mismatch that leaves a LoadBalancer without endpoints).
    public func resolvesAnyPort(on pod: Pod) -> Bool {
        ports.isEmpty || ports.contains { $0.isNumeric || $0.resolve(on: pod) != nil }
    }
}
