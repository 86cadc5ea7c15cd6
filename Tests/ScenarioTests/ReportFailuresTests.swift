import Foundation
import TestSupport
import Testing

@testable import Scenario

/// Reading back why a run failed from its report, as `sim sweep` does for each seed's child
/// process: failed expectations and violated invariants alike, since `sim run` exits 1 for
/// either.
@Suite("ReportFailures")
struct ReportFailuresTests {
    @Test func failedExpectationsThenViolatedInvariants() throws {
        let report = #"""
            {"scenario": "x", "seed": 3, "passed": false,
             "expectations": [
               {"kind": "owner", "passed": true, "message": "fine"},
               {"kind": "failover", "passed": false, "message": "expected failover within 14s"}],
             "invariants": [
               {"name": "sharingRules", "passed": true, "violations": []},
               {"name": "announcedInPool", "passed": false, "rule": "r", "checked": 3,
                "violations": [{"t": 12.000000005, "message": "10.9.9.9 is in no pool"},
                               {"t": 13, "message": "again"}]}]}
            """#
        let failures = try #require(ReportFailures.read(Data(report.utf8)))
        #expect(
            failures == [
                .init(kind: "failover", message: "expected failover within 14s"),
                .init(
                    kind: "invariant announcedInPool",
                    message: "2 violations, the first at 12.000000005s: 10.9.9.9 is in no pool"),
            ])
    }

    @Test func anInvariantAloneIsAFailure() throws {
        let report =
            #"{"expectations": [], "invariants": [{"name": "clientMACsOnSegment", "passed": false, "violations": [{"t": 1.5, "message": "m"}]}]}"#
        #expect(
            ReportFailures.read(Data(report.utf8)) == [
                .init(kind: "invariant clientMACsOnSegment", message: "1 violation, the first at 1.5s: m")
            ])
    }

    @Test func aReportOfARealFailingRunNamesTheExpectation() throws {
        let path = Repository.root.appendingPathComponent("Fixtures/sweep/owner-power-loss-within-13s.yaml").path
        var scenario = try ScenarioLoader().load(path)
        // A seed that fails the tight window (the sweep tests find several between 1 and 20).
        var failing: [ReportFailures.Failure]?
        for seed in UInt64(1)...20 {
            scenario.seed = seed
            let report = try ScenarioRunner.run(scenario, output: OutputOptions(directory: nil))
            let read = try #require(ReportFailures.read(Data(report.json.serialized().utf8)))
            #expect(read.isEmpty == report.passed, "seed \(seed)")
            if !read.isEmpty {
                failing = read
                break
            }
        }
        let failures = try #require(failing, "no seed from 1 to 20 fails the 13 s window")
        #expect(failures.map(\.kind) == ["failover"])
    }

    @Test func somethingElseIsNoReport() {
        #expect(ReportFailures.read(Data("not json".utf8)) == nil)
        #expect(ReportFailures.read(Data(#"{"seed": 1}"#.utf8)) == nil)
    }
}
