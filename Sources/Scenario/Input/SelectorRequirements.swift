import IPAM

/// `matchExpressions` (and node selector terms' `matchFields`) as the API server validates
/// them, for MetalLB's label selectors and for node affinity alike: a known operator among
/// those the selector allows, values for In and NotIn, none for Exists and DoesNotExist, one
/// integer for Gt and Lt (ValidateNodeSelectorRequirement, ValidateLabelSelectorRequirement).
enum SelectorRequirements {
    static func decode(
        _ node: YAMLNode, _ what: String, allowed: [ResourceSelector.Requirement.Operator],
        keys: Set<String>? = nil
    ) throws(ScenarioError) -> [ResourceSelector.Requirement] {
        var result: [ResourceSelector.Requirement] = []
        for item in try node.list(what) {
            var e = try Fields(item, "\(what) entry")
            let keyNode = try e.required("key")
            let key = try keyNode.string("key")
            if let keys, !keys.contains(key) {
                throw ScenarioError(
                    keyNode.location,
                    "\(what): only \(keys.sorted().joined(separator: ", ")) is supported, found \"\(key)\"")
            }
            let operatorNode = try e.required("operator")
            let text = try operatorNode.string("operator")
            guard let op = ResourceSelector.Requirement.Operator(rawValue: text), allowed.contains(op) else {
                let names = allowed.map(\.rawValue)
                let list = names.dropLast().joined(separator: ", ") + " or " + names.last!
                throw ScenarioError(operatorNode.location, "operator: expected \(list), found \"\(text)\"")
            }
            let valuesNode = e.optional("values")
            let values = try valuesNode?.stringList("values") ?? []
            let at = valuesNode?.location ?? item.location
            switch op {
            case .in, .notIn:
                if values.isEmpty { throw ScenarioError(at, "values: must be non-empty for operator \(text)") }
            case .exists, .doesNotExist:
                if !values.isEmpty { throw ScenarioError(at, "values: must be empty for operator \(text)") }
            case .gt, .lt:
                if values.count != 1 || Int64(values[0]) == nil {
                    throw ScenarioError(at, "values: must be one integer for operator \(text)")
                }
            }
            try e.finish()
            result.append(ResourceSelector.Requirement(key: key, operator: op, values: values))
        }
        return result
    }
}
