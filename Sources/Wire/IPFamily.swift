/// Which version of IP an address or prefix belongs to. The raw values are the spelling of
/// a Kubernetes Service's `spec.ipFamilies` (`IPv4`, `IPv6`), so manifests map straight in.
public enum IPFamily: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case ipv4 = "IPv4"
    case ipv6 = "IPv6"

    public var description: String { rawValue }
}
