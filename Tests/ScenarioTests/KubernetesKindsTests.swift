import Foundation
import TestSupport
import Testing

@testable import Scenario

/// README.md's table of Kubernetes kinds is the loader's: each row is what the loader does
/// with an object of that kind (simulates it, refuses it at its location, or skips it with a
/// warning), and a kind on no row is refused.
@Suite("README's Kubernetes kinds table matches the loader")
struct KubernetesKindsTests {
    /// A scenario whose manifests are `manifest` (after the pool every current scenario needs).
    static func load(_ manifest: String, version: String = "current") throws(ScenarioError) -> Scenario {
        let text = """
            name: kinds
            duration: 5s
            metallb: {version: \(version)}
            nodes:
              - {name: node-a, mac: "02:00:00:00:00:0a", ip: 192.0.2.11}
            manifests:
              - file: objects.yaml
            """
        return try ScenarioLoader(files: MemoryFiles(["lab/s.yaml": text, "lab/objects.yaml": manifest]))
            .load("lab/s.yaml")
    }

    /// Small valid objects of every modelled kind.
    static let modelled: [String: String] = [
        "Service":
            "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {selector: {app: a}, ports: [{port: 80}]}",
        "Pod": "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {nodeName: node-a, containers: [{name: c}]}",
        "Deployment": workload("Deployment", extra: "  replicas: 1\n"),
        "ReplicaSet": workload("ReplicaSet", extra: "  replicas: 1\n"),
        "StatefulSet": workload("StatefulSet", extra: "  serviceName: w\n"),
        "DaemonSet": workload("DaemonSet", extra: ""),
        "Node": "apiVersion: v1\nkind: Node\nmetadata: {name: node-a}",
        "Namespace": "apiVersion: v1\nkind: Namespace\nmetadata: {name: n}",
        "ConfigMap": """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: config, namespace: metallb-system}
        data:
          config: |
            address-pools:
            - {name: default, protocol: layer2, addresses: [192.0.2.200/32]}
        """,
        "List": "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Namespace, metadata: {name: n}}",
        "IPAddressPool":
            "apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata: {name: p, namespace: metallb-system}\nspec: {addresses: [192.0.2.200/32]}",
        "L2Advertisement":
            "apiVersion: metallb.io/v1beta1\nkind: L2Advertisement\nmetadata: {name: l, namespace: metallb-system}",
        "Endpoints":
            "apiVersion: v1\nkind: Endpoints\nmetadata: {name: e}\nsubsets: [{addresses: [{ip: 192.0.2.77, nodeName: node-a}], ports: [{port: 80}]}]",
        "EndpointSlice":
            "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: e-1, labels: {kubernetes.io/service-name: e}}\naddressType: IPv4\nendpoints: [{addresses: [192.0.2.77], nodeName: node-a}]",
    ]

    static func workload(_ kind: String, extra: String) -> String {
        """
        apiVersion: apps/v1
        kind: \(kind)
        metadata: {name: w}
        spec:
        \(extra)  selector: {matchLabels: {app: w}}
          template: {metadata: {labels: {app: w}}, spec: {containers: [{name: c}]}}
        """
    }

    @Test("README.md shows exactly the kinds list, in order")
    func readmeTable() throws {
        let readme = try String(contentsOf: Repository.root.appendingPathComponent("README.md"), encoding: .utf8)
        let lines = readme.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let start = try #require(lines.firstIndex { $0.hasPrefix("<!-- kinds:") })
        let end = try #require(lines.firstIndex { $0 == "<!-- /kinds -->" })
        let rows = Array(lines[(start + 3)..<end])
        let expected = KubernetesKinds.entries.map { entry in
            "| \(entry.kind) | \(entry.group.isEmpty ? "core" : entry.group) | \(entry.handling.rawValue) | \(entry.note) |"
        }
        #expect(rows == expected)
    }

    @Test("every kind does what its row says", arguments: KubernetesKinds.entries.map(\.kind))
    func loaderFollowsTheTable(kind: String) throws {
        let entry = try #require(KubernetesKinds.entries.first { $0.kind == kind })
        let apiVersion = entry.apiVersion
        switch entry.handling {
        case .modelled:
            let manifest = try #require(Self.modelled[kind], "no sample object for modelled kind \(kind)")
            let scenario = try Self.load(manifest, version: kind == "ConfigMap" ? "v0.9.4" : "current")
            #expect(!scenario.manifests.isEmpty)
            #expect(!scenario.warnings.contains { $0.message.contains("\(kind) is not simulated") })
        case .refused:
            let manifest = "apiVersion: \(apiVersion)\nkind: \(kind)\nmetadata: {name: x}"
            #expect {
                try Self.load(manifest)
            } throws: { error in
                let text = "\(error)"
                return text.hasPrefix("lab/objects.yaml:1:1") && text.contains(kind)
            }
        case .ignored:
            let manifest = "apiVersion: \(apiVersion)\nkind: \(kind)\nmetadata: {name: x}"
            let scenario = try Self.load(manifest)
            #expect(scenario.manifests.isEmpty)
            #expect(
                scenario.warnings.map(\.message) == ["\(apiVersion) \(kind) is not simulated: skipped (\(entry.note))"])
        }
    }

    @Test("a kind on no list is refused at its location: nobody has said it cannot matter")
    func unknownKindRefused() {
        #expect {
            try Self.load("apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: x}")
        } throws: { error in
            "\(error)".hasPrefix("lab/objects.yaml:1:1")
                && "\(error)".contains("cannot tell whether it changes the outcome")
        }
    }
}
