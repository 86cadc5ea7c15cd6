/// Whether one expectation held, explained in one line that names the time and what was seen.
public struct ExpectationResult: Sendable {
    public var expectation: Expectation
    public var passed: Bool
    public var message: String
}
