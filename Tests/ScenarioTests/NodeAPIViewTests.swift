import Foundation
import Simulation
import TestSupport
import Testing

@testable import Scenario

/// Each node's processes see the API server only through their own watches. client-go's
/// reflector keeps its informer's cache when a watch breaks and, once it can reach the API
/// server again, lists everything and replaces the cache, which hands every object to the
/// handlers as an update (tools/cache/reflector.go, `ListAndWatch` and `syncWith`;
/// tools/cache/delta_fifo.go, `Replace`). kube-proxy programs its rules from the same kind of
/// informer (pkg/proxy/config/config.go), so it keeps forwarding to the endpoints it last had.
/// Scenario: Scenarios/regression/partition-cut-off-node-keeps-its-view.yaml.
@Suite("Per-node API views: a cut-off node acts on what it last read, and re-lists on reconnection")
struct NodeAPIViewTests {
    static let path = "Scenarios/regression/partition-cut-off-node-keeps-its-view.yaml"

    static func json(_ report: RunReport) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(report.json.serialized().utf8)) as? [String: Any])
    }

    static func records(_ json: [String: Any], _ key: String) throws -> [[String: Any]] {
        try #require(json[key] as? [[String: Any]], "\(key) missing")
    }

    /// The announcement records of `node`, as (time, action).
    static func announcements(_ json: [String: Any], node: String) throws -> [(Double, String)] {
        try records(json, "announcements").filter { $0["node"] as? String == node }.map {
            (try #require($0["t"] as? Double), try #require($0["action"] as? String))
        }
    }

    static func runCurrent() throws -> RunReport {
        let path = Repository.root.appendingPathComponent(Self.path).path
        return try ScenarioRunner.run(try ScenarioLoader().load(path), output: OutputOptions(directory: nil))
    }

    /// The same cluster and partition on MetalLB v0.9.4 (its ConfigMap instead of the CRDs),
    /// without the current scenario's expectations.
    static func runV094() throws -> RunReport {
        try run(version: "v0.9.4")
    }

    /// The committed scenario with `timeline` entries before the heal, without its
    /// expectations.
    static func run(version: String = "current", timeline: String = "") throws -> RunReport {
        var variant = try CommittedScenarioVariant(Self.path)
        try variant.change("  - id: heal\n", timeline + "  - id: heal\n")
        if version == "v0.9.4" { try variant.onV094() }
        return try ScenarioRunner.run(try variant.load(), output: OutputOptions(directory: nil))
    }

    @Test("the cut-off node keeps announcing and forwarding to its pod through the pod's NotReady")
    func cutOffNodeKeepsItsView() throws {
        let report = try Self.runCurrent()
        #expect(report.passed, "\(report.results.filter { !$0.passed }.map(\.message))")
        let json = try Self.json(report)

        // The node lifecycle controller did mark worker-2 NotReady during the partition...
        let conditions = try Self.records(json, "nodes")
        let notReady = try #require(
            conditions.first { $0["node"] as? String == "worker-2" && $0["change"] as? String == "NotReady" })
        let notReadyAt = try #require(notReady["t"] as? Double)
        #expect(notReadyAt > 20 && notReadyAt < 165)

        // ...but worker-2's speaker never heard of it: its only withdrawal follows the re-list.
        let worker2 = try Self.announcements(json, node: "worker-2")
        let withdrawals = worker2.filter { $0.1 == "stop" }.map(\.0)
        #expect(withdrawals.allSatisfy { $0 >= 165.005 }, "\(worker2)")
        #expect(withdrawals.first == 165.005, "\(worker2)")

        // The majority elected its own announcer, and dropped it when the pod turned not ready.
        let worker1 = try Self.announcements(json, node: "worker-1")
        let firstStart = try #require(worker1.first { $0.1 == "start" }?.0)
        #expect(firstStart > 25 && firstStart < 26, "\(worker1)")
        #expect(worker1.contains { $0.1 == "stop" && $0.0 == notReadyAt + 0.005 }, "\(worker1)")

        // kube-proxy on worker-2 forwarded to the live local pod: no probe lost until the heal.
        let client = try #require(try Self.records(json, "clients").first)
        let downtime = try #require(client["downtime"] as? [[String: Any]])
        let outages = downtime.compactMap { $0["from"] as? Double }
        #expect(outages.allSatisfy { $0 >= 165 }, "\(downtime)")

        // The view is in the report: cut off at the partition, re-listed one watch delay after
        // the heal; the nodes that kept the control plane never lost their view.
        let views = try Self.records(json, "apiViews")
        #expect(views.count == 2, "\(views)")
        #expect(views.first?["node"] as? String == "worker-2")
        #expect(views.first?["change"] as? String == "cutOff")
        #expect(views.first?["t"] as? Double == 20)
        #expect(views.last?["change"] as? String == "relisted")
        #expect(views.last?["t"] as? Double == 165.005)
        #expect(report.humanView.contains { $0.contains("node worker-2: cut off from the API server") })
    }

    /// Current MetalLB's node controller lets a Node update through only when its labels or
    /// NetworkUnavailable changed (internal/k8s/controllers/node_controller.go), so the re-list
    /// of a Node whose Ready flipped joins nobody; v0.9.4's `SetNode` rejoins on every update of
    /// its own Node (speaker/layer2_controller.go), and the re-list is one.
    @Test("the re-list rejoins memberlist on v0.9.4, not on current")
    func relistRejoinsPerVersion() throws {
        func joinsOfWorker2(_ report: RunReport) throws -> [Double] {
            try Self.records(Self.json(report), "membership").filter {
                $0["observer"] as? String == "worker-2" && $0["event"] as? String == "join"
            }.compactMap { $0["t"] as? Double }.filter { $0 > 165 }
        }
        let v094 = try joinsOfWorker2(try Self.runV094())
        #expect(v094.count == 3, "\(v094)")
        #expect(v094.allSatisfy { $0 > 165.005 && $0 < 165.01 }, "\(v094)")

        let current = try joinsOfWorker2(try Self.runCurrent())
        #expect(!current.isEmpty)
        #expect(current.allSatisfy { $0 > 175 }, "current waits for the minute join: \(current)")
    }

    /// v0.9.4 elects among nodes with a ready endpoint: the majority, which saw the only pod's
    /// node die in memberlist, has no candidate, while the cut-off node, whose view still holds
    /// the ready pod, announces on.
    @Test("v0.9.4: only the cut-off node, with its ready pod in view, announces")
    func v094CutOffNodeAloneAnnounces() throws {
        let json = try Self.json(try Self.runV094())
        let others = try Self.records(json, "announcements").filter { $0["node"] as? String != "worker-2" }
        #expect(others.isEmpty, "\(others)")
        let worker2 = try Self.announcements(json, node: "worker-2")
        #expect(worker2.map(\.1) == ["start", "stop", "start"], "\(worker2)")
        #expect(worker2.dropFirst().first?.0 == 165.005)
    }

    /// A machine that boots while cut off has listed nothing: its speaker has no service to
    /// announce, and its kubelet cannot read which pods are bound to it, so the API server
    /// hears nothing of the reboot (the majority's endpoints do not change) until the node is
    /// back in reach, when the kubelet restarts its pods and the informers list for the first
    /// time (pkg/kubelet/config/apiserver.go: the kubelet's pods come from its own watch).
    @Test("a node that boots cut off starts from an empty view and catches up on reconnection")
    func bootWhileCutOff() throws {
        let report = try Self.run(
            timeline: """
                  - at: 30s
                    powerOff: {node: worker-2}
                  - at: 40s
                    powerOn: {node: worker-2}

                """)
        let json = try Self.json(report)
        let worker2 = try Self.announcements(json, node: "worker-2")
        #expect(worker2.count == 3, "\(worker2)")
        #expect(worker2.prefix(2).map(\.1) == ["start", "stop"] && worker2.dropFirst().first?.0 == 30, "\(worker2)")
        let back = try #require(worker2.last)
        #expect(back.1 == "start" && back.0 > 165.005, "announces only once the restarted pod is ready: \(worker2)")

        // Until the heal, the majority's announcer changes only with the lifecycle
        // controller's NotReady (the API server never heard of the reboot).
        let worker1 = try Self.announcements(json, node: "worker-1").filter { $0.0 < 165 }
        #expect(worker1.map(\.1) == ["start", "stop"], "\(worker1)")
        #expect(worker1.last?.0 == 60.005, "\(worker1)")

        let views = try Self.records(json, "apiViews").map { ($0["t"] as? Double, $0["change"] as? String) }
        #expect(views.map(\.0) == [20, 40, 165.005], "\(views)")
        #expect(views.map(\.1) == ["cutOff", "cutOff", "relisted"], "\(views)")
    }
}
