import Testing

@testable import Scenario

/// Node labels set by the timeline: Kubernetes allows an empty value, and the label that keeps
/// a node out of external load balancers is usually set that way (kubeadm does).
@Suite("Timeline label actions")
struct TimelineLabelTests {
    static func scenario(_ action: String) -> String {
        """
        name: labels
        duration: 10s
        nodes:
          - {name: worker-1, mac: "02:00:5e:10:00:11", ip: 198.51.100.11}
        timeline:
          - at: 1s
            \(action)

        """
    }

    static func load(_ action: String) throws(ScenarioError) -> Scenario {
        try ScenarioLoader(files: MemoryFiles(["lab/s.yaml": scenario(action)])).load("lab/s.yaml")
    }

    @Test(
        "an empty value is a value",
        arguments: [
            #"label: {node: worker-1, key: node.kubernetes.io/exclude-from-external-load-balancers, value: ""}"#,
            #"label: {node: worker-1, key: node.kubernetes.io/exclude-from-external-load-balancers}"#,
        ])
    func emptyValue(_ action: String) throws {
        let loaded = try Self.load(action)
        guard case .label(let node, let key, let value)? = loaded.timeline.first?.action else {
            Issue.record("not a label action: \(String(describing: loaded.timeline.first?.action))")
            return
        }
        #expect(node == "worker-1" && key == "node.kubernetes.io/exclude-from-external-load-balancers" && value == "")
    }

    @Test("an empty key is refused with its location")
    func emptyKey() {
        do {
            _ = try Self.load(#"label: {node: worker-1, key: "", value: x}"#)
            Issue.record("should not load")
        } catch {
            #expect(error.description.contains("label.key: expected a non-empty string"), "\(error)")
            #expect(error.location.line == 7, "\(error.location)")
        }
    }
}

/// A time on an expectation that does not use one is refused, not ignored.
@Suite("Expectation times")
struct ExpectationTimeTests {
    static func load(_ expectation: String) throws(ScenarioError) -> Scenario {
        let text = """
            name: times
            duration: 10s
            nodes:
              - {name: worker-1, mac: "02:00:5e:10:00:11", ip: 198.51.100.11}
            clients:
              - {name: outside, mac: "02:00:5e:10:00:99", ip: 198.51.100.50,
                 probe: {target: "198.51.100.200:80", every: 1s}}
            manifests:
              - {apiVersion: v1, kind: Service, metadata: {name: web},
                 spec: {type: LoadBalancer, selector: {app: web}, ports: [{port: 80}]}}
            expect:
              - at: 5s
                \(expectation)

            """
        return try ScenarioLoader(files: MemoryFiles(["lab/s.yaml": text])).load("lab/s.yaml")
    }

    @Test(
        "externalIP and event take at",
        arguments: [
            "externalIP: {service: default/web, ip: pending}",
            "event: {service: default/web, reason: AllocationFailed}",
        ])
    func accepted(_ expectation: String) throws {
        let scenario = try Self.load(expectation)
        #expect(scenario.expectations.first?.time == .at(.seconds(5)))
    }

    @Test(
        "whole-run kinds refuse at, pointing at it",
        arguments: [
            ("maxDowntime: {client: outside, target: \"198.51.100.200:80\", max: 1s}", "maxDowntime"),
            ("maxAnnouncers: {ip: 198.51.100.200, max: 1}", "maxAnnouncers"),
            ("failover: {ip: 198.51.100.200, after: 1s, within: 2s}", "failover"),
            ("clientARP: {client: outside, ip: 198.51.100.200, node: worker-1, by: 2s}", "clientARP"),
        ])
    func refused(_ expectation: String, _ kind: String) {
        do {
            _ = try Self.load(expectation)
            Issue.record("should not load")
        } catch {
            #expect(error.description.contains("\(kind) is checked over the whole run and takes no at"), "\(error)")
            #expect(error.location.line == 12, "the at key: \(error.location)")
        }
    }
}
