import Simulation

/// The outcome of running one scenario: expectation results and everything the report needs.
public struct RunReport: Sendable {
    public var scenario: Scenario
    public var results: [ExpectationResult]
    /// The invariants every run is checked against, whatever the scenario expects.
    public var invariants: [InvariantResult]
    /// Every expectation held and no invariant was violated.
    public var passed: Bool { results.allSatisfy(\.passed) && invariants.allSatisfy(\.passed) }
    /// The report as JSON (SCENARIO-FORMAT.md, "Report").
    public var json: JSONValue
    /// Lines for people: what the seed article's author looked at.
    public var humanView: [String]
    /// Frames that entered the switch, and events processed.
    public var framesOnSegment: UInt64
    public var events: UInt64
    /// Output files written, final paths.
    public var files: [String]
    /// What `timeline.svg` draws.
    var timeline: TimelineChart
}
