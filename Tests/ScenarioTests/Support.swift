import Engine
import Foundation
import Simulation
import TestSupport
import Testing

@testable import Scenario

/// A small scenario in memory (`lab/scenario.yaml` and the manifests beside it) that tests
/// change one line of. Its text is written out here so that expected lines and columns can be
/// computed from it.
struct Lab {
    static let scenarioPath = "lab/scenario.yaml"

    static let baseScenario = """
        name: parsing lab
        seed: 7
        duration: 10s
        metallb:
          version: v0.9.4
        segment:
          interface: ens192
          latency: 50us
          loss: 0%
        nodes:
          - {name: worker-1, mac: "00:50:56:00:3b:6f", ip: 10.200.200.11}
          - {name: worker-2, mac: "00:50:56:00:3b:70", ip: 10.200.200.12}
        clients:
          - name: outside
            mac: "00:50:56:00:3b:99"
            ip: 10.200.200.50
            probe: {target: "10.200.200.120:8080", every: 100ms}
        manifests:
          - file: config.yaml
          - file: service.yaml
          - apiVersion: v1
            kind: Pod
            metadata: {name: nginx, labels: {app: nginx}}
            spec: {nodeName: worker-1, containers: [{name: nginx, image: nginx}]}
        expect:
          - at: 5s
            owner: {ip: 10.200.200.120, node: worker-1}
          - externalIP: {service: default/nginx, ip: 10.200.200.120}

        """

    var scenario = Lab.baseScenario
    var files: [String: String]

    init() throws {
        files = [
            "lab/config.yaml": try Repository.text("Fixtures/manifests/metallb-v0.9.4-config.yaml"),
            "lab/service.yaml": try Repository.text("Fixtures/manifests/nginx-service.yaml"),
        ]
    }

    /// Replaces exactly one occurrence of `old` in the scenario.
    mutating func change(_ old: String, _ new: String) throws {
        scenario = try replacingOnce(scenario, old, new)
    }

    func load() throws(ScenarioError) -> Scenario {
        var all = files
        all[Lab.scenarioPath] = scenario
        return try ScenarioLoader(files: MemoryFiles(all)).load(Lab.scenarioPath)
    }

    /// The load error, or nil (recorded as an issue) when the scenario loads.
    func error(sourceLocation: Testing.SourceLocation = #_sourceLocation) -> ScenarioError? {
        do {
            _ = try load()
            Issue.record("the scenario should not load:\n\(scenario)", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }
}

/// Where the `occurrence`-th `needle` is in `text`, as 1-based line and column.
func position(of needle: String, in text: String, occurrence: Int = 1) throws -> (line: Int, column: Int) {
    var start = text.startIndex
    var found: Range<String.Index>?
    for _ in 0..<occurrence {
        found = text.range(of: needle, range: start..<text.endIndex)
        guard let range = found else { break }
        start = range.upperBound
    }
    let range = try #require(found, "\"\(needle)\" (occurrence \(occurrence)) is not in the text")
    let before = text[text.startIndex..<range.lowerBound]
    let line = before.filter { $0 == "\n" }.count + 1
    let lineStart = before.lastIndex(of: "\n").map { text.index(after: $0) } ?? text.startIndex
    return (line, text.distance(from: lineStart, to: range.lowerBound) + 1)
}

/// Where `value` is in the line `prefix + value` (a key and its value).
func position(ofValue value: String, after prefix: String, in text: String) throws -> (line: Int, column: Int) {
    let place = try position(of: prefix + value, in: text)
    return (place.line, place.column + prefix.count)
}

/// Checks an error's location exactly.
func expectLocation(
    _ error: ScenarioError?, file: String, _ place: (line: Int, column: Int),
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
    guard let error else { return }
    #expect(
        error.location.file == file && error.location.line == place.line && error.location.column == place.column,
        "expected \(file):\(place.line):\(place.column), got \(error)", sourceLocation: sourceLocation)
}

/// A scenario written in a test, loaded from memory as `lab/s.yaml` (with `files` beside it,
/// by path relative to `lab/`), built and run to `until`: the world afterwards.
func runLabScenario(_ text: String, files: [String: String] = [:], until: SimTime) throws -> World {
    var all = ["lab/s.yaml": text]
    for (path, contents) in files { all["lab/" + path] = contents }
    let scenario = try ScenarioLoader(files: MemoryFiles(all)).load("lab/s.yaml")
    let world = ScenarioWorld.build(scenario, trace: nil)
    world.run(until: until)
    return world
}
