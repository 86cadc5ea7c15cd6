import Membership

/// `metallb.memberlist`: which memberlist timing profile the speakers run, or none at all.
///
/// An enum rather than the written string, so the choice is checked once when the scenario is
/// loaded and every later use is a closed set of cases instead of string comparisons.
public enum MemberlistMode: String, Sendable, Hashable, CaseIterable {
    /// memberlist's DefaultLANConfig, MetalLB's default.
    case lan
    /// memberlist's DefaultWANConfig: slower probes and longer suspicion timeouts.
    case wan
    /// No memberlist: nobody ever notices a dead speaker, as MetalLB warns.
    case disabled

    /// The profile the simulated speakers run, or nil when memberlist is disabled.
    var membership: MembershipConfig? {
        switch self {
        case .lan: return .lan
        case .wan: return .wan
        case .disabled: return nil
        }
    }
}
