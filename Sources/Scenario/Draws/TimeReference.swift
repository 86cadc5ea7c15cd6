import Engine

/// An expectation's moment written relative to a timeline entry: `{timeOf: kill}`,
/// `{timeOf: kill, plus: 5s}`, `{timeOf: kill, minus: 1s}`. When the entry's time is drawn,
/// the expectation follows it, so `failover: {after: {timeOf: kill}, ...}` holds its meaning
/// for every seed of a sweep.
public struct TimeReference: Sendable, Hashable {
    /// Which of the expectation's times the reference sets.
    public enum Slot: Sendable, Hashable {
        case at, duringStart, duringEnd, failoverAfter, clientARPBy
    }

    public var slot: Slot
    /// The timeline entry's `id`.
    public var entry: String
    /// Added to the entry's time (negative for `minus`).
    public var offset: SimDuration
    public var location: SourceLocation
}

extension Expectation {
    /// The expectation with every reference set from the timeline entries' times (by id).
    func resolving(_ times: [String: SimTime]) -> Expectation {
        var expectation = self
        for reference in references {
            guard let time = times[reference.entry].map({ $0 + reference.offset }) else { continue }
            switch (reference.slot, expectation.time, expectation.kind) {
            case (.at, _, _):
                expectation.time = .at(time)
            case (.duringStart, .during(_, let end), _):
                expectation.time = .during(time, end)
            case (.duringEnd, .during(let start, _), _):
                expectation.time = .during(start, time)
            case (.failoverAfter, _, .failover(let ip, _, let within, let to)):
                expectation.kind = .failover(ip: ip, after: time, within: within, to: to)
            case (.clientARPBy, _, .clientARP(let client, let ip, let mac, let describedAs, _)):
                expectation.kind = .clientARP(client: client, ip: ip, mac: mac, describedAs: describedAs, by: time)
            default:
                continue
            }
        }
        return expectation
    }
}

/// Reads the moments of expectations: a duration since the start, or a reference to a
/// timeline entry by id. Returns the earliest and latest time the moment can take over all
/// seeds, and records the references.
struct TimeReferenceReader {
    /// Each timeline id's earliest and latest time.
    let entries: [String: ClosedRange<SimTime>]
    var references: [TimeReference] = []

    mutating func time(_ node: YAMLNode, _ what: String, slot: TimeReference.Slot) throws(ScenarioError) -> ClosedRange<
        SimTime
    > {
        guard case .mapping = node.kind else {
            let time = SimTime.zero + (try node.duration(what))
            return time...time
        }
        var f = try Fields(node, what)
        let idNode = try f.required("timeOf")
        let id = try idNode.string("\(what).timeOf")
        let plus = try f.optional("plus")?.duration("\(what).plus")
        let minusNode = f.optional("minus")
        let minus = try minusNode?.duration("\(what).minus")
        try f.finish()
        guard let range = entries[id] else {
            let known = entries.keys.sorted()
            throw ScenarioError(
                idNode.location,
                "\(what).timeOf: no timeline entry has id \"\(id)\"\(known.isEmpty ? " (give one an id: NAME)" : " (ids: \(known.joined(separator: ", ")))")"
            )
        }
        if plus != nil, minus != nil { throw ScenarioError(node.location, "\(what): give plus or minus, not both") }
        let offset = plus ?? minus.map { .zero - $0 } ?? .zero
        guard range.lowerBound + offset >= .zero else {
            throw ScenarioError(
                minusNode?.location ?? node.location,
                "\(what): \(id) can be as early as \(range.lowerBound), so minus \(minus ?? .zero) would be before the start"
            )
        }
        references.append(TimeReference(slot: slot, entry: id, offset: offset, location: node.location))
        return (range.lowerBound + offset)...(range.upperBound + offset)
    }
}
