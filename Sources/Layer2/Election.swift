import Crypto

/// MetalLB's layer2 leader election, which is no election at all: every speaker sorts the
/// candidate nodes by `sha256(node + "#" + key)` and the node that comes first announces.
///
/// Nothing is coordinated. Two speakers that see different candidate lists (memberlist not yet
/// converged, a stale endpoint) can both decide they are first, or both decide they are not:
/// that is the behaviour lbsim exists to show, so this stays a pure function of what one
/// speaker sees.
public enum Election {
    /// v0.9.4 hashes the service's `namespace/name`; current hashes its first ingress IP in
    /// canonical text form. Both are just a string here.
    public static func order(candidates: [String], key: String) -> [String] {
        candidates
            .map { (node: $0, digest: digest(node: $0, key: key)) }
            .sorted { lhs, rhs in
                lhs.digest.lexicographicallyPrecedes(rhs.digest) || (lhs.digest == rhs.digest && lhs.node < rhs.node)
            }
            .map(\.node)
    }

    /// current with `preferredNodeSelectors`: higher scores first (a node without one scores
    /// 0), the hash order within each score (speaker/layer2_controller.go, `sortL2Candidates`).
    public static func order(candidates: [String], key: String, scores: [String: Int64]?) -> [String] {
        let hashed = order(candidates: candidates, key: key)
        guard let scores else { return hashed }
        return hashed.enumerated().sorted { lhs, rhs in
            let (left, right) = (scores[lhs.element] ?? 0, scores[rhs.element] ?? 0)
            return left != right ? left > right : lhs.offset < rhs.offset
        }.map(\.element)
    }

    /// The winner, or nil when there is no candidate.
    public static func winner(candidates: [String], key: String) -> String? {
        order(candidates: candidates, key: key).first
    }

    /// The 32 digest bytes MetalLB compares with `bytes.Compare`.
    public static func digest(node: String, key: String) -> [UInt8] {
        Array(SHA256.hash(data: Array((node + "#" + key).utf8)))
    }
}
