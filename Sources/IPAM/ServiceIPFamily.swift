import Wire

/// The address families a Service wants: what MetalLB derives from its ClusterIPs. The raw
/// values are MetalLB's spelling, which its messages print (`no suitable pool for dual IPFamily`).
public enum ServiceIPFamily: String, Sendable, Hashable {
    case ipv4
    case ipv6
    case dualStack = "dual"

    public init(_ family: IPFamily) { self = family == .ipv4 ? .ipv4 : .ipv6 }

    /// The family of a list of requested or assigned addresses, as MetalLB's `ipfamily`
    /// package decides it: one address is its family, two of different families are
    /// dual-stack, anything else is an error (with MetalLB's message).
    public static func of(_ ips: [IPAddress]) -> Result<ServiceIPFamily, AllocationError> {
        switch ips.count {
        case 1: return .success(ServiceIPFamily(ips[0].family))
        case 2 where ips[0].family != ips[1].family: return .success(.dualStack)
        case 2: return .failure(.familyOfAddresses("IPFamilyForAddresses: same address family \(goQuoted(ips))"))
        default:
            return .failure(
                .familyOfAddresses("IPFamilyForAddresses: invalid ips length \(ips.count) \(goQuoted(ips))"))
        }
    }
}

/// `spec.ipFamilyPolicy`.
public enum IPFamilyPolicy: String, Sendable, Hashable, CaseIterable {
    case singleStack = "SingleStack"
    case preferDualStack = "PreferDualStack"
    case requireDualStack = "RequireDualStack"
}

/// How Go's `%q` prints a `[]net.IP` (`["10.0.0.1" "2001:db8::1"]`): MetalLB's event messages
/// are made that way, and users grep for them. A missing address prints as `<nil>`.
public func goQuoted(_ ips: [IPAddress?]) -> String {
    "[" + ips.map { "\"\($0.map(\.description) ?? "<nil>")\"" }.joined(separator: " ") + "]"
}
