/// The NUD states of a Linux neighbour entry, as `ip neigh` prints them.
public enum NeighbourState: String, Sendable, Hashable {
    case incomplete = "INCOMPLETE"
    case reachable = "REACHABLE"
    case stale = "STALE"
    case delay = "DELAY"
    case probe = "PROBE"
    case failed = "FAILED"

    /// NUD_VALID: the entry has a usable link-layer address.
    public var isValid: Bool {
        switch self {
        case .reachable, .stale, .delay, .probe: return true
        case .incomplete, .failed: return false
        }
    }
}
