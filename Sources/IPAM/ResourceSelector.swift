/// A Kubernetes `metav1.LabelSelector` (`matchLabels` and `matchExpressions`), as MetalLB's
/// IPAddressPool `serviceAllocation` and L2Advertisement selectors use it.
///
/// Unlike a Service's `spec.selector`, an empty selector here selects everything: that is what
/// `metav1.LabelSelectorAsSelector` gives, and what a pool with `serviceSelectors: [{}]` means.
public struct ResourceSelector: Sendable, Hashable {
    /// One `matchExpressions` entry: a label selector's, or a node selector term's (which
    /// also has Gt and Lt, comparing one integer; k8s.io/api core/v1 NodeSelectorRequirement).
    public struct Requirement: Sendable, Hashable {
        public enum Operator: String, Sendable, Hashable, CaseIterable {
            case `in` = "In"
            case notIn = "NotIn"
            case exists = "Exists"
            case doesNotExist = "DoesNotExist"
            case gt = "Gt"
            case lt = "Lt"

            /// What a `metav1.LabelSelector` allows (Gt and Lt are node selectors' only).
            public static let labelSelector: [Operator] = [.in, .notIn, .exists, .doesNotExist]
        }

        public var key: String
        public var `operator`: Operator
        public var values: [String]

        public init(key: String, operator: Operator, values: [String] = []) {
            self.key = key
            self.operator = `operator`
            self.values = values
        }

        func matches(_ labels: [String: String]) -> Bool { matches(value: labels[key]) }

        /// Whether the value at `key` (nil: absent) meets the requirement. NotIn also holds for
        /// an absent key; Gt and Lt need the value and the one bound to be integers.
        public func matches(value: String?) -> Bool {
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

    public var matchLabels: [String: String]
    public var matchExpressions: [Requirement]

    public init(matchLabels: [String: String] = [:], matchExpressions: [Requirement] = []) {
        self.matchLabels = matchLabels
        self.matchExpressions = matchExpressions
    }

    /// Selects every object.
    public static let everything = ResourceSelector()

    public func matches(_ labels: [String: String]) -> Bool {
        matchLabels.allSatisfy { labels[$0.key] == $0.value } && matchExpressions.allSatisfy { $0.matches(labels) }
    }
}
