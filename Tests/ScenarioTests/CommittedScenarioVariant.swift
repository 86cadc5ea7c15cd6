import Engine
import Foundation
import Simulation
import TestSupport
import Testing

@testable import Scenario

/// A committed scenario changed for a test: on MetalLB v0.9.4 instead of current, without its
/// expectations, loaded from memory beside the shared pool manifest it names
/// (`../failover/manifests/public-pool.yaml`, a current IPAddressPool of 198.51.100.200).
struct CommittedScenarioVariant {
    static let poolManifest = "failover/manifests/public-pool.yaml"

    var text: String
    /// The folder under Scenarios/ the committed file is in: relative paths resolve from it.
    var folder: String

    init(_ path: String) throws {
        text = try Repository.text(path)
        folder = String(path.split(separator: "/").dropLast().last ?? "")
    }

    /// Replaces exactly one occurrence of `old`.
    mutating func change(_ old: String, _ new: String) throws { text = try replacingOnce(text, old, new) }

    /// MetalLB v0.9.4: its ConfigMap with the same address in place of the IPAddressPool.
    mutating func onV094() throws {
        try change("version: current", "version: v0.9.4")
        try change(
            "  - file: ../\(Self.poolManifest)\n",
            """
              - apiVersion: v1
                kind: ConfigMap
                metadata: {namespace: metallb-system, name: config}
                data:
                  config: |
                    address-pools:
                    - {name: default, protocol: layer2, addresses: [198.51.100.200/32]}

            """)
    }

    /// The scenario as written now, without its `expect:` block, loaded as `FOLDER/s.yaml`.
    func load(keepingExpectations: Bool = false) throws -> Scenario {
        var text = self.text
        if !keepingExpectations, let expect = text.range(of: "expect:\n") {
            text = String(text[..<expect.lowerBound])
        }
        let files = MemoryFiles([
            "\(folder)/s.yaml": text, Self.poolManifest: try Repository.text("Scenarios/" + Self.poolManifest),
        ])
        return try ScenarioLoader(files: files).load("\(folder)/s.yaml")
    }

    /// Loaded without expectations and run to `end`: the world afterwards.
    func run(until end: SimTime) throws -> World {
        let world = ScenarioWorld.build(try load(), trace: nil)
        world.run(until: end)
        return world
    }
}
