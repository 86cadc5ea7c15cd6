import Testing

@testable import Scenario

/// A manifests entry may name a directory or a pattern, as `kubectl apply -f` takes them: a
/// directory's `*.yaml`, `*.yml` and `*.json` files (not its subdirectories), in name order; a
/// pattern's matching files with those extensions, in name order.
@Suite("Manifest entries naming a directory or a pattern")
struct ManifestDirectoryTests {
    static func namespace(_ name: String) -> String { "apiVersion: v1\nkind: Namespace\nmetadata: {name: \(name)}" }

    static func load(entry: String) throws(ScenarioError) -> Scenario {
        let scenario = """
            name: dir
            duration: 1s
            metallb: {version: current}
            nodes:
              - {name: node-a, mac: "02:00:00:00:00:0a", ip: 192.0.2.11}
            manifests:
              - file: \(entry)
            """
        return try ScenarioLoader(
            files: MemoryFiles([
                "lab/s.yaml": scenario,
                "lab/k8s/20-b.yaml": namespace("b"),
                "lab/k8s/10-a.yml": namespace("a"),
                "lab/k8s/30-c.json": #"{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "c"}}"#,
                "lab/k8s/README.md": "not a manifest",
                "lab/k8s/nested/40-d.yaml": namespace("d"),
            ])
        ).load("lab/s.yaml")
    }

    @Test("a directory: its manifest files in name order, not its README, not its subdirectories")
    func directory() throws {
        let scenario = try Self.load(entry: "k8s")
        #expect(scenario.manifests.map(\.name) == ["a", "b", "c"])
        #expect(
            scenario.manifests.map(\.location.file) == ["lab/k8s/10-a.yml", "lab/k8s/20-b.yaml", "lab/k8s/30-c.json"])
    }

    @Test("a pattern: the matching manifest files in name order")
    func pattern() throws {
        #expect(try Self.load(entry: "\"k8s/?0-*.yaml\"").manifests.map(\.name) == ["b"])
        #expect(try Self.load(entry: "\"k8s/*\"").manifests.map(\.name) == ["a", "b", "c"])
    }

    @Test("a pattern matching nothing is an error at the entry, not an empty cluster")
    func emptyMatch() {
        #expect {
            try Self.load(entry: "\"k8s/*.yamlx\"")
        } throws: { error in
            "\(error)".hasPrefix("lab/s.yaml:7:") && "\(error)".contains("names no manifest file")
        }
    }
}
