/// One suspicion timer with Lifeguard's confirmations (memberlist's `suspicion`,
/// suspicion.go).
///
/// The timer starts at `maximum` when `expected` (k) confirmations are hoped for, at
/// `minimum` when none are (k = 0). Each suspect message about the member from someone new
/// (up to k of them) pulls the deadline in, toward `minimum`, as
/// `Timing.suspicionTimeout(confirmations:expected:minimum:maximum:)` computes, measured
/// from when the suspicion started; a deadline already past fires at once.
struct Suspicion: Sendable, Hashable {
    /// Confirmations hoped for (k).
    let expected: Int
    let minimum: Int64
    let maximum: Int64
    /// When the suspicion started; also the member's state-change time it belongs to.
    let start: Int64
    /// Who has reported the suspicion: the first reporter and each confirmation.
    private(set) var reporters: [String]
    /// Independent confirmations so far (the first reporter does not count).
    private(set) var confirmations = 0
    /// When the member is declared dead unless something changes.
    private(set) var deadline: Int64

    init(from: String, expected: Int, minimum: Int64, maximum: Int64, start: Int64) {
        self.expected = expected
        self.minimum = minimum
        self.maximum = maximum
        self.start = start
        reporters = [from]
        deadline = start + (expected < 1 ? minimum : maximum)
    }

    /// Records a suspect message from `from`. True when it was new information (a new
    /// reporter while confirmations are still wanted): memberlist then re-gossips it.
    mutating func confirm(from: String, now: Int64) -> Bool {
        guard confirmations < expected, !reporters.contains(from) else { return false }
        reporters.append(from)
        confirmations += 1
        let timeout = Timing.suspicionTimeout(
            confirmations: confirmations, expected: expected, minimum: minimum, maximum: maximum)
        deadline = max(start + timeout, now)
        return true
    }
}
