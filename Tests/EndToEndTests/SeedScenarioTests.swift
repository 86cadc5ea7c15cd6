import Foundation
import TestSupport
import Testing

/// One run of `sim` with no arguments (the built-in seed scenario) in a fresh folder, shared by
/// the tests below: they all read the same outputs.
final class SeedRun: Sendable {
    let directory: URL
    let result: ProcessResult
    /// Held for as long as the shared run exists (the whole test process), so the folder every
    /// test reads is not removed under them.
    private let folder: TemporaryDirectory

    static let shared: Result<SeedRun, any Error> = Result { try SeedRun() }

    private init() throws {
        folder = try TemporaryDirectory("seed")
        directory = folder.url
        result = try Sim.run([], in: directory)
    }

    static func get() throws -> SeedRun {
        let run = try shared.get()
        guard run.result.status == 0 else {
            throw HarnessError("`sim` with no arguments should exit 0 on the seed scenario: \(run.result)")
        }
        return run
    }

    func output(_ name: String) -> URL { directory.appendingPathComponent("sim-out").appendingPathComponent(name) }

    var trace: URL { output("trace.pcap") }
    var nodeCaptures: [URL] { SeedCluster.nodes.map { output("trace-\($0)-ens192.pcap") } }

    func report() throws -> [String: Any] {
        let data = try Data(contentsOf: output("report.json"))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw HarnessError("report.json is not a JSON object")
        }
        return object
    }
}

/// Report announcements for the service IP, in file order.
struct Announcement: Equatable, CustomStringConvertible {
    var time: Int64
    var ip: String
    var node: String
    var action: String
    /// A warm start's history left it announced at 0: it began before the run.
    var inherited = false
    var description: String { "\(action) \(ip) by \(node) at \(Double(time) / 1e9)s" }
}

func announcements(in report: [String: Any]) throws -> [Announcement] {
    let list = try #require(
        report["announcements"] as? [[String: Any]], "report.announcements must be a list of objects")
    return try list.map { entry in
        Announcement(
            time: try #require(nanoseconds(fromJSONSeconds: entry["t"]), "announcement t must be a number: \(entry)"),
            ip: try #require(entry["ip"] as? String), node: try #require(entry["node"] as? String),
            action: try #require(entry["action"] as? String), inherited: entry["inherited"] as? Bool ?? false)
    }
}

@Suite("sim with no arguments: the seed scenario")
struct SeedScenarioTests {
    static let twentySeconds: Int64 = 20_000_000_000

    @Test("exits 0 and writes the segment trace, the report, the timeline and one capture per node")
    func writesOutputs() throws {
        let run = try SeedRun.get()
        let written = try FileManager.default.contentsOfDirectory(
            atPath: run.directory.appendingPathComponent("sim-out").path
        ).sorted()
        let expected =
            (["report.json", "timeline.svg", "trace.pcap"] + SeedCluster.nodes.map { "trace-\($0)-ens192.pcap" })
            .sorted()
        #expect(
            written == expected,
            "sim-out should hold exactly the trace, the report, the timeline and the per-node captures")
        for file in [run.trace] + run.nodeCaptures {
            let size = try #require(try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? NSNumber)
            #expect(size.intValue > 24, "\(file.lastPathComponent) should hold more than a pcap header")
        }
        #expect(run.result.stdout.contains("PASS"), "sim should print its expectation results: \(run.result)")
        #expect(!run.result.stdout.contains("FAIL"), "\(run.result)")
    }

    @Test("worker-1 answers for 10.200.200.120 before the move, and never after 20.1 s")
    func workerOneAnswersBeforeTheMove() throws {
        let run = try SeedRun.get()
        let arp = try Tcpdump.arp(run.trace)
        let worker1 = SeedCluster.mac("worker-1")
        let replies = arp.filter { $0.operation == .reply && $0.senderIP == SeedCluster.vip && $0.isAt == worker1 }
        #expect(
            replies.contains { $0.time < Self.twentySeconds && $0.source == worker1 },
            "expected `Reply 10.200.200.120 is-at \(worker1)` before 20 s")
        #expect(replies.allSatisfy { $0.frame.summary.hasPrefix("Reply 10.200.200.120 is-at 00:50:56:00:3b:6f,") })
        // The article's `ip n`: the outside client asks, worker-1 answers it directly.
        let question = try #require(
            arp.first {
                $0.operation == .request && $0.source == SeedCluster.client
                    && $0.targetIP == SeedCluster.vip
            },
            "the client should ask who has 10.200.200.120")
        #expect(
            replies.contains {
                $0.destination == SeedCluster.client && $0.time >= question.time && $0.time < Self.twentySeconds
            },
            "worker-1 should answer the client's request with a unicast reply")
        let late = arp.filter {
            $0.time > 20_100_000_000 && ($0.source == worker1 || $0.isAt == worker1)
                && $0.senderIP == SeedCluster.vip
        }
        #expect(
            late.isEmpty,
            "worker-1 still claims 10.200.200.120 after 20.1 s:\n\(late.map(\.description).joined(separator: "\n"))")
    }

    @Test("worker-3 sends 5 or 6 gratuitous rounds after the move, 1.1 s apart after the first")
    func workerThreeGratuitousRounds() throws {
        let run = try SeedRun.get()
        let arp = try Tcpdump.arp(run.trace)
        let worker3 = SeedCluster.mac("worker-3")
        // worker-3's kernel resolves the other speakers for memberlist; only the VIP matters here.
        #expect(
            !arp.contains { $0.source == worker3 && $0.senderIP == SeedCluster.vip && $0.time < Self.twentySeconds },
            "worker-3 should not claim 10.200.200.120 before the pod moves to it")
        let gratuitous = arp.filter {
            $0.source == worker3 && $0.destination == "ff:ff:ff:ff:ff:ff" && $0.time > Self.twentySeconds
        }
        let listing = gratuitous.map(\.description).joined(separator: "\n")
        #expect(
            gratuitous.allSatisfy {
                $0.isGratuitousRequest(for: SeedCluster.vip) || $0.isGratuitousReply(for: SeedCluster.vip)
            },
            "every broadcast ARP from worker-3 should be a gratuitous request or reply for the VIP:\n\(listing)")
        // Rounds: a request, then a reply, sent together.
        try #require(gratuitous.count % 2 == 0, "gratuitous frames should come in request/reply pairs:\n\(listing)")
        var rounds: [Int64] = []
        for index in stride(from: 0, to: gratuitous.count, by: 2) {
            let request = gratuitous[index]
            let reply = gratuitous[index + 1]
            #expect(
                request.frame.summary.hasPrefix(
                    "Request who-has 10.200.200.120 (ff:ff:ff:ff:ff:ff) tell 10.200.200.120,"),
                "round \(index / 2 + 1) should start with the gratuitous request: \(request)")
            #expect(
                reply.frame.summary.hasPrefix("Reply 10.200.200.120 is-at 00:50:56:00:3b:71,"),
                "round \(index / 2 + 1) should end with the gratuitous reply: \(reply)")
            #expect(
                reply.time >= request.time && reply.time - request.time < 1_000_000,
                "a round's reply follows its request at once: \(request) / \(reply)")
            rounds.append(request.time)
        }
        #expect(
            (5...6).contains(rounds.count), "v0.9.4 sends 5 or 6 gratuitous rounds, saw \(rounds.count):\n\(listing)")
        try #require(rounds.count >= 2)
        let firstGap = rounds[1] - rounds[0]
        #expect(
            firstGap > 0 && firstGap <= 1_100_000_000,
            "v0.9.4's free-running ticker: the first gap is in (0, 1.1 s], was \(Double(firstGap) / 1e9) s")
        for index in 2..<rounds.count {
            #expect(
                rounds[index] - rounds[index - 1] == 1_100_000_000,
                "rounds \(index) and \(index + 1) should be exactly 1.1 s apart, were \(Double(rounds[index] - rounds[index - 1]) / 1e9) s"
            )
        }
    }

    @Test("tshark decodes every frame of every capture without malformed packets or expert errors")
    func tsharkDecodesEveryFrame() throws {
        let run = try SeedRun.get()
        let tshark = try ExternalTool.tshark()
        for file in [run.trace] + run.nodeCaptures {
            let name = file.lastPathComponent
            let malformed = try ExternalTool.run(tshark, ["-r", file.path, "-Y", "_ws.malformed"], in: run.directory)
            #expect(malformed.stdoutLines.isEmpty, "\(name): tshark finds malformed frames:\n\(malformed.stdout)")
            let errors = try ExternalTool.run(
                tshark, ["-r", file.path, "-Y", "_ws.expert.severity == error"], in: run.directory)
            #expect(errors.stdoutLines.isEmpty, "\(name): tshark reports expert errors:\n\(errors.stdout)")
            let expert = try ExternalTool.run(tshark, ["-r", file.path, "-q", "-z", "expert"], in: run.directory)
            #expect(!expert.stdout.contains("Errors ("), "\(name): tshark's expert info has errors:\n\(expert.stdout)")
            #expect(!expert.stdout.contains("Malformed"), "\(name): \(expert.stdout)")
            let numbers = try ExternalTool.run(
                tshark, ["-r", file.path, "-T", "fields", "-e", "frame.number"], in: run.directory)
            let frames = try Tcpdump.frames(file)
            #expect(numbers.stdoutLines.count == frames.count, "\(name): tshark and tcpdump should see the same frames")
            #expect(!frames.isEmpty, "\(name) should not be empty")
        }
    }

    @Test("tshark's ARP fields agree with tcpdump")
    func tsharkAgreesWithTcpdump() throws {
        let run = try SeedRun.get()
        let tshark = try ExternalTool.tshark()
        let fields = try ExternalTool.run(
            tshark,
            [
                "-r", run.trace.path, "-Y", "arp", "-T", "fields",
                "-e", "frame.time_epoch", "-e", "eth.src", "-e", "arp.opcode",
                "-e", "arp.src.proto_ipv4",
            ], in: run.directory)
        let rows = fields.stdoutLines.map {
            $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        }
        let arp = try Tcpdump.arp(run.trace)
        try #require(rows.count == arp.count, "tshark shows \(rows.count) ARP frames, tcpdump \(arp.count)")
        #expect(arp.count > 10)
        for (row, frame) in zip(rows, arp) {
            try #require(row.count == 4, "unexpected tshark row \(row)")
            #expect(nanoseconds(fromSeconds: row[0]) == frame.time, "time: tshark \(row[0]) vs tcpdump \(frame)")
            #expect(row[1] == frame.source, "eth.src: tshark \(row[1]) vs tcpdump \(frame)")
            #expect(Int(row[2]) == frame.operation.rawValue, "arp.opcode: tshark \(row[2]) vs tcpdump \(frame)")
            #expect(row[3] == frame.senderIP, "arp.src.proto_ipv4: tshark \(row[3]) vs tcpdump \(frame)")
        }
    }

    @Test("report.json has the fixed fields")
    func reportFixedFields() throws {
        let run = try SeedRun.get()
        let report = try run.report()
        let seedText = try Repository.text("Scenarios/seed-nginx-migration.yaml")
        let nameLine = try #require(seedText.split(separator: "\n").first { $0.hasPrefix("name: ") })
        #expect(report["scenario"] as? String == String(nameLine.dropFirst("name: ".count)))
        #expect((report["seed"] as? NSNumber)?.uint64Value == 1)
        #expect(report["passed"] as? Bool == true)

        let services = try #require(report["services"] as? [[String: Any]])
        let service = try #require(services.first, "report.services should not be empty")
        #expect(service["service"] as? String == "default/nginx")
        #expect(service["ingress"] as? [String] == ["10.200.200.120"])
        #expect(service["pool"] as? String == "default")
        let events = try #require(service["events"] as? [[String: Any]])
        let allocated = try #require(
            events.first { $0["reason"] as? String == "IPAllocated" }, "an IPAllocated event: \(events)")
        #expect(allocated["type"] as? String == "Normal")
        #expect((allocated["message"] as? String)?.contains("10.200.200.120") == true)
        #expect(nanoseconds(fromJSONSeconds: allocated["t"]) != nil)

        let vip = try announcements(in: report).filter { $0.ip == SeedCluster.vip }
        #expect(vip.map { "\($0.action) \($0.node)" } == ["start worker-1", "stop worker-1", "start worker-3"])
        #expect(vip.map(\.time) == vip.map(\.time).sorted(), "announcements must be in time order: \(vip)")
        if vip.count == 3 {
            #expect(
                vip[0].time < 15_000_000_000 && vip[1].time >= Self.twentySeconds && vip[2].time < 30_000_000_000,
                "\(vip)")
        }

        let clients = try #require(report["clients"] as? [[String: Any]])
        let client = try #require(clients.first)
        #expect(client["client"] as? String == "outside")
        let arp = try #require(client["arp"] as? [[String: Any]])
        #expect(!arp.isEmpty)
        for entry in arp {
            #expect(nanoseconds(fromJSONSeconds: entry["t"]) != nil && entry["ip"] is String, "\(entry)")
            #expect(entry["mac"] is String || entry["mac"] is NSNull, "mac is a string or null: \(entry)")
        }
        let macs = arp.filter { $0["ip"] as? String == SeedCluster.vip }.compactMap { $0["mac"] as? String }
        #expect(
            macs.first == SeedCluster.mac("worker-1") && macs.last == SeedCluster.mac("worker-3"),
            "the client's entry for the VIP moves from worker-1's MAC to worker-3's: \(macs)")
        let downtime = try #require(client["maxDowntime"] as? NSNumber, "clients[0].maxDowntime must be a number")
        #expect(
            downtime.doubleValue > 0 && downtime.doubleValue <= 3, "maxDowntime \(downtime) (the scenario allows 3 s)")

        let expectations = try #require(report["expectations"] as? [[String: Any]])
        #expect(!expectations.isEmpty)
        for expectation in expectations {
            #expect(expectation["passed"] as? Bool == true, "\(expectation)")
            #expect(expectation["kind"] is String && expectation["message"] is String, "\(expectation)")
        }
    }

    @Test("the report's announcements agree with what tcpdump shows")
    func announcementsAgreeWithTrace() throws {
        let run = try SeedRun.get()
        let vip = try announcements(in: run.report()).filter { $0.ip == SeedCluster.vip }
        let arp = try Tcpdump.arp(run.trace)
        // Frames in which a node claims the VIP: gratuitous requests and replies.
        let claims = arp.filter { $0.senderIP == SeedCluster.vip && SeedCluster.node(ofMAC: $0.source) != nil }
        try #require(!claims.isEmpty)
        for claim in claims {
            let node = SeedCluster.node(ofMAC: claim.source)!
            // Announcing at that instant: its last record by then is a start (or it stops at that very instant).
            let history = vip.filter { $0.node == node && $0.time <= claim.time }
            #expect(
                history.last?.action == "start" || history.last?.time == claim.time,
                "\(node) claims the VIP while the report says it does not announce it: \(claim)")
        }
        // The run starts from a running cluster: worker-1 announced the VIP before 0, and its
        // gratuitous rounds with it; its first frame in the trace answers the client's request.
        #expect(vip.first.map { $0.inherited && $0.time == 0 && $0.node == "worker-1" } == true, "\(vip)")
        for (index, record) in vip.enumerated() where record.action == "start" {
            let mac = SeedCluster.mac(record.node)
            let first = claims.first { $0.source == mac && $0.time >= record.time }
            if record.inherited {
                #expect(
                    first.map { !$0.isGratuitousRequest(for: record.ip) } == true,
                    "\(record): an inherited announcement's first frame is an answer, saw \(first?.description ?? "none")"
                )
            } else {
                #expect(
                    first.map { $0.time == record.time && $0.isGratuitousRequest(for: record.ip) } == true,
                    "\(record): the first frame should be a gratuitous request at that instant, saw \(first?.description ?? "none")"
                )
            }
            let stop = vip[(index + 1)...].first { $0.node == record.node && $0.action == "stop" }
            if let stop {
                let after = claims.filter { $0.source == mac && $0.time > stop.time }
                #expect(after.isEmpty, "\(record.node) claims the VIP after \(stop): \(after)")
            }
        }
    }

    @Test("each node's capture holds exactly the frames that node sent onto the segment")
    func perNodeCaptures() throws {
        let run = try SeedRun.get()
        let segment = try Tcpdump.frames(run.trace)
        for node in SeedCluster.nodes {
            let capture = run.output("trace-\(node)-ens192.pcap")
            let frames = try Tcpdump.frames(capture)
            let mac = SeedCluster.mac(node)
            let sentHere = frames.filter { $0.source == mac }.map(\.line)
            let sentOnSegment = segment.filter { $0.source == mac }.map(\.line)
            #expect(
                sentHere == sentOnSegment,
                "\(node): frames from \(mac) differ between its capture and the segment trace")
        }
        let worker3 = try Tcpdump.arp(run.output("trace-worker-3-ens192.pcap"))
        #expect(
            worker3.contains { $0.source == SeedCluster.mac("worker-3") && $0.isGratuitousReply(for: SeedCluster.vip) })
    }
}
