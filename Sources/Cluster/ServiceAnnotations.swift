import IPAM

/// The MetalLB annotations a Service carries, read the way each MetalLB version reads them.
///
/// current reads `metallb.io/...` and falls back to the older `metallb.universe.tf/...`
/// (an annotation that is present but empty still wins, as a Go map lookup with `ok` does);
/// v0.9.4 knows only the older prefix, and has no `loadBalancerIPs` annotation at all.
public struct ServiceAnnotations: Sendable {
    public let version: MetalLBVersion
    public let annotations: [String: String]

    public init(_ service: Service, version: MetalLBVersion) {
        self.version = version
        self.annotations = service.meta.annotations
    }

    private func value(_ name: String) -> String? {
        switch version {
        case .v0_9_4: return annotations["metallb.universe.tf/\(name)"]
        case .current: return annotations["metallb.io/\(name)"] ?? annotations["metallb.universe.tf/\(name)"]
        }
    }

    /// `address-pool`; nil when absent or empty.
    public var pool: String? { value("address-pool").flatMap { $0.isEmpty ? nil : $0 } }

    /// `allow-shared-ip`; empty when absent.
    public var sharingKey: String { value("allow-shared-ip") ?? "" }

    /// `loadBalancerIPs` (current only); empty when absent.
    public var loadBalancerIPs: String { version == .current ? value("loadBalancerIPs") ?? "" : "" }
}

extension Service {
    /// The allocator's view of this Service under `version`'s rules.
    public func claim(version: MetalLBVersion) -> ServiceClaim {
        let annotations = ServiceAnnotations(self, version: version)
        let backend = externalTrafficPolicy == .local ? selector.canonical : ""
        let family: ServiceIPFamily = version == .v0_9_4 ? ServiceIPFamily(ipFamilies[0]) : ipFamily
        return ServiceClaim(
            key: key, namespace: meta.namespace, labels: meta.labels,
            ports: ports.map { ServicePortKey(protocol: $0.protocol, port: $0.port) },
            sharing: SharingKey(sharing: annotations.sharingKey, backend: backend),
            family: family, familyPolicy: ipFamilyPolicy,
            primaryFamily: ServiceIPFamily(ipFamilies[0]))
    }
}
