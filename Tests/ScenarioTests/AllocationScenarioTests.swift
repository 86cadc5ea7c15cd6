import Foundation
import TestSupport
import Testing

@testable import Scenario

/// The allocation examples users copy (`Scenarios/allocation/`) run and pass, and bad pool
/// configurations are refused at load time with MetalLB's message and the entry's location.
@Suite("Allocation scenarios")
struct AllocationScenarioTests {
    static let examples = [
        "ip-sharing", "pool-exhaustion-and-recycle", "dual-stack", "namespace-pinned-pools", "v0.9.4-config-reload",
    ]

    @Test("Scenarios/allocation examples pass", arguments: examples)
    func examplePasses(name: String) throws {
        let path = Repository.root.appendingPathComponent("Scenarios/allocation/\(name).yaml").path
        let scenario = try ScenarioLoader().load(path)
        let report = try ScenarioRunner.run(scenario, output: OutputOptions(directory: nil))
        for result in report.results { #expect(result.passed, "\(name): \(result.message)") }
        #expect(!report.results.isEmpty)
    }

    @Test("the v0.9.4 reload example shows the refused configuration in the run's timeline")
    func refusalShown() throws {
        let path = Repository.root.appendingPathComponent("Scenarios/allocation/v0.9.4-config-reload.yaml").path
        let report = try ScenarioRunner.run(try ScenarioLoader().load(path), output: OutputOptions(directory: nil))
        #expect(
            report.humanView.contains {
                $0.contains(
                    #"config refused: new config not compatible with assigned IPs: service "default/first" cannot own "10.0.0.100" under new config"#
                )
            })
    }

    /// A current scenario with one IPAddressPool whose addresses a test replaces.
    static func poolLab(_ addresses: String, extra: String = "") -> (path: String, files: [String: String]) {
        let scenario = """
            name: pools
            seed: 1
            duration: 1s
            metallb: {version: current}
            nodes:
              - {name: node-a, mac: "02:00:00:00:00:0a", ip: 10.0.0.10}
            manifests:
              - file: pools.yaml

            """
        let pools = """
            apiVersion: metallb.io/v1beta1
            kind: IPAddressPool
            metadata: {name: first, namespace: metallb-system}
            spec:
              addresses:
              - 10.0.0.0/24
            ---
            apiVersion: metallb.io/v1beta1
            kind: IPAddressPool
            metadata: {name: second, namespace: metallb-system}
            spec:
              addresses:
              - \(addresses)
            \(extra)
            """
        return ("lab/scenario.yaml", ["lab/scenario.yaml": scenario, "lab/pools.yaml": pools])
    }

    static let badPools: [(what: String, entry: String, extra: String, message: String, line: Int, column: Int)] = [
        (
            "overlapping CIDR", "10.0.0.128/25", "",
            #"CIDR "10.0.0.128/25" in pool "second" overlaps with already defined CIDR "10.0.0.0/24""#, 13, 5
        ),
        (
            "range start after end", "10.0.1.9-10.0.1.1", "",
            #"invalid IP range "10.0.1.9-10.0.1.1": start IP "10.0.1.9" is after the end IP "10.0.1.1""#, 13, 5
        ),
        ("malformed CIDR", "10.0.1.0/33", "", #"invalid CIDR "10.0.1.0/33""#, 13, 5),
        ("unknown field", "10.0.1.0/24", "  avoidBugyIPs: true", "avoidBugyIPs", 14, 3),
    ]

    @Test("bad pool configuration: MetalLB's message at the entry's file:line:column", arguments: badPools)
    func badPool(what: String, entry: String, extra: String, message: String, line: Int, column: Int) throws {
        let lab = Self.poolLab(entry, extra: extra)
        do {
            _ = try ScenarioLoader(files: MemoryFiles(lab.files)).load(lab.path)
            Issue.record("\(what): the scenario should not load")
        } catch {
            #expect(error.description.contains(message), "\(what): \(error)")
            #expect(
                error.location.file == "lab/pools.yaml" && error.location.line == line
                    && error.location.column == column,
                "\(what): \(error.location)")
        }
    }

    @Test("a duplicate pool name in the v0.9.4 ConfigMap is refused at the second definition")
    func duplicatePool() throws {
        let scenario = """
            name: pools
            seed: 1
            duration: 1s
            metallb: {version: v0.9.4}
            nodes:
              - {name: node-a, mac: "02:00:00:00:00:0a", ip: 10.0.0.10}
            manifests:
              - apiVersion: v1
                kind: ConfigMap
                metadata: {namespace: metallb-system, name: config}
                data:
                  config: |
                    address-pools:
                    - name: default
                      protocol: layer2
                      addresses: [10.0.0.0/24]
                    - name: default
                      protocol: layer2
                      addresses: [10.0.1.0/24]

            """
        do {
            _ = try ScenarioLoader(files: MemoryFiles(["lab/scenario.yaml": scenario])).load("lab/scenario.yaml")
            Issue.record("should not load")
        } catch {
            #expect(error.description.contains(#"duplicate definition of pool "default""#), "\(error)")
            #expect(error.location.line == 17, "\(error.location)")
        }
    }

    @Test("a v0.9.4 scenario with an IPAddressPool is refused, naming the version")
    func versionMismatch() throws {
        var lab = Self.poolLab("10.0.1.0/24")
        lab.files["lab/scenario.yaml"] = lab.files["lab/scenario.yaml"]!.replacingOccurrences(
            of: "version: current", with: "version: v0.9.4")
        do {
            _ = try ScenarioLoader(files: MemoryFiles(lab.files)).load(lab.path)
            Issue.record("should not load")
        } catch {
            #expect(error.description.contains("MetalLB v0.9.4 has no IPAddressPool resource"), "\(error)")
        }
    }
}
