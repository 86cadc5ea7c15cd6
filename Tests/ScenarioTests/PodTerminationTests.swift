import Engine
import Foundation
import Simulation
import TestSupport
import Testing
import Wire

@testable import Scenario

/// Graceful pod termination. A deleted pod runs its preStop hook, then gets SIGTERM, and is
/// killed when `terminationGracePeriodSeconds` is up (pkg/kubelet/kuberuntime, `killContainer`);
/// meanwhile it has a deletionTimestamp. The Endpoints API leaves such a pod out at once
/// (pkg/controller/endpoint), EndpointSlices keep it as `serving` and `terminating`
/// (pkg/controller/endpointslice); current MetalLB counts a serving endpoint
/// (internal/k8s/epslices, `EndpointCanServe`), and kube-proxy falls back to serving
/// terminating endpoints when no endpoint is ready (KEP-1669). ReplicaSets and DaemonSets look
/// past a terminating pod (controller_utils.go, `FilterActivePods`).
/// Scenario: Scenarios/workloads/terminating-pod-etp-local.yaml.
@Suite("Terminating pods: preStop, grace period, serving endpoints")
struct PodTerminationTests {
    static let path = "Scenarios/workloads/terminating-pod-etp-local.yaml"
    static let vip = IPAddress.v4(IPv4Address(198, 51, 100, 200))

    static func run(version: String = "current", _ change: (String) throws -> String = { $0 }) throws -> World {
        var variant = try CommittedScenarioVariant(Self.path)
        variant.text = try change(variant.text)
        if version == "v0.9.4" { try variant.onV094() }
        return try variant.run(until: .seconds(45))
    }

    static func owners(_ world: World, at time: SimTime) -> [String] {
        world.recorder.announcers(of: vip, at: time)
    }

    @Test("current: the terminating pod's node announces until the pod exits, and the client is answered")
    func currentKeepsTheTerminatingNode() throws {
        let path = Repository.root.appendingPathComponent(Self.path).path
        let report = try ScenarioRunner.run(try ScenarioLoader().load(path), output: OutputOptions(directory: nil))
        #expect(report.passed, "\(report.results.filter { !$0.passed }.map(\.message))")
        let world = try Self.run()
        #expect(Self.owners(world, at: SimTime(nanoseconds: 29_990_000_000)) == ["worker-2"])
        #expect(Self.owners(world, at: .seconds(31)) == ["worker-3"])
        let lost = world.recorder.probes.filter {
            $0.sentAt >= .seconds(20) && $0.sentAt < .seconds(30) && $0.answeredBy == nil
        }
        #expect(lost.isEmpty, "kube-proxy forwards to the terminating pod that still serves: \(lost.count) lost")
    }

    @Test("v0.9.4: Endpoints drop the terminating pod at once; nobody announces until the new pod is Ready")
    func v094DropsItAtOnce() throws {
        let world = try Self.run(version: "v0.9.4")
        #expect(Self.owners(world, at: SimTime(nanoseconds: 19_990_000_000)) == ["worker-2"])
        #expect(Self.owners(world, at: SimTime(nanoseconds: 20_500_000_000)) == [])
        #expect(Self.owners(world, at: .seconds(25)) == ["worker-3"])
    }

    @Test("the grace period caps a longer preStop sleep; without a preStop the pod goes at once")
    func graceCapsAndDefault() throws {
        let capped = try Self.run {
            try replacingOnce(
                try replacingOnce($0, "terminationGracePeriodSeconds: 30", "terminationGracePeriodSeconds: 4"),
                "sleep 10", "sleep 60")
        }
        #expect(Self.owners(capped, at: SimTime(nanoseconds: 23_990_000_000)) == ["worker-2"])
        #expect(Self.owners(capped, at: .seconds(25)) == ["worker-3"])
        let immediate = try Self.run {
            try replacingOnce(
                $0,
                "              lifecycle:\n                preStop:\n                  exec: {command: [/bin/sh, -c, sleep 10]}\n",
                "")
        }
        // Gone at 20 s, so the scheduler puts the replacement back on worker-2, Ready at 21.5 s.
        #expect(Self.owners(immediate, at: SimTime(nanoseconds: 20_500_000_000)) == [])
        #expect(Self.owners(immediate, at: .seconds(22)) == ["worker-2"])
        #expect(immediate.cluster.pods.values.map(\.nodeName) == ["worker-2"])
    }

    @Test("preStop forms: sleep action, exec sleep, sh -c sleep; any other command is warned about")
    func preStopForms() throws {
        for (hook, seconds) in [
            ("sleep: {seconds: 7}", 7), ("exec: {command: [sleep, \"12\"]}", 12),
            ("exec: {command: [/bin/sh, -c, sleep 3]}", 3), ("exec: {command: [/wait-shutdown]}", 0),
        ] {
            var variant = try CommittedScenarioVariant(Self.path)
            try variant.change("exec: {command: [/bin/sh, -c, sleep 10]}", hook)
            let scenario = try variant.load()
            let world = ScenarioWorld.build(scenario, trace: nil)
            let pod = try #require(world.cluster.pods.values.first)
            #expect(pod.termination.preStopSeconds == seconds, "\(hook)")
            #expect(pod.termination.gracePeriodSeconds == 30)
            let warned = scenario.warnings.contains { $0.message.contains("preStop command") }
            #expect(warned == (seconds == 0), "\(hook): \(scenario.warnings)")
        }
    }
}
