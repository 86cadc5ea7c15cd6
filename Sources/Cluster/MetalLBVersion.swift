/// Which MetalLB's rules to follow: election key, config format, gratuitous schedule, messages.
public enum MetalLBVersion: String, Sendable, Hashable, CaseIterable {
    case v0_9_4 = "v0.9.4"
    case current
}
