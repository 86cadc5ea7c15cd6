import Testing

@testable import Engine

/// Durations in scenario files: a non-negative decimal and a unit. The simulator keeps integer
/// nanoseconds (ARCHITECTURE.md: simulated time in integer nanoseconds), so decimals must be
/// converted exactly, never through floating point.
@Suite("SimDuration")
struct SimDurationTests {
    static let valid: [(text: String, nanoseconds: Int64)] = [
        ("50us", 50_000),
        ("1.1s", 1_100_000_000),
        ("5m", 300_000_000_000),
        ("1h", 3_600_000_000_000),
        ("100ms", 100_000_000),
        ("0.5s", 500_000_000),
        ("250ns", 250),
        ("5ms", 5_000_000),
        ("1.5m", 90_000_000_000),
        ("4.4s", 4_400_000_000),
        ("0s", 0),
        ("10µs", 10_000),
        ("1.000000001s", 1_000_000_001),
        // Digits below a nanosecond are allowed only when they are zeros.
        ("2.5000000000s", 2_500_000_000),
        (" 3s ", 3_000_000_000),
    ]

    @Test("parses durations exactly", arguments: valid)
    func parses(text: String, nanoseconds: Int64) {
        #expect(SimDuration(parsing: text)?.nanoseconds == nanoseconds)
    }

    @Test("1.1s is exactly 1_100_000_000 ns, not a Double's neighbour")
    func onePointOneIsExact() {
        let d = SimDuration(parsing: "1.1s")
        #expect(d == SimDuration(nanoseconds: 1_100_000_000))
        // Five of them make exactly 5.5 s, the moment the gratuitous window is checked.
        #expect(d.map { $0 * 5 } == SimDuration(nanoseconds: 5_500_000_000))
    }

    static let invalid: [String] = [
        "1.1",  // no unit
        "s",  // no number
        "-1s",  // negative
        "1.0000000001s",  // finer than a nanosecond
        "1e3s",  // exponent notation
        "",  // nothing
        "1.s",  // empty fraction
        ".5s",  // empty whole part
        "1..1s",
        "+1s",
        "1 s",
        "5sec",
        "1.1.1s",
        "0x10s",
        "9223372036854775807h",  // overflows Int64 nanoseconds
    ]

    @Test("rejects malformed durations", arguments: invalid)
    func rejects(text: String) {
        #expect(SimDuration(parsing: text) == nil)
    }

    static let secondsTexts: [(nanoseconds: Int64, text: String)] = [
        (0, "0"),
        (1_100_000_000, "1.1"),
        (21_500_000_000, "21.5"),
        (20_000_000_100, "20.0000001"),
        (1, "0.000000001"),
        (5_000_000_000, "5"),
        (-1_500_000_000, "-1.5"),
        (-1, "-0.000000001"),
    ]

    @Test("secondsText has up to nine decimals and no trailing zeros", arguments: secondsTexts)
    func secondsText(nanoseconds: Int64, text: String) {
        #expect(SimDuration(nanoseconds: nanoseconds).secondsText == text)
        #expect(SimTime(nanoseconds: nanoseconds).secondsText == text)
    }

    static let descriptions: [(nanoseconds: Int64, text: String)] = [
        (1_100_000_000, "1.1s"),
        (50_000, "50us"),
        (300_000_000, "300ms"),
        (300_000_000_000, "5m"),
        (3_600_000_000_000, "1h"),
        (7_200_000_000_000, "2h"),
        (0, "0s"),
        (1_500, "1500ns"),
        (1_000_000, "1ms"),
        (90_000_000_000, "90s"),
        (120_000_000_000, "2m"),
        (1_500_000_000, "1.5s"),
        (1_000_000_001, "1.000000001s"),
        (-300_000_000, "-300ms"),
    ]

    @Test("description is the shortest exact human form", arguments: descriptions)
    func description(nanoseconds: Int64, text: String) {
        #expect(SimDuration(nanoseconds: nanoseconds).description == text)
    }

    @Test("SimTime prints as seconds with an s")
    func simTimeDescription() {
        #expect(SimTime(nanoseconds: 21_505_000_000).description == "21.505s")
        #expect(SimTime.zero.description == "0s")
    }

    @Test("every non-negative description parses back to the same duration")
    func descriptionRoundTrips() {
        var random = RandomStream(seed: 2024)
        var values: [Int64] = [0, 1, 999, 1_000, 1_000_000, 1_100_000_000, 60_000_000_000, 3_600_000_000_000]
        for _ in 0..<2_000 {
            // Mix of magnitudes: scale a random mantissa by a random power of ten.
            let mantissa = Int64(random.uniform(below: 10_000))
            let power = Int(random.uniform(below: 10))
            values.append(mantissa * (0..<power).reduce(Int64(1)) { acc, _ in acc * 10 })
        }
        for value in values {
            let d = SimDuration(nanoseconds: value)
            #expect(SimDuration(parsing: d.description) == d, "\(value) printed as \(d.description)")
        }
    }

    @Test("duration arithmetic stays in integer nanoseconds")
    func arithmetic() {
        let interval = SimDuration.milliseconds(1_100)
        var t = SimTime.zero
        for _ in 0..<5 { t = t + interval }
        #expect(t == SimTime(nanoseconds: 5_500_000_000))
        #expect(t - SimTime.seconds(5) == SimDuration.milliseconds(500))
        #expect(SimDuration.seconds(1) + .microseconds(1) == SimDuration(nanoseconds: 1_000_001_000))
        #expect(SimDuration.seconds(2) - .nanoseconds(1) == SimDuration(nanoseconds: 1_999_999_999))
    }
}
