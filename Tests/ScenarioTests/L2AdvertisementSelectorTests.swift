import Foundation
import Simulation
import TestSupport
import Testing
import Wire

@testable import Scenario

/// current MetalLB's L2Advertisement `serviceSelectors` and `preferredNodeSelectors`
/// (speaker/layer2_controller.go: `l2AdsForService`, `ShouldAnnounce`, `sortL2Candidates`,
/// `preferredScoresFor`; internal/config/config.go: `preferredNodeScores`;
/// api/v1beta1/l2advertisement_types.go for the fields and the weight's 1-100 range).
/// Scenario: Scenarios/failover/l2-advertisement-selectors.yaml.
@Suite("L2Advertisement serviceSelectors and preferredNodeSelectors")
struct L2AdvertisementSelectorTests {
    static let path = "Scenarios/failover/l2-advertisement-selectors.yaml"

    /// The committed scenario with `change` applied, without its expectations, run to the end.
    static func run(_ change: (String) throws -> String = { $0 }) throws -> World {
        var text = try change(try Repository.text(Self.path))
        text = String(text[..<(try #require(text.range(of: "expect:\n"))).lowerBound])
        return try runLabScenario(text, until: .seconds(60))
    }

    static func owners(_ world: World, _ ip: String, at seconds: Int64) -> [String] {
        world.recorder.announcers(of: .v4(IPv4Address(ip)!), at: .seconds(seconds))
    }

    @Test("the committed scenario holds every expectation")
    func committedScenarioPasses() throws {
        let path = Repository.root.appendingPathComponent(Self.path).path
        let report = try ScenarioRunner.run(try ScenarioLoader().load(path), output: OutputOptions(directory: nil))
        #expect(report.passed, "\(report.results.filter { !$0.passed }.map(\.message))")
    }

    @Test("a preference outranks the hash: without it the hash's first node, worker-2, announces")
    func preferenceDecides() throws {
        let preferred = try Self.run()
        #expect(Self.owners(preferred, "198.51.100.201", at: 10) == ["worker-1"])
        let plain = try Self.run {
            try replacingOnce(
                $0,
                """
                      preferredNodeSelectors:
                        - weight: 50
                          preference: {matchLabels: {kubernetes.io/hostname: worker-1}}

                """, "")
        }
        #expect(Self.owners(plain, "198.51.100.201", at: 10) == ["worker-2"])
    }

    @Test("weights of several preferences matching a node add up; the higher total wins")
    func weightsAddUp() throws {
        let world = try Self.run {
            try replacingOnce(
                $0,
                """
                        - weight: 50
                          preference: {matchLabels: {kubernetes.io/hostname: worker-1}}
                """,
                """
                        - weight: 50
                          preference: {matchLabels: {kubernetes.io/hostname: worker-1}}
                        - weight: 30
                          preference: {matchLabels: {kubernetes.io/hostname: worker-2}}
                        - weight: 30
                          preference: {matchExpressions: [{key: kubernetes.io/os, operator: Exists}]}
                """)
        }
        // worker-1: 50 + 30 = 80; worker-2: 30 + 30 = 60.
        #expect(Self.owners(world, "198.51.100.201", at: 10) == ["worker-1"])
    }

    @Test("the shared address is announced once the annotation is gone; a selected tier only by its nodes")
    func sharedIPRuleAndNodeSelectors() throws {
        let world = try Self.run {
            try replacingOnce($0, "      annotations: {metallb.io/allow-shared-ip: web-alt}\n", "")
        }
        let owner = Self.owners(world, "198.51.100.203", at: 10)
        #expect(owner.count == 1 && ["worker-1", "worker-2"].contains(owner[0]), "\(owner)")
        #expect(Self.owners(world, "198.51.100.200", at: 10) == ["worker-3"])
        #expect(Self.owners(world, "198.51.100.202", at: 10) == [])
    }

    @Test("a weight outside 1..100 is refused at its value")
    func weightRange() throws {
        let text = try Repository.text(Self.path)
        let bad = try replacingOnce(text, "        - weight: 50\n", "        - weight: 0\n")
        do {
            _ = try ScenarioLoader(files: MemoryFiles(["failover/s.yaml": bad])).load("failover/s.yaml")
            Issue.record("weight 0 loaded")
        } catch {
            #expect(error.message.contains("greater than or equal to 1"), "\(error)")
            expectLocation(
                error, file: "failover/s.yaml", try position(ofValue: "0", after: "        - weight: ", in: bad))
        }
    }
}
