import Wire

/// Everything the allocator needs to know about a Service: who it is, what it is allowed to
/// share, and which families it wants. The controller builds one from the Service object.
public struct ServiceClaim: Sendable, Hashable {
    /// `namespace/name`, the key MetalLB uses.
    public var key: String
    public var namespace: String
    /// The Service's own labels (`serviceSelectors` match these).
    public var labels: [String: String]
    public var ports: [ServicePortKey]
    public var sharing: SharingKey
    public var family: ServiceIPFamily
    public var familyPolicy: IPFamilyPolicy
    /// The first of `spec.ipFamilies`: which family a PreferDualStack service falls back to.
    public var primaryFamily: ServiceIPFamily

    public init(
        key: String, namespace: String? = nil, labels: [String: String] = [:],
        ports: [ServicePortKey] = [ServicePortKey(protocol: "TCP", port: 80)],
        sharing: SharingKey = SharingKey(), family: ServiceIPFamily = .ipv4,
        familyPolicy: IPFamilyPolicy = .singleStack, primaryFamily: ServiceIPFamily? = nil
    ) {
        self.key = key
        self.namespace = namespace ?? String(key.split(separator: "/").first ?? "default")
        self.labels = labels
        self.ports = ports
        self.sharing = sharing
        self.family = family
        self.familyPolicy = familyPolicy
        self.primaryFamily = primaryFamily ?? (family == .ipv6 ? .ipv6 : .ipv4)
    }
}

/// What a service holds: its addresses (one, or one per family), the pool they came from,
/// and the ports and keys it holds them with.
public struct Assignment: Sendable, Hashable {
    public var ips: [IPAddress]
    public var pool: String
    public var ports: [ServicePortKey]
    public var sharing: SharingKey
}
