import IPAM

/// `affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution`: node selector
/// terms, any one of which a node must match; within a term every requirement must hold.
///
/// The operators are `NodeSelectorRequirement`'s (k8s.io/api core/v1 types.go; evaluated as
/// component-helpers' `nodeaffinity.NewNodeSelector` does): In and NotIn compare the label's
/// value with a list (NotIn also matches a node without the label), Exists and DoesNotExist
/// look at the key only, Gt and Lt compare a single integer. `matchFields` may only name
/// `metadata.name`.
public struct NodeSelectorTerm: Sendable, Hashable {
    /// A requirement: the label selectors' type, with node selectors' Gt and Lt.
    public typealias Requirement = ResourceSelector.Requirement

    /// `matchExpressions`, on the node's labels.
    public var matchExpressions: [Requirement]
    /// `matchFields`, on the node's fields (`metadata.name` only).
    public var matchFields: [Requirement]

    public init(matchExpressions: [Requirement] = [], matchFields: [Requirement] = []) {
        self.matchExpressions = matchExpressions
        self.matchFields = matchFields
    }

    /// A term with no requirement matches nothing (an empty term selects no node).
    public func matches(_ node: Node) -> Bool {
        guard !matchExpressions.isEmpty || !matchFields.isEmpty else { return false }
        return matchExpressions.allSatisfy { $0.matches(value: Scheduler.label($0.key, of: node)) }
            && matchFields.allSatisfy { $0.matches(value: $0.key == "metadata.name" ? node.name : nil) }
    }
}
