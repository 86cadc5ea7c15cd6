/// An instant of simulated time: integer nanoseconds since the start of the run.
///
/// Integers, not floating point, so that adding 1.1 s five times lands exactly on 5.5 s and two
/// runs of the same scenario order their events identically on every machine.
public struct SimTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var nanoseconds: Int64

    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    public static let zero = SimTime(nanoseconds: 0)
    /// Later than any event a scenario can schedule; used for "never".
    public static let never = SimTime(nanoseconds: .max)

    public static func seconds(_ s: Int64) -> SimTime { SimTime(nanoseconds: s * 1_000_000_000) }

    public static func < (lhs: SimTime, rhs: SimTime) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    public static func + (lhs: SimTime, rhs: SimDuration) -> SimTime {
        SimTime(nanoseconds: lhs.nanoseconds &+ rhs.nanoseconds)
    }

    public static func - (lhs: SimTime, rhs: SimDuration) -> SimTime {
        SimTime(nanoseconds: lhs.nanoseconds &- rhs.nanoseconds)
    }

    public static func - (lhs: SimTime, rhs: SimTime) -> SimDuration {
        SimDuration(nanoseconds: lhs.nanoseconds - rhs.nanoseconds)
    }

    /// Seconds with up to nine decimals and no trailing zeros (`20.0000001`, `21.5`, `0`):
    /// exact, unlike a Double, so reports are byte-identical across platforms.
    public var secondsText: String { SimDuration(nanoseconds: nanoseconds).secondsText }

    public var description: String { secondsText + "s" }
}
