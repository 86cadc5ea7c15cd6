import Foundation
import TestSupport
import Testing

/// Scenarios/regression/ipv6-client-owner-power-loss.yaml run by the `sim` binary, its trace
/// read back by tshark with checksum validation on: the client's Neighbor Discovery and its
/// probes, frame by frame.
@Suite("IPv6 client through a failover, checked with tshark")
struct IPv6ClientTests {
    static let vip = "2001:db8:0:1::200"
    static let client = "02:00:5e:10:09:99"
    static let worker2 = "02:00:5e:10:09:12"
    static let worker3 = "02:00:5e:10:09:13"

    @Test func theClientResolvesThroughTheSolicitedNodeGroupAndFollowsTheNewOwner() throws {
        let folder = try TemporaryDirectory("ipv6-client")
        defer { folder.remove() }
        let scenario = Repository.root.appendingPathComponent("Scenarios/regression/ipv6-client-owner-power-loss.yaml")
            .path
        let run = try Sim.run(["run", scenario, "--out", "out", "--report", "out/report.json"], in: folder.url)
        #expect(run.status == 0, "every expectation of the scenario should hold: \(run)")
        let trace = folder.url.appendingPathComponent("out/trace.pcap").path

        // The client's first solicitation: to the solicited-node group, with its MAC in SLLA.
        let solicitations = try Tshark.fields(
            trace, "icmpv6.type == 135 && eth.src == \(Self.client)",
            [
                "frame.time_epoch", "eth.dst", "ipv6.src", "ipv6.dst", "icmpv6.nd.ns.target_address",
                "icmpv6.opt.linkaddr",
                "ipv6.hlim", "icmpv6.checksum.status",
            ], in: folder.url)
        let first = try #require(solicitations.first)
        #expect(
            Array(first[1...]) == [
                "33:33:ff:00:02:00", "2001:db8:0:1::50", "ff02::1:ff00:200", Self.vip, Self.client, "255", "1",
            ])

        // worker-2's kernel must resolve the client before MetalLB's answer can leave: its
        // solicitation, from its link-local address to the client's solicited-node group...
        let resolution = try #require(
            try Tshark.fields(
                trace, "icmpv6.type == 135 && eth.src == \(Self.worker2)",
                [
                    "frame.time_epoch", "eth.dst", "ipv6.src", "ipv6.dst", "icmpv6.nd.ns.target_address",
                    "icmpv6.opt.linkaddr", "ipv6.hlim", "icmpv6.checksum.status",
                ], in: folder.url
            ).first)
        #expect(Double(resolution[0])! > Double(first[0])!)
        #expect(
            Array(resolution[1...]) == [
                "33:33:ff:00:00:50", "fe80::5eff:fe10:912", "ff02::1:ff00:50", "2001:db8:0:1::50", Self.worker2,
                "255", "1",
            ])
        // ...and the client's answer, S=1 O=1 with its MAC (the solicitation was multicast).
        let resolved = try #require(
            try Tshark.fields(
                trace, "icmpv6.type == 136 && icmpv6.nd.na.target_address == 2001:db8:0:1::50",
                [
                    "frame.time_epoch", "eth.src", "eth.dst", "ipv6.src", "ipv6.dst", "icmpv6.nd.na.flag.s",
                    "icmpv6.nd.na.flag.o", "icmpv6.opt.linkaddr",
                ], in: folder.url
            ).first)
        #expect(Double(resolved[0])! > Double(resolution[0])!)
        #expect(
            Array(resolved[1...]) == [
                Self.client, Self.worker2, "2001:db8:0:1::50", "fe80::5eff:fe10:912", "1", "1", Self.client,
            ])

        // Then worker-2's solicited advertisement answers the client, unicast, S=1 O=0, from
        // its link-local address.
        let solicited = try Tshark.fields(
            trace, "icmpv6.type == 136 && icmpv6.nd.na.flag.s == 1 && icmpv6.nd.na.target_address == \(Self.vip)",
            [
                "frame.time_epoch", "eth.src", "eth.dst", "ipv6.src", "ipv6.dst", "icmpv6.nd.na.flag.o",
                "icmpv6.opt.linkaddr",
            ], in: folder.url)
        let answer = try #require(solicited.first)
        #expect(Double(answer[0])! > Double(resolved[0])!)
        #expect(
            Array(answer[1...]) == [
                Self.worker2, Self.client, "fe80::5eff:fe10:912", "2001:db8:0:1::50", "0", Self.worker2,
            ])

        // After the power loss at 20.37 s, worker-3's unsolicited override advertisements.
        let unsolicited = try Tshark.fields(
            trace, "icmpv6.type == 136 && icmpv6.nd.na.flag.s == 0 && eth.src == \(Self.worker3)",
            [
                "frame.time_epoch", "ipv6.dst", "icmpv6.nd.na.flag.o", "icmpv6.nd.na.target_address",
            ], in: folder.url)
        let takeover = try #require(unsolicited.first)
        let takeoverTime = Double(takeover[0])!
        #expect(takeoverTime > 20.37 + 5 && takeoverTime < 20.37 + 10.5, "first takeover NA at \(takeoverTime)")
        #expect(Array(takeover[1...]) == ["ff02::1", "1", Self.vip])

        // The report: the client's entry moves to worker-3's MAC when that advertisement lands.
        let data = try Data(contentsOf: folder.url.appendingPathComponent("out/report.json"))
        let report = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let clients = try #require(report["clients"] as? [[String: Any]])
        let arp = try #require(clients.first?["arp"] as? [[String: Any]])
        let moved = try #require(arp.first { $0["mac"] as? String == Self.worker3 })
        #expect(moved["ip"] as? String == Self.vip)
        #expect(moved["state"] as? String == "STALE")
        #expect(abs((moved["t"] as? Double ?? 0) - takeoverTime) < 0.001, "moved at \(moved["t"] ?? "?")")

        // SYN-ACKs: worker-2's before the power loss, only worker-3's after the takeover.
        let synAcks = try Tshark.fields(
            trace, "tcp.flags.syn == 1 && tcp.flags.ack == 1 && ipv6.src == \(Self.vip)",
            ["frame.time_epoch", "eth.src", "ipv6.dst"], in: folder.url)
        let before = synAcks.filter { Double($0[0])! < 20.37 }
        let after = synAcks.filter { Double($0[0])! > takeoverTime }
        #expect(!before.isEmpty && before.allSatisfy { $0[1] == Self.worker2 && $0[2] == "2001:db8:0:1::50" })
        #expect(!after.isEmpty && after.allSatisfy { $0[1] == Self.worker3 }, "\(Set(after.map { $0[1] }))")
        #expect(
            !synAcks.contains { Double($0[0])! > 20.37 && Double($0[0])! < takeoverTime }, "nothing answers in between")

        // Every checksum verified good, nothing malformed, no expert errors.
        let bad = try ExternalTool.run(
            try ExternalTool.tshark(),
            [
                "-r", trace, "-o", "tcp.check_checksum:TRUE", "-Y",
                "_ws.malformed || _ws.expert.severity >= error || tcp.checksum.status != 1 || icmpv6.checksum.status != 1",
            ], in: folder.url)
        #expect(bad.stdout.isEmpty, "frames tshark objects to:\n\(bad.stdout)")
        let checked = try Tshark.fields(trace, "tcp || icmpv6", ["frame.number"], in: folder.url)
        #expect(checked.count > 1000, "the check above saw \(checked.count) TCP and ICMPv6 frames")
    }
}
