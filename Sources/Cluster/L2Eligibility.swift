/// Which nodes current MetalLB lets announce a pool's addresses in layer2, before memberlist
/// and the traffic policy narrow them (`speakersForAds` and `adsMatchNodeL2` in
/// speaker/layer2_controller.go).
public enum L2Eligibility {
    /// The nodes some advertisement selects: one with no `nodeSelectors` selects every node.
    /// `advertisements` are those that select the pool; none at all (v0.9.4, which has no
    /// advertisements) means every node.
    public static func advertisingNodes(_ nodes: [Node], advertisements: [L2Advertisement]) -> [String] {
        guard !advertisements.isEmpty else { return nodes.map(\.name) }
        return nodes.filter { node in
            advertisements.contains { advertisement in
                advertisement.selects(node: node.meta.labels)
            }
        }.map(\.name)
    }

    /// The advertising nodes minus those with NetworkUnavailable=True and, unless the speaker
    /// runs with `--ignore-exclude-lb`, those labelled
    /// `node.kubernetes.io/exclude-from-external-load-balancers`.
    public static func eligibleNodes(
        _ nodes: [Node], advertisements: [L2Advertisement],
        ignoreExcludeLB: Bool = false
    ) -> [String] {
        let advertising = Set(advertisingNodes(nodes, advertisements: advertisements))
        return nodes.filter { node in
            advertising.contains(node.name) && !node.isNetworkUnavailable
                && (ignoreExcludeLB || !node.isExcludedFromLoadBalancers)
        }.map(\.name)
    }

    /// Per node, the interfaces it may announce on (`ipAdvertisementFor`): the union of the
    /// `interfaces` of the advertisements that select the node; a node selected by one that
    /// names none may use every interface and is left out of the result.
    public static func announceInterfaces(_ nodes: [Node], advertisements: [L2Advertisement]) -> [String: Set<String>] {
        var result: [String: Set<String>] = [:]
        for node in nodes {
            let selecting = advertisements.filter { advertisement in
                advertisement.selects(node: node.meta.labels)
            }
            guard !selecting.isEmpty, selecting.allSatisfy({ !$0.interfaces.isEmpty }) else { continue }
            result[node.name] = Set(selecting.flatMap(\.interfaces))
        }
        return result
    }

    /// Each node's election score: the weights of the `preferredNodeSelectors` that match it,
    /// summed over every advertisement that applies to the service, counting only the nodes an
    /// advertisement selects (internal/config/config.go, `preferredNodeScores`;
    /// speaker/layer2_controller.go, `preferredScoresFor`). nil when no node scores.
    public static func preferenceScores(_ nodes: [Node], advertisements: [L2Advertisement]) -> [String: Int64]? {
        var scores: [String: Int64] = [:]
        for advertisement in advertisements where !advertisement.preferredNodeSelectors.isEmpty {
            for node in nodes where advertisement.selects(node: node.meta.labels) {
                let total = advertisement.preferredNodeSelectors.filter { $0.preference.matches(node.meta.labels) }
                    .reduce(Int64(0)) { $0 + $1.weight }
                if total > 0 { scores[node.name, default: 0] += total }
            }
        }
        return scores.isEmpty ? nil : scores
    }
}
