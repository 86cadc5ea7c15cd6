import Foundation
import TestSupport
import Testing

/// Scenarios and manifests that cannot be loaded: `sim run` exits 65, its first line on stderr
/// is `FILE:LINE:COLUMN: message` pointing at the offending text, and an earlier good run's
/// output folder is left exactly as it was.
///
/// Each test copies the seed scenario and its manifests into a fresh folder (`Scenarios/` and
/// `Fixtures/manifests/`), changes one thing, and computes the expected line and column from
/// the changed text, so the expectation is exact without depending on the fixture's layout.
@Suite("Load errors: exit 65 with file:line:column")
struct LoadErrorTests {
    struct Expected {
        /// Relative to the test folder (sim's working directory).
        var file: String
        var line: Int
        var column: Int
        var fragments: [String]
    }

    static let scenarioPath = "Scenarios/case.yaml"
    static let serviceManifest = "Fixtures/manifests/nginx-service.yaml"
    static let configManifest = "Fixtures/manifests/metallb-v0.9.4-config.yaml"

    /// Where `needle` is in `text` (after `anchor`, if given), as the error should report it.
    static func expect(
        _ file: String, _ text: String, at needle: String, after anchor: String? = nil,
        columnOffset: Int = 0, _ fragments: [String]
    ) throws -> Expected {
        guard let place = position(of: needle, in: text, after: anchor) else {
            throw HarnessError("\"\(needle)\" is not in the changed \(file)")
        }
        return Expected(file: file, line: place.line, column: place.column + columnOffset, fragments: fragments)
    }

    static var seed: String { get throws { try Repository.text("Scenarios/seed-nginx-migration.yaml") } }

    /// Writes the changed scenario as Scenarios/case.yaml.
    static func scenario(_ folder: TemporaryDirectory, _ change: (String) throws -> String) throws -> String {
        let text = try change(try seed)
        try folder.write(scenarioPath, text)
        return text
    }

    /// Changes one of the copied manifests and writes the seed scenario unchanged as Scenarios/case.yaml.
    static func manifest(_ folder: TemporaryDirectory, _ file: String, _ change: (String) throws -> String) throws
        -> String
    {
        try folder.write(scenarioPath, try seed)
        let text = try change(String(decoding: try folder.data(file), as: UTF8.self))
        try folder.write(file, text)
        return text
    }

    static func check(_ prepare: (TemporaryDirectory) throws -> Expected) throws {
        let folder = try TemporaryDirectory("load-error")
        defer { folder.remove() }
        try folder.copySeedLayout()
        let expected = try prepare(folder)

        // A good run first: its outputs must survive the bad run untouched.
        let good = try Sim.run(["--out", "out"], in: folder.url)
        try #require(good.status == 0, "the good run should pass: \(good)")
        let before = try folder.snapshot("out")
        try #require(before.count >= 2)

        let bad = try Sim.run(["run", scenarioPath, "--out", "out"], in: folder.url)
        #expect(bad.status == 65, "a scenario that cannot be loaded exits 65: \(bad)")
        let first = try #require(bad.stderrLines.first, "sim should explain on stderr: \(bad)")
        let located = try #require(
            LocatedMessage(first), "the first stderr line should be FILE:LINE:COLUMN: message, was: \(first)")
        let reported = URL(fileURLWithPath: located.file, relativeTo: folder.url).standardizedFileURL
            .resolvingSymlinksInPath().path
        let wanted = folder.path(expected.file).standardizedFileURL.resolvingSymlinksInPath().path
        let place = "\(reported == wanted ? expected.file : located.file):\(located.line):\(located.column)"
        #expect(
            place == "\(expected.file):\(expected.line):\(expected.column)", "the error's location; sim said: \(first)")
        let missing = expected.fragments.filter { !located.message.contains($0) }
        #expect(missing.isEmpty, "the message should contain \(missing); sim said: \(first)")
        #expect(
            try folder.snapshot("out") == before, "a scenario that cannot be loaded must not touch the output folder")
    }

    // MARK: YAML syntax

    @Test("YAML: bad indentation")
    func badIndentation() throws {
        try Self.check { folder in
            let text = try Self.scenario(folder) {
                try replacingOnce($0, "\n  interface: ens192\n", "\n interface: ens192\n")
            }
            // ` interface: ens192` continues as a plain scalar on the next line, until libyaml
            // meets the `:` after `latency`.
            return try Self.expect(
                Self.scenarioPath, text, at: ": 50us", after: " interface: ens192",
                ["mapping values are not allowed"])
        }
    }

    @Test("YAML: an unclosed flow mapping")
    func unclosedFlowMapping() throws {
        try Self.check { folder in
            let text = try Self.scenario(folder) { try replacingOnce($0, "ip: 10.200.200.12}", "ip: 10.200.200.12") }
            // libyaml finds the problem where the next entry's `{` starts.
            return try Self.expect(
                Self.scenarioPath, text, at: "{name: worker-3", ["flow mapping", "did not find expected ',' or '}'"])
        }
    }

    // MARK: unknown fields

    @Test("an unknown field in segment names the field and the allowed ones")
    func unknownSegmentField() throws {
        try Self.check { folder in
            let text = try Self.scenario(folder) { try replacingOnce($0, "  latency: 50us", "  latancy: 50us") }
            return try Self.expect(
                Self.scenarioPath, text, at: "latancy",
                ["\"latancy\"", "segment", "fdbAging, interface, latency, loss"])
        }
    }

    @Test("an unknown top-level field names the field and the allowed ones")
    func unknownTopLevelField() throws {
        try Self.check { folder in
            let text = try Self.scenario(folder) { try replacingOnce($0, "\nexpect:\n", "\nexpectations:\n") }
            return try Self.expect(
                Self.scenarioPath, text, at: "expectations:",
                ["\"expectations\"", "expect", "manifests", "timeline", "nodes", "duration"])
        }
    }

    @Test("an unknown field in a Service spec is reported in the manifest file")
    func unknownServiceField() throws {
        try Self.check { folder in
            let text = try Self.manifest(folder, Self.serviceManifest) {
                try replacingOnce(
                    $0, "  type: LoadBalancer\n", "  type: LoadBalancer\n  loadBalancerIPX: 10.200.200.121\n")
            }
            return try Self.expect(
                Self.serviceManifest, text, at: "loadBalancerIPX",
                ["\"loadBalancerIPX\"", "Service spec", "loadBalancerIP,"])
        }
    }

    @Test(
        "a misspelt field in MetalLB's v0.9.4 config block is named, with what was meant, not reported as an empty pool"
    )
    func misspeltPoolField() throws {
        try Self.check { folder in
            let text = try Self.manifest(folder, Self.configManifest) {
                try replacingOnce($0, "      addresses:\n", "      adresses:\n")
            }
            return try Self.expect(
                Self.configManifest, text, at: "adresses",
                ["unknown field \"adresses\"", "address pool #1", "did you mean \"addresses\"?"])
        }
    }

    @Test("a v0.9.4 BGP pool is refused at its protocol: nothing here would announce its addresses")
    func bgpPoolRefused() throws {
        try Self.check { folder in
            let text = try Self.manifest(folder, Self.configManifest) {
                try replacingOnce($0, "      protocol: layer2\n", "      protocol: bgp\n")
            }
            return try Self.expect(
                Self.configManifest, text, at: "bgp", after: "protocol:",
                ["protocol bgp", "BGP mode is not simulated yet"])
        }
    }

    @Test("v0.9.4 BGP peers are refused at the peers key, not the line after it")
    func bgpPeersRefusedAtTheKey() throws {
        try Self.check { folder in
            let text = try Self.manifest(folder, Self.configManifest) {
                try replacingOnce(
                    $0, "    address-pools:\n",
                    "    peers:\n    - peer-address: 10.0.0.1\n      peer-asn: 64501\n      my-asn: 64500\n    address-pools:\n"
                )
            }
            return try Self.expect(Self.configManifest, text, at: "peers:", ["peers", "BGP mode is not simulated yet"])
        }
    }

    // MARK: values

    @Test("a bad IP address")
    func badIP() throws {
        try Self.check { folder in
            let text = try Self.scenario(folder) { try replacingOnce($0, "ip: 10.200.200.12}", "ip: 10.200.200.300}") }
            return try Self.expect(
                Self.scenarioPath, text, at: "10.200.200.300", ["nodes[2].ip", "\"10.200.200.300\""])
        }
    }

    @Test("a bad MAC address")
    func badMAC() throws {
        try Self.check { folder in
            let text = try Self.scenario(folder) {
                try replacingOnce($0, "\"00:50:56:00:3b:70\"", "\"00:50:56:00:3b:7g\"")
            }
            return try Self.expect(
                Self.scenarioPath, text, at: "\"00:50:56:00:3b:7g\"", ["nodes[2].mac", "00:50:56:00:3b:7g"])
        }
    }

    @Test("a bad duration")
    func badDuration() throws {
        try Self.check { folder in
            let text = try Self.scenario(folder) {
                try replacingOnce($0, "\nduration: 40s\n", "\nduration: 10 seconds\n")
            }
            return try Self.expect(Self.scenarioPath, text, at: "10 seconds", ["duration", "\"10 seconds\""])
        }
    }

    // MARK: fault actions

    @Test("a partition naming a host the scenario does not declare")
    func partitionUnknownHost() throws {
        try Self.check { folder in
            let text = try Self.scenario(folder) {
                try replacingOnce(
                    $0, "movePod: {pod: nginx, to: worker-3}", "partition: {groups: [[worker-1, master], [worker-9]]}")
            }
            return try Self.expect(Self.scenarioPath, text, at: "[[worker-1", ["partition", "worker-9"])
        }
    }

    @Test("setCondition refuses the Ready condition, which belongs to the node lifecycle")
    func setConditionReady() throws {
        try Self.check { folder in
            let text = try Self.scenario(folder) {
                try replacingOnce(
                    $0, "movePod: {pod: nginx, to: worker-3}",
                    "setCondition: {node: worker-1, type: Ready, status: \"False\"}")
            }
            return try Self.expect(Self.scenarioPath, text, at: "Ready, status", ["setCondition.type", "powerOff"])
        }
    }

    @Test("setCondition with a status that is not True, False or Unknown")
    func setConditionBadStatus() throws {
        try Self.check { folder in
            let text = try Self.scenario(folder) {
                try replacingOnce(
                    $0, "movePod: {pod: nginx, to: worker-3}",
                    "setCondition: {node: worker-1, type: NetworkUnavailable, status: yes}")
            }
            return try Self.expect(Self.scenarioPath, text, at: "yes}", ["setCondition.status", "\"yes\""])
        }
    }

    // MARK: MetalLB configuration

    @Test("a bad address range inside the v0.9.4 ConfigMap's config block points into the manifest")
    func badV094Range() throws {
        try Self.check { folder in
            let text = try Self.manifest(folder, Self.configManifest) {
                try replacingOnce($0, "10.200.200.120-10.200.200.122", "10.0.0.5-10.0.0.x")
            }
            return try Self.expect(
                Self.configManifest, text, at: "10.0.0.5-10.0.0.x",
                [
                    "parsing address pool #1: invalid CIDR \"10.0.0.5-10.0.0.x\" in pool \"default\": invalid IP range \"10.0.0.5-10.0.0.x\": invalid end IP \"10.0.0.x\""
                ])
        }
    }

    @Test("a YAML syntax error inside the v0.9.4 config block points into the manifest")
    func v094ConfigSyntaxError() throws {
        try Self.check { folder in
            let text = try Self.manifest(folder, Self.configManifest) {
                try replacingOnce($0, "protocol: layer2\n", "protocol: layer2: x\n")
            }
            return try Self.expect(Self.configManifest, text, at: ": x", ["mapping values are not allowed"])
        }
    }

    @Test("overlapping CIDRs across two v0.9.4 pools, with MetalLB's message")
    func overlappingV094Pools() throws {
        try Self.check { folder in
            let text = try Self.manifest(folder, Self.configManifest) { original in
                try #require(
                    original.hasSuffix("      - 10.200.200.120-10.200.200.122\n"),
                    "the config ends with the pool's range")
                return original
                    + "    - name: second\n      protocol: layer2\n      addresses:\n      - 10.200.200.120/30\n"
            }
            return try Self.expect(
                Self.configManifest, text, at: "10.200.200.120/30",
                [
                    "CIDR \"10.200.200.120/30\" in pool \"second\" overlaps with already defined CIDR \"10.200.200.120/31\""
                ])
        }
    }

    @Test("overlapping IPAddressPool resources (current MetalLB), with MetalLB's message")
    func overlappingIPAddressPools() throws {
        try Self.check { folder in
            let text = try Self.scenario(folder) { seed in
                var text = try replacingOnce(seed, "  version: v0.9.4\n", "  version: current\n")
                text = try replacingOnce(
                    text, "  - file: ../Fixtures/manifests/metallb-v0.9.4-config.yaml\n",
                    """
                      - apiVersion: metallb.io/v1beta1
                        kind: IPAddressPool
                        metadata: {name: first, namespace: metallb-system}
                        spec: {addresses: [10.200.200.120-10.200.200.122]}
                      - apiVersion: metallb.io/v1beta1
                        kind: IPAddressPool
                        metadata: {name: second, namespace: metallb-system}
                        spec: {addresses: [10.200.200.120/30]}
                      - apiVersion: metallb.io/v1beta1
                        kind: L2Advertisement
                        metadata: {name: l2, namespace: metallb-system}

                    """)
                return text
            }
            return try Self.expect(
                Self.scenarioPath, text, at: "10.200.200.120/30",
                [
                    "CIDR \"10.200.200.120/30\" in pool \"second\" overlaps with already defined CIDR \"10.200.200.120/31\""
                ])
        }
    }

    @Test("an IPAddressPool with metallb.version v0.9.4")
    func ipAddressPoolWithV094() throws {
        try Self.check { folder in
            let text = try Self.scenario(folder) {
                try replacingOnce(
                    $0, "  - file: ../Fixtures/manifests/nginx-service.yaml\n",
                    """
                      - file: ../Fixtures/manifests/nginx-service.yaml
                      - apiVersion: metallb.io/v1beta1
                        kind: IPAddressPool
                        metadata: {name: extra, namespace: metallb-system}
                        spec: {addresses: [10.200.201.0/24]}

                    """)
            }
            // The object itself is what v0.9.4 does not have: its mapping starts at `apiVersion`.
            return try Self.expect(
                Self.scenarioPath, text, at: "apiVersion: metallb.io/v1beta1", ["IPAddressPool", "v0.9.4"])
        }
    }

    // MARK: references

    @Test("a missing manifest file")
    func missingManifest() throws {
        try Self.check { folder in
            let text = try Self.scenario(folder) {
                try replacingOnce($0, "manifests/nginx-service.yaml", "manifests/nginx-svc.yaml")
            }
            return try Self.expect(
                Self.scenarioPath, text, at: "../Fixtures/manifests/nginx-svc.yaml", ["nginx-svc.yaml"])
        }
    }

    @Test("a pod on an unknown node points at its nodeName")
    func podOnUnknownNode() throws {
        try Self.check { folder in
            let text = try Self.scenario(folder) { try replacingOnce($0, "nodeName: worker-1,", "nodeName: worker-9,") }
            return try Self.expect(Self.scenarioPath, text, at: "worker-9", ["worker-9"])
        }
    }

    @Test("movePod to an unknown node points at the node it names")
    func movePodToUnknownNode() throws {
        try Self.check { folder in
            let text = try Self.scenario(folder) {
                try replacingOnce($0, "movePod: {pod: nginx, to: worker-3}", "movePod: {pod: nginx, to: worker-9}")
            }
            return try Self.expect(Self.scenarioPath, text, at: "worker-9", ["movePod", "worker-9"])
        }
    }
}
