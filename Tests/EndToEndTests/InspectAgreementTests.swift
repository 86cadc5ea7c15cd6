import Foundation
import TestSupport
import Testing

/// `sim inspect` on lbsim's own traces against the report: the MACs that claimed each
/// announced IP on the wire must be the announcing nodes', in the report's order, each
/// starting when the report says the node started announcing and never outside its
/// announcing intervals; requests go unanswered only while no node announces.
@Suite("sim inspect agrees with the report")
struct InspectAgreementTests {
    /// Scenarios in which at most one node announces each IP at any time (their
    /// `maxAnnouncers` has no grace). speaker-crash-vs-graceful is not one: a restarted speaker
    /// wins back the address a gossip round before the other withdraws.
    static let scenarios = [
        "seed-nginx-migration", "failover/owner-power-loss-current", "failover/ipv6-owner-power-loss",
        "failover/etp-local", "failover/v094-single-replica-node-loss",
        "regression/seed-v094-owner-power-loss", "regression/wan-profile-owner-power-loss",
    ]

    /// A node's speaker announcing an IP, from a `start` to the next `stop` (nil: to the end).
    struct Announcing {
        var node: String
        var start: Int64
        var stop: Int64?
        /// Begun before the run (a warm start's history): no gratuitous round marks its start.
        var inherited = false
        func covers(_ time: Int64) -> Bool { time >= start && time <= (stop ?? .max) }
    }

    static func intervals(_ announced: [Announcement]) -> [Announcing] {
        var result: [Announcing] = []
        for entry in announced.sorted(by: { $0.time < $1.time }) {
            if entry.action == "start" {
                result.append(Announcing(node: entry.node, start: entry.time, stop: nil, inherited: entry.inherited))
            } else if let open = result.lastIndex(where: { $0.node == entry.node && $0.stop == nil }) {
                result[open].stop = entry.time
            }
        }
        return result
    }

    /// Runs the scenario with a report, then `sim inspect --json` on its trace.
    static func run(_ name: String) throws -> (report: [String: Any], inspect: InspectDocument, macs: [String: String])
    {
        let folder = try TemporaryDirectory("inspect-agree")
        defer { folder.remove() }
        let scenario = Repository.root.appendingPathComponent("Scenarios/\(name).yaml").path
        let run = try Sim.run(["run", scenario, "--out", "out", "--report", "out/r.json"], in: folder.url)
        guard run.status == 0 else { throw HarnessError("the scenario should pass: \(run)") }
        let report = try JSONSerialization.jsonObject(with: folder.data("out/r.json")) as? [String: Any] ?? [:]
        let inspect = try InspectDocument.of(folder.path("out/trace.pcap"), in: folder.url)
        return (report, inspect, try nodeNamesByMAC(scenario: scenario))
    }

    @Test(arguments: scenarios)
    func claimsFollowTheAnnouncements(_ name: String) throws {
        let (report, inspect, macs) = try Self.run(name)
        let announced = try announcements(in: report)
        try #require(!announced.isEmpty, "\(name): the report announces nothing")
        let twoSeconds: Int64 = 2_000_000_000
        for ip in Set(announced.map(\.ip)).sorted() {
            let intervals = Self.intervals(announced.filter { $0.ip == ip })
            for (a, b) in zip(intervals, intervals.dropFirst()) {
                try #require(
                    (a.stop ?? .max) <= b.start, "\(name): \(ip) has overlapping announcers; not for this test")
            }
            // Owners in order, a node's consecutive intervals taken as one.
            var owners: [Announcing] = []
            for interval in intervals where owners.last?.node != interval.node { owners.append(interval) }

            let runs = try inspect.runs(of: ip)
            let claimers = runs.map { macs[$0.mac] ?? "unknown MAC \($0.mac)" }
            #expect(
                claimers == owners.map(\.node),
                "\(name): \(ip) claimed on the wire by \(claimers), announced by \(owners.map(\.node))")
            // An announcement that began during the run shows within 2 s (its gratuitous round);
            // one inherited from before the run shows when someone first asks.
            for (run, owner) in zip(runs, owners) where claimers.count == owners.count && !owner.inherited {
                #expect(
                    run.from >= owner.start && run.from - owner.start <= twoSeconds,
                    "\(name): \(ip) first claimed by \(owner.node) at \(run.from) ns, announced from \(owner.start) ns")
            }
            for run in runs {
                let node = macs[run.mac]
                for time in [run.from, run.to] {
                    #expect(
                        intervals.contains { $0.node == node && $0.covers(time) },
                        "\(name): \(ip) claimed by \(node ?? run.mac) at \(time) ns, outside its announcements \(intervals)"
                    )
                }
            }
            let unanswered = inspect.address(ip)?["unanswered"] as? [[String: Any]] ?? []
            for stretch in unanswered {
                let from = try #require(nanoseconds(fromJSONSeconds: stretch["from"]))
                #expect(
                    !intervals.contains { $0.covers(from) },
                    "\(name): a request for \(ip) at \(from) ns went unanswered while announced")
            }
            #expect(inspect.conflicts(of: ip).isEmpty, "\(name): no conflict for \(ip) with one announcer at a time")
        }
    }

    @Test func theNodeLossOfV094ShowsAsOneLongUnansweredStretchEndedByTheNewOwner() throws {
        let (report, inspect, _) = try Self.run("failover/v094-single-replica-node-loss")
        let announced = try announcements(in: report).filter { $0.ip == "10.200.200.120" }
        let takeover = try #require(announced.last { $0.action == "start" })
        let stop = try #require(announced.first { $0.action == "stop" })
        let stretches = try #require(inspect.address("10.200.200.120")?["unanswered"] as? [[String: Any]])
        try #require(stretches.count == 1, "\(stretches)")
        let from = try #require(nanoseconds(fromJSONSeconds: stretches[0]["from"]))
        let answered = try #require(nanoseconds(fromJSONSeconds: stretches[0]["answeredAt"]))
        #expect(
            from > stop.time && answered == takeover.time,
            "unanswered \(from)..\(answered), announced stop \(stop.time), start \(takeover.time)")
        #expect(stretches[0]["askers"] as? [String] == ["00:50:56:00:3b:99"])
        #expect((stretches[0]["requests"] as? Int ?? 0) > 100)
    }

    @Test func thePartitionsTwoAnnouncersShowAsAConflictWhileTheyOverlap() throws {
        let (report, inspect, macs) = try Self.run("failover/partition")
        let ip = "198.51.100.200"
        let intervals = Self.intervals(try announcements(in: report).filter { $0.ip == ip })
        // Where two nodes announced at once, by the report.
        var overlap: (start: Int64, end: Int64)?
        for (a, b) in zip(intervals, intervals.dropFirst()) where a.node != b.node && (a.stop ?? .max) > b.start {
            overlap = (b.start, min(a.stop ?? .max, b.stop ?? .max))
        }
        let window = try #require(overlap, "the partition scenario should have two announcers at once: \(intervals)")
        let conflicts = inspect.conflicts(of: ip)
        try #require(!conflicts.isEmpty, "sim inspect should report the split brain")
        for conflict in conflicts {
            let from = try #require(nanoseconds(fromJSONSeconds: conflict["from"]))
            let to = try #require(nanoseconds(fromJSONSeconds: conflict["to"]))
            #expect(
                from >= window.start && from < window.end && to > window.start,
                "conflict \(from)..\(to) ns outside the announcers' overlap \(window)")
            let nodes = (conflict["macs"] as? [String] ?? []).map { macs[$0] ?? $0 }
            #expect(Set(nodes) == Set(intervals.map(\.node)), "conflict between \(nodes)")
        }
        #expect(inspect.json["conflicts"] as? Int == conflicts.count)
    }
}
