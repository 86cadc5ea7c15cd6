/// Which MetalLB's rules to follow: election key, config format, gratuitous schedule, messages.
public enum MetalLBVersion: String, Sendable, Hashable, CaseIterable {
    // swift-format-ignore: AlwaysUseLowerCamelCase
    // (MetalLB's version name: the underscores stand for its dots.)
    case v0_9_4 = "v0.9.4"
    case current
}
