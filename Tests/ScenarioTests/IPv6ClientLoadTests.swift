import Testing
import Wire

@testable import Scenario
@testable import Simulation

/// Clients with an IPv6 address (`ipv6:` beside the fixed `ip:`), `[IPv6]:PORT` probe targets,
/// and the expectations that name them; every mistake reported at its place.
@Suite("Scenario: IPv6 clients")
struct IPv6ClientLoadTests {
    static let probeLine = "    probe: {target: \"10.200.200.120:8080\", every: 100ms}\n"

    @Test func anIPv6ClientProbesABracketedTarget() throws {
        var lab = try Lab()
        try lab.change(
            Self.probeLine,
            """
                ipv6: "2001:db8::50"
                probe: {target: "[2001:db8:0:1::200]:80", every: 100ms}
              - name: legacy
                mac: "00:50:56:00:3b:98"
                ip: 10.200.200.51

            """)
        let world = try lab.load().world
        #expect(world.clients[0].ipv6 == IPv6Address("2001:db8::50")!)
        #expect(world.clients[0].probe?.target == .v6(IPv6Address("2001:db8:0:1::200")!))
        #expect(world.clients[0].probe?.port == 80)
        #expect(world.clients[0].probe?.targetText == "[2001:db8:0:1::200]:80")
        #expect(world.clients[1].ipv6 == nil, "ipv6 is optional: IPv4 clients are written as before")
    }

    @Test func anIPv6TargetOnAClientWithoutIPv6IsAnErrorAtTheTarget() throws {
        var lab = try Lab()
        try lab.change(Self.probeLine, "    probe: {target: \"[2001:db8::200]:80\", every: 100ms}\n")
        let error = lab.error()
        expectLocation(error, file: Lab.scenarioPath, try position(of: "\"[2001:db8::200]:80\"", in: lab.scenario))
        #expect(error?.message.contains("has none; give it ipv6:") == true, "\(String(describing: error))")
    }

    @Test(
        "malformed targets are errors at the value",
        arguments: [
            "[2001:db8::200]", "2001:db8::200:80", "[2001:db8::200]80", "[10.0.0.1]:80", "[2001:db8::zz]:80",
            "[2001:db8::200]:0",
            "[2001:db8::200:80",
        ])
    func malformedTarget(text: String) throws {
        var lab = try Lab()
        try lab.change(Self.probeLine, "    ipv6: \"2001:db8::50\"\n    probe: {target: \"\(text)\", every: 100ms}\n")
        let error = lab.error()
        expectLocation(error, file: Lab.scenarioPath, try position(of: "\"\(text)\"", in: lab.scenario))
        #expect(error?.message.contains("[IPv6]:PORT") == true, "\(String(describing: error))")
    }

    @Test(
        "ipv6 must be a global unicast address", arguments: ["fe80::1", "ff02::1", "::", "10.200.200.60", "nonsense"])
    func invalidClientAddress(text: String) throws {
        var lab = try Lab()
        try lab.change(Self.probeLine, "    ipv6: \"\(text)\"\n" + Self.probeLine)
        let error = lab.error()
        expectLocation(error, file: Lab.scenarioPath, try position(of: "\"\(text)\"", in: lab.scenario))
        #expect(error?.message.contains("clients[0].ipv6") == true, "\(String(describing: error))")
    }

    @Test func maxDowntimeAndClientARPTakeIPv6() throws {
        var lab = try Lab()
        try lab.change(
            Self.probeLine, "    ipv6: \"2001:db8::50\"\n    probe: {target: \"[2001:db8::200]:80\", every: 100ms}\n")
        try lab.change(
            "  - externalIP: {service: default/nginx, ip: 10.200.200.120}\n",
            """
              - maxDowntime: {client: outside, target: "[2001:db8::200]:80", max: 2s}
              - clientARP: {client: outside, ip: "2001:db8::200", node: worker-1, by: 5s}

            """)
        let kinds = try lab.load().expectations.map(\.kind)
        guard case .maxDowntime(_, let target, let port, _) = kinds[1], case .clientARP(_, let ip, _, _, _) = kinds[2]
        else {
            Issue.record("\(kinds)")
            return
        }
        #expect(target == .v6(IPv6Address("2001:db8::200")!) && port == 80)
        #expect(ip == .v6(IPv6Address("2001:db8::200")!))
    }

    @Test func clientARPForAnIPv6AddressNeedsAnIPv6Client() throws {
        var lab = try Lab()
        try lab.change(
            "  - externalIP: {service: default/nginx, ip: 10.200.200.120}\n",
            "  - clientARP: {client: outside, ip: \"2001:db8::200\", node: worker-1, by: 5s}\n")
        let error = lab.error()
        expectLocation(error, file: Lab.scenarioPath, try position(of: "\"2001:db8::200\"", in: lab.scenario))
        #expect(error?.message.contains("no ipv6 address") == true, "\(String(describing: error))")
    }
}
