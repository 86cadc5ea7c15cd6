import Testing

@testable import Scenario

/// Timeline actions name pods and Deployments as kubectl does: `namespace/name`, or a bare
/// name in `default`. A reference to nothing is refused at load, with the same name in another
/// namespace offered; it is never a silent no-op.
@Suite("Timeline references: namespace/name, a bare name means default")
struct TimelineReferenceTests {
    static func scenario(_ action: String) -> String {
        """
        name: pihole in dns
        duration: 10s
        metallb: {version: current}
        nodes:
          - {name: node-a, mac: "02:00:00:00:00:0a", ip: 192.0.2.11}
          - {name: node-b, mac: "02:00:00:00:00:0b", ip: 192.0.2.12}
        manifests:
          - {apiVersion: v1, kind: Namespace, metadata: {name: dns}}
          - apiVersion: apps/v1
            kind: Deployment
            metadata: {name: pihole, namespace: dns}
            spec:
              replicas: 1
              selector: {matchLabels: {app: pihole}}
              template:
                metadata: {labels: {app: pihole}}
                spec: {containers: [{name: pihole, image: pihole/pihole}]}
          - apiVersion: v1
            kind: Pod
            metadata: {name: probe, namespace: dns, labels: {app: probe}}
            spec: {nodeName: node-a, containers: [{name: probe, image: busybox}]}
        timeline:
          - at: 5s
            \(action)
        """
    }

    static func load(_ action: String) throws -> Scenario {
        try ScenarioLoader(files: MemoryFiles(["lab/s.yaml": scenario(action)])).load("lab/s.yaml")
    }

    @Test(
        "scale: a bare name in the wrong namespace is refused, with the namespace it is in",
        arguments: [
            (
                "scale: {deployment: pihole, replicas: 2}",
                "scale: no deployment default/pihole (did you mean dns/pihole?)"
            ),
            (
                "movePod: {pod: probe, to: node-b}",
                "movePod: no pod default/probe exists by then (did you mean dns/probe?)"
            ),
            ("setPodReady: {pod: probe, ready: false}", "setPodReady: no pod default/probe (did you mean dns/probe?)"),
            ("scale: {deployment: dns/unbound, replicas: 2}", "scale: no deployment dns/unbound"),
        ])
    func refused(action: String, message: String) throws {
        let error = #expect(throws: ScenarioError.self) { try Self.load(action) }
        #expect(error?.description.contains(message) == true, "\(String(describing: error))")
        #expect(
            error?.description.contains("lab/s.yaml:23:") == true, "at the timeline entry: \(String(describing: error))"
        )
    }

    @Test(
        "namespace/name is accepted for each action",
        arguments: [
            "scale: {deployment: dns/pihole, replicas: 2}", "movePod: {pod: dns/probe, to: node-b}",
            "setPodReady: {pod: dns/probe, ready: false}",
        ])
    func accepted(action: String) throws {
        _ = try Self.load(action)
    }
}
