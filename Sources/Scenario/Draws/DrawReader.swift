import Engine

/// Reads a timeline argument that the seed may choose: a plain value, `{oneOf: [A, B, ...]}`
/// or, for numbers, percentages and durations, `{between: [LOW, HIGH]}` (both bounds
/// included). Each read returns the value to validate with (the first choice, the lower
/// bound) and records the draw.
struct DrawReader {
    var draws: [Draw] = []

    private enum Written {
        case oneOf([YAMLNode], list: YAMLNode)
        case between(YAMLNode, YAMLNode, list: YAMLNode)
    }

    /// Parsing of one plain value, with the kind's number of units for `between`.
    struct Kind<Value> {
        var parse: (YAMLNode, String) throws(ScenarioError) -> Value
        var wrap: (Value) -> DrawnValue
        /// nil: only `oneOf` makes sense (names, booleans).
        var number: (kind: Draw.NumberKind, units: (Value) -> Int64)?
    }

    mutating func name(_ node: YAMLNode, _ what: String, field: String) throws(ScenarioError) -> String {
        try read(
            node, what, field: field,
            Kind(parse: { n, w throws(ScenarioError) in try n.string(w) }, wrap: DrawnValue.name, number: nil))
    }

    mutating func flag(_ node: YAMLNode, _ what: String, field: String) throws(ScenarioError) -> Bool {
        try read(
            node, what, field: field,
            Kind(parse: { n, w throws(ScenarioError) in try n.bool(w) }, wrap: DrawnValue.flag, number: nil))
    }

    mutating func duration(_ node: YAMLNode, _ what: String, field: String) throws(ScenarioError) -> SimDuration {
        try read(
            node, what, field: field,
            Kind(
                parse: { n, w throws(ScenarioError) in try n.duration(w) }, wrap: DrawnValue.duration,
                number: (.duration, { $0.nanoseconds })))
    }

    mutating func percentPPM(_ node: YAMLNode, _ what: String, field: String) throws(ScenarioError) -> UInt32 {
        try read(
            node, what, field: field,
            Kind(
                parse: { n, w throws(ScenarioError) in try n.percentPPM(w) },
                wrap: { DrawnValue.percent(ppm: $0) }, number: (.percent, { Int64($0) })))
    }

    mutating func int(_ node: YAMLNode, _ what: String, field: String, in range: ClosedRange<Int>) throws(ScenarioError)
        -> Int
    {
        try read(
            node, what, field: field,
            Kind(
                parse: { n, w throws(ScenarioError) in try n.int(w, in: range) },
                wrap: DrawnValue.integer, number: (.integer, { Int64($0) })))
    }

    private mutating func read<Value>(_ node: YAMLNode, _ what: String, field: String, _ kind: Kind<Value>)
        throws(ScenarioError) -> Value
    {
        switch try written(node, what) {
        case nil:
            return try kind.parse(node, what)
        case .oneOf(let items, _):
            var values: [Value] = []
            for (position, item) in items.enumerated() {
                values.append(try kind.parse(item, "\(what).oneOf[\(position)]"))
            }
            draws.append(
                Draw(
                    field: field, rule: .oneOf(values.map(kind.wrap)), location: node.location,
                    choiceLocations: items.map(\.location)))
            return values[0]
        case .between(let lowNode, let highNode, let list):
            guard let number = kind.number else {
                throw ScenarioError(
                    node.location,
                    "\(what): between needs numbers, percentages or durations; list the choices instead: {oneOf: [A, B]}"
                )
            }
            let low = try kind.parse(lowNode, "\(what).between[0]")
            let high = try kind.parse(highNode, "\(what).between[1]")
            guard number.units(low) <= number.units(high) else {
                throw ScenarioError(
                    list.location,
                    "\(what).between: LOW (\(kind.wrap(low))) must not be more than HIGH (\(kind.wrap(high)))")
            }
            draws.append(
                Draw(
                    field: field, rule: .between(number.kind, number.units(low)...number.units(high)),
                    location: node.location, choiceLocations: [lowNode.location, highNode.location]))
            return low
        }
    }

    /// `{oneOf: [...]}` or `{between: [LOW, HIGH]}`, checked for shape; nil for anything that
    /// is not a mapping (a plain value, read by the caller).
    private func written(_ node: YAMLNode, _ what: String) throws(ScenarioError) -> Written? {
        guard case .mapping(let pairs) = node.kind else { return nil }
        guard pairs.count == 1, case .scalar(let key, _) = pairs[0].key.kind, key == "oneOf" || key == "between" else {
            throw ScenarioError(
                pairs.first?.key.location ?? node.location,
                "\(what): expected a value, {oneOf: [A, B, ...]} or {between: [LOW, HIGH]}")
        }
        let list = pairs[0].value
        let items = try list.list("\(what).\(key)")
        if key == "oneOf" {
            guard !items.isEmpty else {
                throw ScenarioError(list.location, "\(what).oneOf: expected at least one choice")
            }
            return .oneOf(items, list: list)
        }
        guard items.count == 2 else {
            throw ScenarioError(list.location, "\(what).between: expected two bounds [LOW, HIGH], found \(items.count)")
        }
        return .between(items[0], items[1], list: list)
    }
}
