/// Reads a YAML mapping field by field and refuses what it does not know.
///
/// Every key read is ticked off; `finish()` reports the first key nobody asked for, with its
/// location and the keys that are allowed there. That is how a misspelt `latancy:` becomes an
/// error instead of a silently ignored setting.
struct Fields {
    let node: YAMLNode
    /// What this mapping is, for messages: `the scenario`, `nodes[2]`, `Service spec`.
    let what: String
    private let pairs: [(key: String, keyNode: YAMLNode, value: YAMLNode)]
    private var used: Set<String> = []
    private var known: [String] = []

    init(_ node: YAMLNode, _ what: String) throws(ScenarioError) {
        guard case .mapping(let pairs) = node.kind else {
            throw ScenarioError(node.location, "\(what): expected a mapping, found \(node.kindName)")
        }
        var converted: [(key: String, keyNode: YAMLNode, value: YAMLNode)] = []
        for pair in pairs {
            guard case .scalar(let text, _) = pair.key.kind else {
                throw ScenarioError(pair.key.location, "\(what): keys must be plain names")
            }
            converted.append((text, pair.key, pair.value))
        }
        self.node = node
        self.what = what
        self.pairs = converted
    }

    /// Keys present, in the order written.
    var keys: [String] { pairs.map(\.key) }

    /// The value of `key`, or nil when absent (an explicit `null` counts as absent).
    mutating func optional(_ key: String) -> YAMLNode? {
        known.append(key)
        guard let pair = pairs.first(where: { $0.key == key }) else { return nil }
        used.insert(key)
        return pair.value.isNull ? nil : pair.value
    }

    mutating func required(_ key: String) throws(ScenarioError) -> YAMLNode {
        guard let value = optional(key) else {
            throw ScenarioError(node.location, "\(what): missing required field \"\(key)\"")
        }
        return value
    }

    /// Marks keys as accepted without reading them (valid Kubernetes fields lbsim does not model).
    mutating func accept(_ keys: [String]) {
        for key in keys {
            known.append(key)
            if pairs.contains(where: { $0.key == key }) { used.insert(key) }
        }
    }

    /// The location of a key, for errors about its value as a whole.
    func keyLocation(_ key: String) -> SourceLocation? {
        pairs.first { $0.key == key }?.keyNode.location
    }

    /// Fails on the first key that was neither read nor accepted.
    func finish() throws(ScenarioError) {
        for pair in pairs where !used.contains(pair.key) {
            let allowed = known.sorted().joined(separator: ", ")
            throw ScenarioError(
                pair.keyNode.location,
                "unknown field \"\(pair.key)\" in \(what); expected one of: \(allowed)")
        }
    }
}
