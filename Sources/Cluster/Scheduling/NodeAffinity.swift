/// `affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution`: node selector
/// terms, any one of which a node must match; within a term every requirement must hold.
///
/// The operators are `NodeSelectorRequirement`'s (k8s.io/api core/v1 types.go; evaluated as
/// component-helpers' `nodeaffinity.NewNodeSelector` does): In and NotIn compare the label's
/// value with a list (NotIn also matches a node without the label), Exists and DoesNotExist
/// look at the key only, Gt and Lt compare a single integer. `matchFields` may only name
/// `metadata.name`.
public struct NodeSelectorTerm: Sendable, Hashable {
    public struct Requirement: Sendable, Hashable {
        public enum Operator: String, Sendable, Hashable, CaseIterable {
            case `in` = "In"
            case notIn = "NotIn"
            case exists = "Exists"
            case doesNotExist = "DoesNotExist"
            case gt = "Gt"
            case lt = "Lt"
        }

        public var key: String
        public var `operator`: Operator
        public var values: [String]

        public init(key: String, operator: Operator, values: [String] = []) {
            self.key = key
            self.operator = `operator`
            self.values = values
        }

        func matches(_ value: String?) -> Bool {
            switch `operator` {
            case .in: return value.map(values.contains) ?? false
            case .notIn: return value.map { !values.contains($0) } ?? true
            case .exists: return value != nil
            case .doesNotExist: return value == nil
            case .gt, .lt:
                guard let value, let actual = Int64(value), let bound = values.first.flatMap({ Int64($0) }) else {
                    return false
                }
                return `operator` == .gt ? actual > bound : actual < bound
            }
        }
    }

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
        return matchExpressions.allSatisfy { $0.matches(Scheduler.label($0.key, of: node)) }
            && matchFields.allSatisfy { $0.matches($0.key == "metadata.name" ? node.name : nil) }
    }
}
