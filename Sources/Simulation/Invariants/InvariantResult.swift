import Engine

/// One moment at which an invariant did not hold, said in one line.
public struct InvariantViolation: Sendable, Hashable {
    public var time: SimTime
    public var message: String

    public init(time: SimTime, message: String) {
        self.time = time
        self.message = message
    }
}

/// The verdict on one invariant over a whole run.
///
/// Invariants are what must hold in every run of every scenario, whatever its expectations say:
/// a violation is a bug in the simulated MetalLB or in the simulator, so it fails the run.
public struct InvariantResult: Sendable, Hashable {
    /// A stable name, as reported (`sharingRules`...).
    public var name: String
    /// What the invariant says, for people reading a report.
    public var rule: String
    /// What one check looks at (`allocation change`): the invariant holds at every one.
    public var subject: String
    /// How many were checked: a verdict over zero checks says little.
    public var checked: Int
    /// Every violation, in time order.
    public var violations: [InvariantViolation]

    public var passed: Bool { violations.isEmpty }

    public init(name: String, rule: String, subject: String, checked: Int, violations: [InvariantViolation]) {
        self.name = name
        self.rule = rule
        self.subject = subject
        self.checked = checked
        self.violations = violations
    }
}
