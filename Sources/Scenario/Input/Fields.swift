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
            throw unknownField(pair.key, at: pair.keyNode.location, known: known)
        }
    }

    /// Fails at once on a key outside `keys`: for mappings whose later checks would otherwise
    /// report the consequence of a typo (a misspelt `adresses:` as "pool has no prefixes
    /// defined") before `finish()` could name the typo itself.
    func allowOnly(_ keys: [String]) throws(ScenarioError) {
        for pair in pairs where !keys.contains(pair.key) {
            throw unknownField(pair.key, at: pair.keyNode.location, known: keys)
        }
    }

    private func unknownField(_ key: String, at location: SourceLocation, known: [String]) -> ScenarioError {
        let allowed = Set(known).sorted()
        let suggestion =
            allowed.min { Self.distance(key, $0) < Self.distance(key, $1) }
            .flatMap { Self.distance(key, $0) <= 2 ? " (did you mean \"\($0)\"?)" : nil } ?? ""
        return ScenarioError(
            location,
            "unknown field \"\(key)\" in \(what)\(suggestion); expected one of: \(allowed.joined(separator: ", "))")
    }

    /// Levenshtein distance, for "did you mean" (short keys only, so quadratic is fine).
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
}
