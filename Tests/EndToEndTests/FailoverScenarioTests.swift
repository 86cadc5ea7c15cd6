import Foundation
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

    static let scenarios = ["owner-power-loss-current", "speaker-crash-vs-graceful", "partition", "etp-local",
                            "v094-single-replica-node-loss", "ipv6-owner-power-loss"]

    /// Runs a scenario into a fresh folder; returns the folder and the trace path.
    static func run(_ name: String) throws -> (TemporaryDirectory, String, ProcessResult) {
        let folder = try TemporaryDirectory("failover-\(name)")
        let scenario = Repository.root.appendingPathComponent("Scenarios/failover/\(name).yaml").path
        let result = try Sim.run(["run", scenario, "--out", "out"], in: folder.url)
        return (folder, folder.url.appendingPathComponent("out/trace.pcap").path, result)
    }

    /// ARP frames whose sender protocol address is `ip` (every claim to own it).
    static func claims(of ip: String, in trace: String, folder: URL) throws -> [Claim] {
        let result = try ExternalTool.run(try ExternalTool.tshark(), [
            "-r", trace, "-Y", "arp.src.proto_ipv4 == \(ip)", "-T", "fields", "-E", "separator=|",
            "-e", "frame.time_epoch", "-e", "arp.src.hw_mac", "-e", "arp.opcode", "-e", "arp.dst.proto_ipv4",
        ], in: folder)
        return result.stdout.split(separator: "\n").map { line in
            let f = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            return Claim(time: Double(f[0]) ?? -1, mac: f[1], opcode: Int(f[2]) ?? 0, target: f[3])
        }
    }

    @Test(arguments: scenarios)
    func everyExpectationHoldsAndTheTraceDecodesCleanly(_ name: String) throws {
        let (folder, trace, result) = try Self.run(name)
        defer { folder.remove() }
        #expect(result.status == 0, "\(name): \(result)")
        let problems = try ExternalTool.run(try ExternalTool.tshark(),
                                            ["-r", trace, "-Y", "_ws.malformed || _ws.expert.severity >= error"], in: folder.url)
        #expect(problems.stdout.isEmpty, "tshark found problems in \(name):\n\(problems.stdout)")
    }

    /// Rounds: a gratuitous request and reply (sender and target the address) sent together.
    static func gratuitousRounds(_ claims: [Claim], mac: String, ip: String) -> [Double] {
        claims.filter { $0.mac == mac && $0.target == ip && $0.opcode == 1 }.map(\.time)
    }

    @Test func afterAPowerLossTheNewOwnerSendsFiveRoundsAndTheOldOneIsSilent() throws {
        let (folder, trace, _) = try Self.run("owner-power-loss-current")
        defer { folder.remove() }
        let ip = "198.51.100.200", worker1 = "02:00:5e:10:01:11", worker2 = "02:00:5e:10:01:12"
        let claims = try Self.claims(of: ip, in: trace, folder: folder.url)
        #expect(claims.contains { $0.mac == worker2 && $0.time < 20 }, "worker-2 owns the address first")
        #expect(!claims.contains { $0.mac == worker2 && $0.time >= 20 }, "nothing from worker-2 after its power loss")
        let rounds = Self.gratuitousRounds(claims, mac: worker1, ip: ip)
        try #require(rounds.count == 5, "five rounds from worker-1: \(rounds)")
        #expect(rounds[0] >= 24 && rounds[0] <= 48, "the first takeover round at \(rounds[0]) s")
        for (earlier, later) in zip(rounds, rounds.dropFirst()) {
            #expect(abs(later - earlier - 1.1) < 1e-6, "rounds 1.1 s apart: \(earlier) -> \(later)")
        }
        // Each round is a request and a reply.
        let replies = claims.filter { $0.mac == worker1 && $0.opcode == 2 && $0.target == ip }
        #expect(replies.count == 5)
    }

    @Test func duringThePartitionBothSidesClaimTheAddress() throws {
        let (folder, trace, _) = try Self.run("partition")
        defer { folder.remove() }
        let claims = try Self.claims(of: "198.51.100.200", in: trace, folder: folder.url)
        let during = Set(claims.filter { $0.time > 20 && $0.time < 50 }.map(\.mac))
        #expect(during == ["02:00:5e:10:01:11", "02:00:5e:10:01:12"], "claims during the partition from \(during)")
        let late = Set(claims.filter { $0.time > 120 }.map(\.mac))
        #expect(late.isSubset(of: ["02:00:5e:10:01:12"]), "only worker-2 claims it long after the heal: \(late)")
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
