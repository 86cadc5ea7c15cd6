import Foundation
import Testing

@testable import Scenario

@Suite("Durations, percentages and IP:PORT")
struct ValueParsingTests {
    @Test(
        "durations take ns, us, ms, s, m, h, exactly",
        arguments: [
            ("50us", Int64(50_000)), ("250ns", 250), ("100ms", 100_000_000), ("1.1s", 1_100_000_000),
            ("0.5ms", 500_000), ("1.000000001s", 1_000_000_001), ("5m", 300_000_000_000), ("1h", 3_600_000_000_000),
            ("1.5h", 5_400_000_000_000), ("0s", 0), ("2s", 2_000_000_000), ("0.0000000010s", 1),
        ])
    func validDuration(text: String, nanoseconds: Int64) throws {
        var lab = try Lab()
        try lab.change("  latency: 50us\n", "  latency: \(text)\n")
        let scenario = try lab.load()
        #expect(scenario.world.latency.nanoseconds == nanoseconds)
    }

    @Test(
        "anything else is an error at the value",
        arguments: [
            "10 seconds", "1.5", "10", "-1s", "1e3ms", "0.0000000001s", ".5s", "5.s", "s", "5 m", "1.1.1s", "10sec",
            "fast",
        ])
    func invalidDuration(text: String) throws {
        var lab = try Lab()
        try lab.change("  latency: 50us\n", "  latency: \(text)\n")
        let error = lab.error()
        expectLocation(
            error, file: Lab.scenarioPath, try position(ofValue: text, after: "  latency: ", in: lab.scenario))
        #expect(error?.message.contains("segment.latency") == true, "\(String(describing: error))")
        #expect(
            error?.message.contains("\"\(text)\"") == true,
            "the message quotes what was found: \(String(describing: error))")
    }

    @Test("the run's duration must be longer than zero, and is read exactly")
    func runDuration() throws {
        var lab = try Lab()
        try lab.change("duration: 10s\n", "duration: 1.25m\n")
        #expect(try lab.load().duration.nanoseconds == 75_000_000_000)
        var zero = try Lab()
        try zero.change("duration: 10s\n", "duration: 0s\n")
        expectLocation(
            zero.error(), file: Lab.scenarioPath, try position(ofValue: "0s", after: "duration: ", in: zero.scenario))
    }

    @Test(
        "percentages: 0%, fractions to 0.0001 %, a bare number is percent",
        arguments: [
            ("0%", UInt32(0)), ("0.5%", 5_000), ("2", 20_000), ("2%", 20_000), ("100%", 1_000_000),
            ("12.3456%", 123_456),
            ("0.0001%", 1), ("33.3%", 333_000),
        ])
    func validPercentage(text: String, ppm: UInt32) throws {
        var lab = try Lab()
        try lab.change("  loss: 0%\n", "  loss: \(text)\n")
        #expect(try lab.load().world.lossPPM == ppm)
    }

    @Test(
        "percentages out of range or malformed are errors at the value",
        arguments: [
            "101%", "100.01%", "-1%", "abc", "0.00001%", "5 %", "1/2", "0.5%%",
        ])
    func invalidPercentage(text: String) throws {
        var lab = try Lab()
        try lab.change("  loss: 0%\n", "  loss: \(text)\n")
        let error = lab.error()
        expectLocation(error, file: Lab.scenarioPath, try position(ofValue: text, after: "  loss: ", in: lab.scenario))
        #expect(error?.message.contains("segment.loss") == true, "\(String(describing: error))")
    }

    @Test(
        "IP:PORT targets",
        arguments: [
            ("10.200.200.120:8080", "10.200.200.120", UInt16(8080)), ("10.200.200.121:1", "10.200.200.121", 1),
            ("10.200.200.122:65535", "10.200.200.122", 65535),
        ])
    func validTarget(text: String, ip: String, port: UInt16) throws {
        var lab = try Lab()
        try lab.change("target: \"10.200.200.120:8080\"", "target: \"\(text)\"")
        let probe = try #require(try lab.load().world.clients.first?.probe)
        #expect(probe.target.description == ip && probe.port == port)
    }

    @Test(
        "bad IP:PORT targets are errors at the value",
        arguments: [
            "10.200.200.120", "10.200.200.120:0", "10.200.200.120:65536", "10.200.200.120:", ":8080", "nginx:8080",
            "10.200.200.120:80:80", "10.200.200.300:80", "10.200.200.120:http", "10.200.200.120:-1",
        ])
    func invalidTarget(text: String) throws {
        var lab = try Lab()
        try lab.change("target: \"10.200.200.120:8080\"", "target: \"\(text)\"")
        let error = lab.error()
        expectLocation(error, file: Lab.scenarioPath, try position(of: "\"\(text)\"", in: lab.scenario))
        #expect(error?.message.contains("IP:PORT") == true, "\(String(describing: error))")
        #expect(error?.message.contains(text) == true, "\(String(describing: error))")
    }
}

@Suite("Duplicate hosts")
struct DuplicateHostTests {
    @Test("a duplicate node name is reported at the second, naming the first")
    func duplicateName() throws {
        var lab = try Lab()
        try lab.change("{name: worker-2, mac: \"00:50:56:00:3b:70\"", "{name: worker-1, mac: \"00:50:56:00:3b:70\"")
        let error = lab.error()
        expectLocation(error, file: Lab.scenarioPath, try position(of: "worker-1", in: lab.scenario, occurrence: 2))
        let first = try position(of: "worker-1", in: lab.scenario)
        #expect(
            error?.message.contains("\(Lab.scenarioPath):\(first.line):\(first.column)") == true,
            "\(String(describing: error))")
        #expect(error?.message.contains("worker-1") == true)
    }

    @Test("a duplicate MAC is reported at the second, naming the first")
    func duplicateMAC() throws {
        var lab = try Lab()
        try lab.change("mac: \"00:50:56:00:3b:70\"", "mac: \"00:50:56:00:3b:6f\"")
        let error = lab.error()
        expectLocation(
            error, file: Lab.scenarioPath, try position(of: "\"00:50:56:00:3b:6f\"", in: lab.scenario, occurrence: 2))
        let first = try position(of: "\"00:50:56:00:3b:6f\"", in: lab.scenario)
        #expect(
            error?.message.contains("\(Lab.scenarioPath):\(first.line):\(first.column)") == true,
            "\(String(describing: error))")
        #expect(error?.message.contains("00:50:56:00:3b:6f") == true)
    }

    @Test("a client with a node's IP is reported at the client, naming the node's")
    func duplicateIP() throws {
        var lab = try Lab()
        try lab.change("    ip: 10.200.200.50\n", "    ip: 10.200.200.12\n")
        let error = lab.error()
        expectLocation(
            error, file: Lab.scenarioPath, try position(of: "10.200.200.12", in: lab.scenario, occurrence: 2))
        let first = try position(of: "10.200.200.12", in: lab.scenario)
        #expect(
            error?.message.contains("\(Lab.scenarioPath):\(first.line):\(first.column)") == true,
            "\(String(describing: error))")
        #expect(error?.message.contains("10.200.200.12") == true)
    }

    @Test("a client named like a node is reported at the client")
    func clientNamedLikeANode() throws {
        var lab = try Lab()
        try lab.change("  - name: outside\n", "  - name: worker-2\n")
        let error = lab.error()
        expectLocation(error, file: Lab.scenarioPath, try position(of: "worker-2", in: lab.scenario, occurrence: 2))
        let first = try position(of: "worker-2", in: lab.scenario)
        #expect(
            error?.message.contains("\(Lab.scenarioPath):\(first.line):\(first.column)") == true,
            "\(String(describing: error))")
    }
}

/// v0.9.4's speakerlist always builds memberlist's DefaultLANConfig
/// (internal/speakerlist/speakerlist.go, `New`); only current can pick the WAN profile.
@Suite("metallb.memberlist per version")
struct MemberlistProfileVersionTests {
    @Test func wanIsRefusedWithV094() throws {
        var lab = try Lab()
        try lab.change("  version: v0.9.4\n", "  version: v0.9.4\n  memberlist: wan\n")
        let error = lab.error()
        #expect(error?.message.contains("LAN profile only") == true, "\(String(describing: error))")
        expectLocation(
            error, file: Lab.scenarioPath, try position(ofValue: "wan", after: "  memberlist: ", in: lab.scenario))
    }

    @Test func wanLoadsWithCurrent() throws {
        var lab = try Lab()
        try lab.change("  version: v0.9.4\n", "  version: current\n  memberlist: wan\n")
        lab.files["lab/config.yaml"] = """
            apiVersion: metallb.io/v1beta1
            kind: IPAddressPool
            metadata: {name: p, namespace: metallb-system}
            spec: {addresses: [10.200.200.120/32]}
            """
        _ = try lab.load()
    }
}
