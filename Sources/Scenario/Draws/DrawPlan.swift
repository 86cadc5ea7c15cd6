import Engine

/// A scenario's timeline and expectations as written, for the scenarios whose seed decides
/// some of their values. Drawing is a pure function of the seed: the same seed always gives
/// the same timeline.
struct DrawPlan: Sendable {
    /// In the order written, each entry at its base values (first choice, lower bound).
    var timeline: [TimelineEntry]
    /// As written; those with `{timeOf: ...}` moments carry their references.
    var expectations: [Expectation]

    /// The timeline `seed` draws, in the order it happens.
    func timeline(seed: UInt64) -> [TimelineEntry] {
        DrawPlan.ordered(timeline.map { $0.drawing(seed: seed) })
    }

    /// The expectations with their references set from `timeline`'s times.
    func expectations(for timeline: [TimelineEntry]) -> [Expectation] {
        var times: [String: SimTime] = [:]
        for entry in timeline { if let id = entry.id { times[id] = entry.at } }
        return expectations.map { $0.references.isEmpty ? $0 : $0.resolving(times) }
    }

    /// By time; entries at the same time keep the order they were written in.
    static func ordered(_ entries: [TimelineEntry]) -> [TimelineEntry] {
        entries.sorted { ($0.at, $0.index) < ($1.at, $1.index) }
    }
}
