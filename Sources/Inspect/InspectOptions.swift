/// The two time windows the analysis judges by, in nanoseconds.
public struct InspectOptions: Sendable, Hashable {
    /// A request is answered when a claim for its IP follows within this long. One second:
    /// far longer than any host takes to answer on a LAN (the simulator's answers come within
    /// microseconds, a loaded node's within milliseconds), and the interval of Linux's own
    /// ARP retries (`retrans_time_ms`, 1000 ms), so each retry that goes unanswered counts.
    public var answerWindow: Int64
    /// Two changes of MAC count as a conflict (`Conflict`) when one of them came within this
    /// long of the other MAC's claim. One second by default: a double answer comes within
    /// microseconds, and a clean hand-over leaves the old owner silent for longer than that.
    public var conflictWindow: Int64

    public static let second: Int64 = 1_000_000_000

    public init(answerWindow: Int64 = second, conflictWindow: Int64 = second) {
        self.answerWindow = answerWindow
        self.conflictWindow = conflictWindow
    }
}
