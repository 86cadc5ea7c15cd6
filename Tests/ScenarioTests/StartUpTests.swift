import Engine
import Foundation
import Simulation
import Testing

@testable import Scenario

/// A scenario starts from a running cluster unless `kubernetes.coldStart: true`: a user's
/// `maxAnnouncers` with no grace holds from 0, as on their running cluster, and the address is
/// announced at 0 by the election's winner. A cold start shows the start of a freshly created
/// cluster instead: the address is announced once MetalLB's controller and then the speakers
/// have seen the Service.
@Suite("Start-up: warm by default, cold on request")
struct StartUpTests {
    static func scenario(coldStart: String?) throws -> Scenario {
        let kubernetes = coldStart.map { "kubernetes: {coldStart: \($0)}\n" } ?? ""
        let text = """
            name: start-up
            duration: 20s
            metallb: {version: current, memberlist: lan}
            \(kubernetes)nodes:
              - {name: node-a, mac: "02:00:00:00:00:0a", ip: 192.0.2.11}
              - {name: node-b, mac: "02:00:00:00:00:0b", ip: 192.0.2.12}
              - {name: node-c, mac: "02:00:00:00:00:0c", ip: 192.0.2.13}
            manifests:
              - apiVersion: metallb.io/v1beta1
                kind: IPAddressPool
                metadata: {name: p, namespace: metallb-system}
                spec: {addresses: [192.0.2.200/32]}
              - apiVersion: metallb.io/v1beta1
                kind: L2Advertisement
                metadata: {name: p, namespace: metallb-system}
              - apiVersion: v1
                kind: Pod
                metadata: {name: web, labels: {app: web}}
                spec: {nodeName: node-b, containers: [{name: web, image: nginx}]}
              - apiVersion: v1
                kind: Service
                metadata: {name: web}
                spec: {type: LoadBalancer, selector: {app: web}, ports: [{port: 80}]}
            expect:
              - maxAnnouncers: {ip: 192.0.2.200, max: 1, grace: 0s}
            """
        return try ScenarioLoader(files: MemoryFiles(["lab/s.yaml": text])).load("lab/s.yaml")
    }

    /// report.json's `announcements`.
    static func announcements(_ report: RunReport) throws -> [[String: Any]] {
        let json = try JSONSerialization.jsonObject(with: Data(report.json.serialized().utf8)) as? [String: Any]
        return try #require(json?["announcements"] as? [[String: Any]])
    }

    @Test func aRunningClusterHasOneAnnouncerFromTheStart() throws {
        let scenario = try Self.scenario(coldStart: nil)
        #expect(scenario.world.warmStart == .standard)
        let report = try ScenarioRunner.run(scenario, output: OutputOptions(directory: nil))
        #expect(report.passed, "\(report.results)")
        let announcements = try Self.announcements(report)
        #expect(announcements.count == 1, "\(announcements)")
        #expect(announcements.first?["t"] as? Double == 0, "\(announcements)")
        #expect(announcements.first?["inherited"] as? Bool == true)
    }

    @Test func aColdStartAnnouncesOnceTheControllerAndTheSpeakersHaveSeenTheService() throws {
        let scenario = try Self.scenario(coldStart: "true")
        #expect(scenario.world.warmStart == nil)
        let report = try ScenarioRunner.run(scenario, output: OutputOptions(directory: nil))
        #expect(report.passed, "\(report.results)")
        let announcements = try Self.announcements(report)
        // The controller sees the Service one watch delay (5 ms) after it is applied, the
        // speakers its address one more later; they joined memberlist at 5 ms.
        #expect(announcements.first?["t"] as? Double == 0.01, "\(announcements)")
        #expect(announcements.first?["inherited"] == nil)
    }

    @Test func coldStartFalseIsTheDefault() throws {
        #expect(try Self.scenario(coldStart: "false").world.warmStart == .standard)
    }

    @Test func coldStartTakesABoolean() {
        #expect(throws: ScenarioError.self) { try Self.scenario(coldStart: "soon") }
        do {
            _ = try Self.scenario(coldStart: "soon")
        } catch {
            // `kubernetes: {coldStart: soon}` is line 4; the value starts at column 25.
            expectLocation(error as? ScenarioError, file: "lab/s.yaml", (4, 25))
            #expect("\(error)".contains("coldStart"), "\(error)")
        }
    }
}
