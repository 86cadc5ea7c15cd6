/// A span of simulated time in integer nanoseconds.
public struct SimDuration: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var nanoseconds: Int64

    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    public static let zero = SimDuration(nanoseconds: 0)

    public static func nanoseconds(_ n: Int64) -> SimDuration { SimDuration(nanoseconds: n) }
    public static func microseconds(_ n: Int64) -> SimDuration { SimDuration(nanoseconds: n * 1_000) }
    public static func milliseconds(_ n: Int64) -> SimDuration { SimDuration(nanoseconds: n * 1_000_000) }
    public static func seconds(_ n: Int64) -> SimDuration { SimDuration(nanoseconds: n * 1_000_000_000) }

    public static func < (lhs: SimDuration, rhs: SimDuration) -> Bool { lhs.nanoseconds < rhs.nanoseconds }
    public static func + (lhs: SimDuration, rhs: SimDuration) -> SimDuration {
        SimDuration(nanoseconds: lhs.nanoseconds + rhs.nanoseconds)
    }
    public static func - (lhs: SimDuration, rhs: SimDuration) -> SimDuration {
        SimDuration(nanoseconds: lhs.nanoseconds - rhs.nanoseconds)
    }
    public static func * (lhs: SimDuration, rhs: Int64) -> SimDuration {
        SimDuration(nanoseconds: lhs.nanoseconds * rhs)
    }

    /// Parses the scenario format's durations: an integer or decimal number followed by a unit,
    /// `ns`, `us`, `ms`, `s`, `m` or `h` (`50us`, `1.1s`, `5m`). Decimals are exact: `1.1s` is
    /// 1 100 000 000 ns, never 1 099 999 999 through a Double. Returns nil for anything else.
    public init?(parsing text: String) {
        let units: [(String, Int64)] = [
            ("ns", 1), ("us", 1_000), ("µs", 1_000), ("ms", 1_000_000),
            ("s", 1_000_000_000), ("m", 60_000_000_000), ("h", 3_600_000_000_000),
        ]
        let trimmed = text.trimmingSpaces
        for (suffix, scale) in units where trimmed.hasSuffix(suffix) {
            let number = String(trimmed.dropLast(suffix.count))
            // "5ms" also ends in "s": make sure what remains is a number.
            guard let value = SimDuration.scaled(number, by: scale) else { continue }
            self.init(nanoseconds: value)
            return
        }
        return nil
    }

    /// `digits[.digits] * scale`, exactly, or nil when not a plain non-negative decimal or it overflows.
    private static func scaled(_ number: String, by scale: Int64) -> Int64? {
        let parts = number.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty,
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let whole = Int64(parts[0])
        else { return nil }
        var (total, overflow) = whole.multipliedReportingOverflow(by: scale)
        guard !overflow else { return nil }
        if parts.count == 2 {
            let fraction = parts[1]
            guard !fraction.isEmpty else { return nil }
            var unit = scale
            for digit in fraction {
                unit /= 10
                guard let d = digit.wholeNumberValue else { return nil }
                if unit == 0 {
                    // Finer than a nanosecond: only zeros are allowed, nothing is silently dropped.
                    if d != 0 { return nil }
                    continue
                }
                (total, overflow) = total.addingReportingOverflow(Int64(d) * unit)
                guard !overflow else { return nil }
            }
        }
        return total
    }

    /// Seconds with up to nine decimals and no trailing zeros.
    public var secondsText: String {
        let negative = nanoseconds < 0
        let magnitude = nanoseconds.magnitude
        let whole = magnitude / 1_000_000_000
        var fraction = String(magnitude % 1_000_000_000)
        fraction = String(repeating: "0", count: 9 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return (negative ? "-" : "") + String(whole) + (fraction.isEmpty ? "" : "." + fraction)
    }

    /// The shortest exact human form: `1.1s`, `50us`, `300ms`, `5m` where it is whole.
    public var description: String {
        if nanoseconds != 0 {
            for (suffix, scale) in [("h", Int64(3_600_000_000_000)), ("m", 60_000_000_000)]
            where nanoseconds % scale == 0 {
                return "\(nanoseconds / scale)\(suffix)"
            }
            if nanoseconds.magnitude < 1_000_000 {
                if nanoseconds % 1_000 == 0 { return "\(nanoseconds / 1_000)us" }
                return "\(nanoseconds)ns"
            }
            if nanoseconds.magnitude < 1_000_000_000, nanoseconds % 1_000_000 == 0 {
                return "\(nanoseconds / 1_000_000)ms"
            }
        }
        return secondsText + "s"
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s.removeFirst() }
        while s.last == " " || s.last == "\t" { s.removeLast() }
        return String(s)
    }
}
