import Engine

/// Maps simulated time to x coordinates of `timeline.svg`, picks the axis ticks, and writes
/// numbers the same way on every machine.
///
/// Coordinates are computed in integer hundredths of a pixel from integer nanoseconds, never
/// through floating point, so the SVG is byte-identical across runs and platforms like the
/// other outputs.
struct TimelineScale: Sendable {
    /// Where time zero is drawn.
    static let plotLeft = 170
    /// How wide the whole run is drawn.
    static let plotWidth = 1000

    var runEnd: SimTime

    /// The x coordinate of `time`, in hundredths of a pixel (times outside the run are
    /// clamped to its ends).
    func x(_ time: SimTime) -> Int {
        let span = max(runEnd.nanoseconds, 1)
        let t = UInt64(min(max(time.nanoseconds, 0), span))
        let product = t.multipliedFullWidth(by: UInt64(Self.plotWidth * 100))
        let offset = UInt64(span).dividingFullWidth(product).quotient
        return Self.plotLeft * 100 + Int(offset)
    }

    /// The steps the axis may use: 1, 2 and 5 times a power of ten below a minute, then
    /// round numbers of minutes and hours.
    static let steps: [Int64] = {
        var steps: [Int64] = []
        var power: Int64 = 1_000_000
        while power < 60_000_000_000 {
            for multiple: Int64 in [1, 2, 5] where multiple * power < 60_000_000_000 { steps.append(multiple * power) }
            power *= 10
        }
        steps += [1, 2, 5, 10, 15, 30].map { $0 * 60_000_000_000 }
        steps += [1, 2, 3, 6, 12, 24, 48].map { $0 * 3_600_000_000_000 }
        return steps
    }()

    /// The axis step: the smallest of `steps` that gives at most ten intervals over the run.
    var step: Int64 {
        let span = max(runEnd.nanoseconds, 1)
        return Self.steps.first { span / $0 <= 10 } ?? span
    }

    /// Axis ticks, from zero to the run's end.
    var ticks: [SimTime] {
        stride(from: Int64(0), through: max(runEnd.nanoseconds, 1), by: Int(step)).map { SimTime(nanoseconds: $0) }
    }

    /// A tick's label, in one unit for the whole axis (`20s`... `180s`, not `1m` among
    /// seconds): seconds below a one-minute step, then minutes, then hours.
    func label(_ tick: SimTime) -> String {
        if step < 60_000_000_000 { return tick.secondsText + "s" }
        if step < 3_600_000_000_000 { return "\(tick.nanoseconds / 60_000_000_000)m" }
        return "\(tick.nanoseconds / 3_600_000_000_000)h"
    }

    /// Hundredths of a pixel as SVG text: `170`, `170.5`, `170.25`.
    static func text(_ hundredths: Int) -> String {
        let sign = hundredths < 0 ? "-" : ""
        let magnitude = hundredths.magnitude
        let whole = magnitude / 100
        let fraction = magnitude % 100
        if fraction == 0 { return "\(sign)\(whole)" }
        if fraction % 10 == 0 { return "\(sign)\(whole).\(fraction / 10)" }
        return "\(sign)\(whole).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    /// Whole pixels as SVG text.
    static func text(pixels: Int) -> String { text(pixels * 100) }
}
