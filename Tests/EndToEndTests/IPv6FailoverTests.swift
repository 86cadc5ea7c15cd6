import Foundation
import TestSupport
import Testing

/// Scenarios/failover/ipv6-owner-power-loss.yaml run by the `sim` binary, its trace read back by
/// tshark: who advertised the IPv6 service address, when, from which MAC.
@Suite("IPv6 failover, checked with tshark")
struct IPv6FailoverTests {
    static let vip = "2001:db8:0:1::200"
    static let worker2 = "02:00:5e:10:00:12"
    static let worker3 = "02:00:5e:10:00:13"

    struct Advertisement {
        var time: Double
        var source: String
        var destination: String
        var solicited: Bool
        var override: Bool
        var targetLinkLayer: String
        var checksumGood: Bool
    }

    @Test func theNewOwnerSendsFiveUnsolicitedOverrideAdvertisementsAndTheOldOneIsSilent() throws {
        let folder = try TemporaryDirectory("ipv6-failover")
        defer { folder.remove() }
        let scenario = Repository.root.appendingPathComponent("Scenarios/failover/ipv6-owner-power-loss.yaml").path
        let run = try Sim.run(["run", scenario, "--out", "out"], in: folder.url)
        #expect(run.status == 0, "every expectation of the scenario should hold: \(run)")

        let trace = folder.url.appendingPathComponent("out/trace.pcap").path
        let fields = try Tshark.fields(
            trace, "icmpv6.type == 136 && icmpv6.nd.na.target_address == \(Self.vip)",
            [
                "frame.time_epoch", "eth.src", "ipv6.dst", "icmpv6.nd.na.flag.s", "icmpv6.nd.na.flag.o",
                "icmpv6.opt.linkaddr",
                "icmpv6.checksum.status",
            ], in: folder.url)
        let advertisements = fields.map { f -> Advertisement in
            Advertisement(
                time: Double(f[0]) ?? -1, source: f[1], destination: f[2], solicited: f[3] == "1",
                override: f[4] == "1", targetLinkLayer: f[5], checksumGood: f[6] == "1")
        }
        try #require(!advertisements.isEmpty, "no advertisements for \(Self.vip) in the trace")
        // The run starts from a running cluster: worker-2 owned the address before 0 and shows
        // it by answering the client's solicitations (S=1, O=0, unicast to the client).
        let solicited = advertisements.filter(\.solicited)
        let unsolicited = advertisements.filter { !$0.solicited }
        let before = solicited.filter { $0.time < 20 }
        #expect(!before.isEmpty && before.allSatisfy { $0.source == Self.worker2 }, "worker-2 owns the address first")
        #expect(solicited.allSatisfy { !$0.override && $0.destination != "ff02::1" && $0.checksumGood })
        #expect(
            unsolicited.allSatisfy { $0.destination == "ff02::1" && $0.override && $0.checksumGood && $0.time > 20 },
            "unsolicited override advertisements only for the takeover")
        #expect(
            advertisements.allSatisfy { $0.targetLinkLayer == $0.source },
            "the target link-layer option is the sender's MAC")
        #expect(
            !advertisements.contains { $0.time >= 20 && $0.source == Self.worker2 }, "a powered-off node sends nothing")

        // (At 55 s Kubernetes marks worker-2 NotReady and its pod leaves the endpoints: that
        // endpoint change re-applies the service and opens a new window, as in MetalLB.)
        let takeover = unsolicited.filter { $0.source == Self.worker3 && $0.time < 50 }
        try #require(takeover.count == 5, "five rounds from worker-3, got \(takeover.map(\.time))")
        // Memberlist's detection plus the suspicion timeout (4 s minimum) before the first.
        #expect(takeover[0].time > 20 + 4 && takeover[0].time < 20 + 28, "first takeover NA at \(takeover[0].time)")
        for (earlier, later) in zip(takeover, takeover.dropFirst()) {
            #expect(abs(later.time - earlier.time - 1.1) < 1e-6, "rounds 1.1 s apart: \(earlier.time) -> \(later.time)")
        }

        // Warnings too for Neighbor Discovery; for the rest, errors (the client's probes end in
        // a RST, which tshark flags as a warning).
        let problems =
            try Tshark.problems(trace, atLeast: "warning", among: "icmpv6", in: folder.url)
            + Tshark.problems(trace, in: folder.url)
        #expect(problems.isEmpty, "tshark found problems:\n\(problems)")
    }
}
