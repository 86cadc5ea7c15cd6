import Foundation
import TestSupport
import Testing
import Wire

@testable import Scenario

/// Every example scenario users copy satisfies the invariants, and they are really checked.
@Suite("Invariants over the example scenarios")
struct InvariantScenarioTests {
    static let examples = ["seed-nginx-migration"] + AllocationScenarioTests.examples.map { "allocation/\($0)" }

    @Test("each invariant is checked and holds", arguments: examples)
    func holds(name: String) throws {
        let path = Repository.root.appendingPathComponent("Scenarios/\(name).yaml").path
        let report = try ScenarioRunner.run(try ScenarioLoader().load(path), output: OutputOptions(directory: nil))
        #expect(report.invariants.map(\.name) == ["sharingRules", "announcedInPool", "clientMACsOnSegment"])
        for invariant in report.invariants {
            #expect(invariant.passed, "\(name): \(invariant.name): \(invariant.violations)")
        }
        #expect(report.invariants[0].checked > 0, "\(name): every example allocates")
        #expect(report.passed)
    }

    /// The sharing example really puts two services on one address at once, so the sharing
    /// check judged a shared address rather than passing for want of one.
    @Test("ip-sharing holds two services on one address")
    func sharingIsExercised() throws {
        let path = Repository.root.appendingPathComponent("Scenarios/allocation/ip-sharing.yaml").path
        let report = try ScenarioRunner.run(try ScenarioLoader().load(path), output: OutputOptions(directory: nil))
        let shared = report.timeline.blocks.filter { $0.services.count >= 2 }
        #expect(shared.map(\.ip) == [.v4(IPv4Address(10, 0, 0, 100))])
        #expect(shared.first?.services == ["default/dns-tcp", "default/dns-udp"])
        let externalIPs = report.results.filter { $0.expectation.kind.name == "externalIP" && $0.passed }.map(\.message)
        #expect(
            externalIPs.filter { $0.contains("EXTERNAL-IP 10.0.0.100 at the end") }.count == 2,
            "both hold it at the end: \(externalIPs)")
    }
}
