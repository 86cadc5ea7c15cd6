import Foundation
import Simulation
import TestSupport
import Testing

@testable import Scenario

/// current MetalLB joins memberlist again only from its minute join ticker
/// (internal/speakerlist/speakerlist.go) or when its own Node's labels or NetworkUnavailable
/// change (internal/k8s/controllers/node_controller.go, `NodeReconcilerPredicate`), and
/// memberlist never probes, gossips to or push/pulls with a member it holds dead (state.go,
/// `probe`, `gossip` and `pushPull` pick from live members only). After a partition long
/// enough for both sides to reach their verdicts, the views stay apart until a join ticker.
/// Scenario: Scenarios/regression/partition-heal-waits-for-the-join-ticker.yaml.
@Suite("A healed partition waits for the minute join (current)")
struct RejoinAfterHealTests {
    @Test func twoAnnouncersUntilTheJoinTicker() throws {
        let path = Repository.root.appendingPathComponent(
            "Scenarios/regression/partition-heal-waits-for-the-join-ticker.yaml"
        ).path
        let report = try ScenarioRunner.run(try ScenarioLoader().load(path), output: OutputOptions(directory: nil))
        #expect(report.passed, "\(report.results.filter { !$0.passed }.map(\.message))")
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(report.json.serialized().utf8)) as? [String: Any])
        let heal = 80.37
        let membership = try #require(json["membership"] as? [[String: Any]])
        let afterHeal = membership.compactMap { $0["t"] as? Double }.filter { $0 > heal }
        let firstMerge = try #require(afterHeal.min())
        // Nothing at all happens in memberlist for more than 25 s after the heal...
        #expect(firstMerge - heal > 25, "\(firstMerge)")
        // ...and the merge is a join, started by a join ticker, which ends the second announcer.
        let first = membership.filter { $0["t"] as? Double == firstMerge }
        #expect(first.allSatisfy { $0["event"] as? String == "join" }, "\(first)")
        let announcements = try #require(json["announcements"] as? [[String: Any]])
        let withdrawal = try #require(
            announcements.first { $0["node"] as? String == "worker-1" && $0["action"] as? String == "stop" })
        let withdrawnAt = try #require(withdrawal["t"] as? Double)
        #expect(withdrawnAt >= firstMerge && withdrawnAt < firstMerge + 1, "\(withdrawnAt) vs \(firstMerge)")
    }
}
