import Engine

/// A value of a timeline entry that the seed chooses: `at: {between: [10s, 20s]}`,
/// `node: {oneOf: [worker-1, worker-2]}`. A sweep over seeds then explores the choices, and
/// any one seed still replays byte for byte.
public struct Draw: Sendable {
    /// How the value is chosen.
    public enum Rule: Sendable {
        /// One of the values written, each as likely (a value written twice is twice as likely).
        case oneOf([DrawnValue])
        /// A whole number of the kind's unit (nanoseconds, parts per million, ones) in the
        /// closed range: both bounds can be drawn.
        case between(NumberKind, ClosedRange<Int64>)
    }

    /// What a `between` range counts in.
    public enum NumberKind: Sendable {
        case duration, percent, integer

        func value(_ units: Int64) -> DrawnValue {
            switch self {
            case .duration: return .duration(SimDuration(nanoseconds: units))
            case .percent: return .percent(ppm: UInt32(units))
            case .integer: return .integer(Int(units))
            }
        }
    }

    /// The argument the draw decides, as written in YAML (`at`, `node`, `graceful`, `percent`...).
    public var field: String
    public var rule: Rule
    /// Where `{oneOf: ...}` or `{between: ...}` was written.
    public var location: SourceLocation
    /// Where each choice (or each bound) was written, for errors about one of them.
    public var choiceLocations: [SourceLocation]

    /// Every value the draw can give that validation must accept: each choice, or both bounds.
    public var extremes: [DrawnValue] {
        switch rule {
        case .oneOf(let values): return values
        case .between(let kind, let range): return [kind.value(range.lowerBound), kind.value(range.upperBound)]
        }
    }

    /// The value for `seed`. Each drawn field has a stream of its own, split off the root seed
    /// by the label `timeline/<entry>/<field>`, where `<entry>` is the entry's `id` or else its
    /// position in the written list. No other subsystem draws from it, so a scenario without
    /// draws runs exactly as before, and adding a draw leaves every other draw unchanged.
    public func value(seed: UInt64, entry: String) -> DrawnValue {
        var stream = RandomStream(rootSeed: seed, .timelineDraw(entry: entry, field: field))
        switch rule {
        case .oneOf(let values):
            return values[Int(stream.uniform(below: UInt64(values.count)))]
        case .between(let kind, let range):
            return kind.value(stream.uniform(in: range))
        }
    }
}

/// A value a draw can give.
public enum DrawnValue: Sendable, Hashable, CustomStringConvertible {
    case duration(SimDuration)
    case percent(ppm: UInt32)
    case integer(Int)
    case name(String)
    case flag(Bool)

    public var description: String {
        switch self {
        case .duration(let value): return value.description
        case .percent(let ppm): return DrawnValue.percentText(ppm) + "%"
        case .integer(let value): return String(value)
        case .name(let value): return value
        case .flag(let value): return value ? "true" : "false"
        }
    }

    /// Parts per million as a percentage with up to four decimals: 15000 -> `1.5`.
    static func percentText(_ ppm: UInt32) -> String {
        var fraction = String(ppm % 10_000)
        fraction = String(repeating: "0", count: 4 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return String(ppm / 10_000) + (fraction.isEmpty ? "" : "." + fraction)
    }
}

/// One value a run drew: which argument, and what it got.
public struct DrawnField: Sendable, Hashable {
    public var field: String
    public var value: DrawnValue
}
