import Engine

/// What a seed drew, for the report (`"drawn"`) and for people (the timeline and a sweep's
/// failure table), so a failing seed can be understood without reading the scenario twice.
enum DrawnReport {
    /// The report's `drawn` field: each entry the seed chose values for, in the order they
    /// happen. Scenarios without draws get no such field, so their reports are unchanged.
    static func fields(_ scenario: Scenario) -> [(String, JSONValue)] {
        let entries = scenario.timeline.filter { !$0.drawn.isEmpty }
        guard !entries.isEmpty else { return [] }
        return [
            (
                "drawn",
                .array(
                    entries.map { entry in
                        .object([
                            ("entry", .string(name(entry))),
                            ("action", .string(entry.action.name)),
                            ("t", ReportBuilder.seconds(entry.at)),
                            ("location", .string(entry.location.description)),
                            ("values", .object(entry.drawn.map { ($0.field, json($0.value)) })),
                        ])
                    })
            )
        ]
    }

    /// Lines for `HumanView`'s timeline: one per entry with draws, at its time, before what
    /// it caused.
    static func timedLines(_ scenario: Scenario) -> [(SimTime, Int, String)] {
        scenario.timeline.filter { !$0.drawn.isEmpty }.map { entry in
            (entry.at, entry.index - 1_000_000, "[\(HumanView.stamp(entry.at))] drawn: \(summary(entry))")
        }
    }

    /// `kill (powerOff): at 13.412345678s, node worker-2`.
    static func summary(_ entry: TimelineEntry) -> String {
        let values = entry.drawn.map { field in
            if field.field == "at" { return "at \(entry.at)" }
            return "\(field.field) \(field.value)"
        }
        return "\(name(entry)) (\(entry.action.name)): \(values.joined(separator: ", "))"
    }

    /// The entry's id, or its place in the written list.
    static func name(_ entry: TimelineEntry) -> String { entry.id ?? "timeline[\(entry.index)]" }

    static func json(_ value: DrawnValue) -> JSONValue {
        switch value {
        case .duration(let duration): return .number(duration.secondsText)
        case .percent(let ppm): return .number(DrawnValue.percentText(ppm))
        case .integer(let number): return .int(number)
        case .name(let text): return .string(text)
        case .flag(let flag): return .bool(flag)
        }
    }
}

extension Scenario {
    /// One line per timeline entry whose values this scenario's seed drew, in the order they
    /// happen: `kill (powerOff): at 13.412345678s, node worker-2`. Empty without draws.
    public var drawnSummary: [String] {
        timeline.filter { !$0.drawn.isEmpty }.map(DrawnReport.summary)
    }
}
