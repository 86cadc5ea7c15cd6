import Foundation
import TestSupport
import Testing

/// The scenarios in Scenarios/failover/, run by the `sim` binary as a regression suite: every
/// expectation must hold, and the traces, read back by tshark, must show who claimed the
/// address, when and with which MAC.
@Suite("Failover scenarios, checked with tshark")
struct FailoverScenarioTests {
    /// An ARP frame claiming an address: a gratuitous request or reply, or an answer.
    struct Claim {
        var time: Double
        var mac: String
        var opcode: Int
        var target: String
    }

    static let scenarios = [
        "owner-power-loss-current", "speaker-crash-vs-graceful", "partition", "etp-local",
        "v094-single-replica-node-loss", "ipv6-owner-power-loss", "l2-advertisement-selectors",
    ]

    /// Runs a scenario into a fresh folder; returns the folder and the trace path.
    static func run(_ name: String) throws -> (TemporaryDirectory, String, ProcessResult) {
        let folder = try TemporaryDirectory("failover-\(name)")
        let scenario = Repository.root.appendingPathComponent("Scenarios/failover/\(name).yaml").path
        let result = try Sim.run(["run", scenario, "--out", "out"], in: folder.url)
        return (folder, folder.url.appendingPathComponent("out/trace.pcap").path, result)
    }

    /// ARP frames whose sender protocol address is `ip` (every claim to own it).
    static func claims(of ip: String, in trace: String, folder: URL) throws -> [Claim] {
        try Tshark.fields(
            trace, "arp.src.proto_ipv4 == \(ip)",
            ["frame.time_epoch", "arp.src.hw_mac", "arp.opcode", "arp.dst.proto_ipv4"], in: folder
        ).map { f in
            Claim(time: Double(f[0]) ?? -1, mac: f[1], opcode: Int(f[2]) ?? 0, target: f[3])
        }
    }

    @Test(arguments: scenarios)
    func everyExpectationHoldsAndTheTraceDecodesCleanly(_ name: String) throws {
        let (folder, trace, result) = try Self.run(name)
        defer { folder.remove() }
        #expect(result.status == 0, "\(name): \(result)")
        let problems = try Tshark.problems(trace, in: folder.url)
        #expect(problems.isEmpty, "tshark found problems in \(name):\n\(problems)")
    }

    /// Rounds: a gratuitous request and reply (sender and target the address) sent together.
    static func gratuitousRounds(_ claims: [Claim], mac: String, ip: String) -> [Double] {
        claims.filter { $0.mac == mac && $0.target == ip && $0.opcode == 1 }.map(\.time)
    }

    /// Rounds grouped into bursts: a new burst starts when the gap exceeds the 1.1 s ticker.
    static func bursts(_ rounds: [Double]) -> [[Double]] {
        var result: [[Double]] = []
        for time in rounds {
            if let last = result.last?.last, time - last < 1.2 {
                result[result.count - 1].append(time)
            } else {
                result.append([time])
            }
        }
        return result
    }

    @Test func afterAPowerLossTheNewOwnerSendsFiveRoundsAndTheOldOneIsSilent() throws {
        let (folder, trace, _) = try Self.run("owner-power-loss-current")
        defer { folder.remove() }
        let ip = "198.51.100.200"
        let worker1 = "02:00:5e:10:01:11"
        let worker2 = "02:00:5e:10:01:12"
        let powerLoss = 20.37
        let claims = try Self.claims(of: ip, in: trace, folder: folder.url)
        #expect(claims.contains { $0.mac == worker2 && $0.time < powerLoss }, "worker-2 owns the address first")
        #expect(
            !claims.contains { $0.mac == worker2 && $0.time >= powerLoss }, "nothing from worker-2 after its power loss"
        )
        #expect(
            Set(claims.filter { $0.time >= powerLoss }.map(\.mac)) == [worker1], "only worker-1 claims it afterwards")
        let bursts = Self.bursts(Self.gratuitousRounds(claims, mac: worker1, ip: ip))
        // The takeover: memberlist's window (a probe within 5 ticks, 1 s to fail, the 4 s
        // suspicion minimum), then five rounds 1.1 s apart.
        let takeover = try #require(bursts.first)
        try #require(takeover.count == 5, "five rounds from worker-1 at the takeover: \(bursts)")
        #expect(
            takeover[0] >= powerLoss + 5 && takeover[0] <= powerLoss + 10.5,
            "the first takeover round at \(takeover[0]) s")
        for (earlier, later) in zip(takeover, takeover.dropFirst()) {
            #expect(abs(later - earlier - 1.1) < 1e-6, "rounds 1.1 s apart: \(earlier) -> \(later)")
        }
        // The endpoint change when worker-2 turns NotReady (T + 30 s .. T + 45 s) re-applies
        // the service: one more burst of five, same MAC, and nothing else.
        #expect(bursts.count == 2, "a takeover burst and a re-apply burst: \(bursts)")
        if bursts.count == 2 {
            #expect(
                bursts[1].count == 5 && bursts[1][0] >= powerLoss + 30 && bursts[1][0] <= powerLoss + 45.1,
                "the re-apply burst when worker-2 turns NotReady: \(bursts[1])")
        }
        // Each round is a request and a reply.
        let replies = claims.filter { $0.mac == worker1 && $0.opcode == 2 && $0.target == ip }
        #expect(replies.count == 5 * bursts.count)
    }

    @Test func duringThePartitionBothSidesClaimTheAddress() throws {
        let (folder, trace, _) = try Self.run("partition")
        defer { folder.remove() }
        let claims = try Self.claims(of: "198.51.100.200", in: trace, folder: folder.url)
        let during = Set(claims.filter { $0.time > 20 && $0.time < 50 }.map(\.mac))
        #expect(during == ["02:00:5e:10:01:11", "02:00:5e:10:01:12"], "claims during the partition from \(during)")
        // The views agree by 111 s (heal at 50.37 s, a join within a minute, a gossip round):
        // from then on only worker-2 claims it, and worker-1 did claim it after the heal.
        let late = Set(claims.filter { $0.time > 111 }.map(\.mac))
        #expect(late.isSubset(of: ["02:00:5e:10:01:12"]), "only worker-2 claims it after the views agree: \(late)")
        #expect(
            claims.contains { $0.mac == "02:00:5e:10:01:11" && $0.time > 50.37 },
            "worker-1 still claims it right after the heal")
    }

    @Test func v094LeavesTheAddressUnclaimedUntilThePodIsRescheduled() throws {
        let (folder, trace, _) = try Self.run("v094-single-replica-node-loss")
        defer { folder.remove() }
        let claims = try Self.claims(of: "10.200.200.120", in: trace, folder: folder.url)
        #expect(!claims.contains { $0.time >= 30 && $0.time < 360 }, "nobody claims the address in the gap")
        let back = try #require(claims.first { $0.time >= 360 })
        #expect(back.mac != "00:50:56:00:3b:6f", "a surviving worker takes over, not the dead one")
    }
}
