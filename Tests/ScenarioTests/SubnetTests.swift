import Testing

@testable import Scenario

/// Hosts' subnets decide what is on-link: a client ARPs only inside its own subnet (anything
/// else would go to a gateway, which is not modelled, so it is refused), and a pool address
/// outside every node's subnet is never ARPed for on a real segment (a warning).
@Suite("Subnets: prefixes, on-link probe targets and off-link pools")
struct SubnetTests {
    static func load(
        nodeIPs: [String], clientIP: String, target: String = "192.0.2.200", pool: String = "192.0.2.200/32",
        expect: String = ""
    )
        throws(ScenarioError) -> Scenario
    {
        let nodes = nodeIPs.enumerated().map { index, ip in
            "  - {name: node-\(index), mac: \"02:00:00:00:00:1\(index)\", ip: \(ip)}"
        }.joined(separator: "\n")
        let text = """
            name: subnets
            duration: 1s
            metallb: {version: current}
            nodes:
            \(nodes)
            clients:
              - {name: client, mac: "02:00:00:00:00:99", ip: \(clientIP), probe: {target: "\(target):80", every: 1s}}
            manifests:
              - apiVersion: metallb.io/v1beta1
                kind: IPAddressPool
                metadata: {name: public, namespace: metallb-system}
                spec: {addresses: [\(pool)]}
            \(expect)
            """
        return try ScenarioLoader(files: MemoryFiles(["lab/s.yaml": text])).load("lab/s.yaml")
    }

    @Test(
        """
        An address without a prefix takes a written one whose subnet holds it, or else the \
        longest prefix up to /24 that holds every host address
        """)
    func defaultPrefixes() throws {
        let plain = try Self.load(nodeIPs: ["192.0.2.11", "192.0.2.12"], clientIP: "192.0.2.50")
        #expect(plain.world.nodes.map(\.prefixLength) == [24, 24])
        #expect(plain.world.clients.map(\.prefixLength) == [24])

        let spread = try Self.load(
            nodeIPs: ["192.168.1.11", "192.168.1.12"], clientIP: "192.168.2.50", target: "192.168.1.200",
            pool: "192.168.1.200/32")
        #expect(spread.world.nodes.map(\.prefixLength) == [22, 22])

        let written = try Self.load(
            nodeIPs: ["192.0.2.11/25", "192.0.2.12"], clientIP: "192.0.2.50", target: "192.0.2.100",
            pool: "192.0.2.100/32")
        #expect(written.world.nodes.map(\.prefixLength) == [25, 25])
        #expect(written.world.clients.map(\.prefixLength) == [25])
    }

    @Test("a client whose probe target is off-link is refused at the target: routing is not modelled")
    func offLinkTargetRefused() {
        #expect {
            try Self.load(nodeIPs: ["192.0.2.11/25"], clientIP: "192.0.2.50/25")
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("lab/s.yaml:7:") && text.contains("probe target 192.0.2.200 is not on-link")
                && text.contains("192.0.2.0/25")
        }
    }

    @Test("a pool address outside every node's subnet is warned about at the address; an on-link one is not")
    func offLinkPoolWarned() throws {
        let onLink = try Self.load(nodeIPs: ["192.0.2.11"], clientIP: "192.0.2.50")
        #expect(onLink.warnings.isEmpty, "\(onLink.warnings)")
        let offLink = try Self.load(
            nodeIPs: ["192.0.2.11"], clientIP: "192.0.2.50", pool: "192.0.2.200/32, 198.51.100.0/30")
        #expect(offLink.warnings.count == 1, "\(offLink.warnings)")
        let warning = try #require(offLink.warnings.first)
        #expect(warning.message.contains("198.51.100.0/30 is not on-link for any node (192.0.2.0/24)"))
        #expect(warning.location.line == 12 && warning.location.column == 40, "\(warning)")
    }

    @Test("onLink asserts that some node's subnet holds an address, or with expected: false that none does")
    func onLinkExpectation() throws {
        let scenario = try Self.load(
            nodeIPs: ["192.0.2.11/25"], clientIP: "192.0.2.50", target: "192.0.2.100", pool: "192.0.2.100/32",
            expect: """
                expect:
                  - onLink: {ip: 192.0.2.100}
                  - onLink: {ip: 192.0.2.200}
                  - onLink: {ip: 192.0.2.200, expected: false}
                """)
        let report = try ScenarioRunner.run(scenario, output: OutputOptions(directory: nil))
        #expect(report.results.map(\.passed) == [true, false, true], "\(report.results.map(\.message))")
        #expect(report.results[0].message == "192.0.2.100 is on-link for node-0")
        #expect(
            report.results[1].message
                == "192.0.2.200 is on no node's subnet (192.0.2.0/25): no client on the segment ARPs for it")
    }

    @Test("onLink takes IPv4 addresses only: nodes carry no IPv6 prefix")
    func onLinkRefusesIPv6() {
        #expect {
            try Self.load(
                nodeIPs: ["192.0.2.11"], clientIP: "192.0.2.50",
                expect: """
                    expect:
                      - onLink: {ip: "2001:db8::1"}
                    """)
        } throws: { error in
            "\(error)".hasPrefix("lab/s.yaml:14:18:") && "\(error)".contains("IPv6 on-link prefixes are not modelled")
        }
    }

    @Test("an address with an invalid prefix is refused at the address", arguments: ["192.0.2.11/33", "192.0.2.11/x"])
    func invalidPrefix(ip: String) {
        #expect {
            try Self.load(nodeIPs: [ip], clientIP: "192.0.2.50")
        } throws: { error in
            "\(error)".hasPrefix("lab/s.yaml:5:")
                && "\(error)".contains("expected an IPv4 address such as 192.168.1.11")
        }
    }
}
