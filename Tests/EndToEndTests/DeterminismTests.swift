import Foundation
import TestSupport
import Testing

@Suite("Determinism: same scenario and seed, same bytes")
struct DeterminismTests {
    @Test("two runs of the seed scenario write byte-identical captures and reports")
    func twoRunsAreByteIdentical() throws {
        let first = try TemporaryDirectory("det-a")
        let second = try TemporaryDirectory("det-b")
        defer {
            first.remove()
            second.remove()
        }
        let a = try Sim.run([], in: first.url)
        let b = try Sim.run([], in: second.url)
        try #require(a.status == 0, "\(a)")
        try #require(b.status == 0, "\(b)")
        let filesA = try first.snapshot("sim-out")
        let filesB = try second.snapshot("sim-out")
        #expect(filesA.keys.sorted() == filesB.keys.sorted())
        let expected =
            ["report.json", "timeline.svg", "trace.pcap"]
            + ["master", "worker-1", "worker-2", "worker-3"].map { "trace-\($0)-ens192.pcap" }
        #expect(Set(filesA.keys) == Set(expected), "outputs: \(filesA.keys.sorted())")
        for name in filesA.keys.sorted() {
            #expect(filesA[name] == filesB[name], "\(name) differs between two runs with the same seed")
        }
    }

    @Test("--seed 1 repeats the default run; --seed 2 is reported as seed 2")
    func seedOption() throws {
        let base = try TemporaryDirectory("det-seed")
        defer { base.remove() }
        let plain = try Sim.run(["--out", "plain"], in: base.url)
        let one = try Sim.run(["--seed", "1", "--out", "one"], in: base.url)
        let two = try Sim.run(["--seed", "2", "--out", "two"], in: base.url)
        for result in [plain, one, two] { try #require(result.status == 0, "\(result)") }
        #expect(try base.snapshot("plain") == base.snapshot("one"), "--seed 1 should equal the scenario's own seed 1")
        let report1 = try JSONSerialization.jsonObject(with: base.data("one/report.json")) as? [String: Any]
        let report2 = try JSONSerialization.jsonObject(with: base.data("two/report.json")) as? [String: Any]
        #expect((report1?["seed"] as? NSNumber)?.uint64Value == 1)
        #expect((report2?["seed"] as? NSNumber)?.uint64Value == 2)
        #expect(two.stdout.contains("seed 2"), "sim should say which seed it ran: \(two)")
    }

    @Test("sim run FILE twice gives byte-identical outputs")
    func runFileTwice() throws {
        let base = try TemporaryDirectory("det-file")
        defer { base.remove() }
        let path = Repository.seedScenario.path
        let a = try Sim.run(["run", path, "--out", "a"], in: base.url)
        let b = try Sim.run(["run", path, "--out", "b"], in: base.url)
        try #require(a.status == 0, "\(a)")
        try #require(b.status == 0, "\(b)")
        let filesA = try base.snapshot("a")
        #expect(!filesA.isEmpty)
        #expect(filesA == (try base.snapshot("b")))
    }

    /// Memberlist's shuffles, suspicion timers and gossip all draw from the seeded streams: a
    /// partition with its flapping heal comes out the same byte for byte.
    @Test("the partition scenario, with memberlist at packet level, twice gives byte-identical outputs")
    func partitionTwice() throws {
        let base = try TemporaryDirectory("det-partition")
        defer { base.remove() }
        let path = Repository.root.appendingPathComponent("Scenarios/failover/partition.yaml").path
        let a = try Sim.run(["run", path, "--out", "a", "--report", "a/extra-report.json"], in: base.url)
        let b = try Sim.run(["run", path, "--out", "b", "--report", "b/extra-report.json"], in: base.url)
        try #require(a.status == 0, "\(a)")
        try #require(b.status == 0, "\(b)")
        let filesA = try base.snapshot("a")
        #expect(filesA.count >= 2)
        #expect(filesA == (try base.snapshot("b")))
        // A different seed gives a different run (the streams really are seeded).
        let c = try Sim.run(["run", path, "--out", "c", "--seed", "99"], in: base.url)
        try #require(c.status == 0 || c.status == 1, "\(c)")
        #expect(try base.snapshot("c")["trace.pcap"] != filesA["trace.pcap"])
    }

    /// Every process hashes with its own random seed, so a loop over a Dictionary runs in a
    /// different order in each: one such loop over the Deployments made evictions name the
    /// re-created pods differently from run to run. Six processes must agree (with such a loop,
    /// all six agree by chance once in 32).
    @Test("a run with evictions from two Deployments is the same in six processes")
    func evictionsAcrossProcesses() throws {
        let base = try TemporaryDirectory("det-evictions")
        defer { base.remove() }
        let path = Repository.root.appendingPathComponent("Fixtures/determinism/two-deployments-evicted.yaml").path
        var snapshots: [[String: Data]] = []
        for run in 0..<6 {
            let result = try Sim.run(["run", path, "--out", "run-\(run)", "-q"], in: base.url)
            try #require(result.status == 0, "\(result)")
            snapshots.append(try base.snapshot("run-\(run)"))
        }
        let report = String(decoding: snapshots[0]["report.json"] ?? Data(), as: UTF8.self)
        #expect(report.components(separatedBy: "evicted default/").count - 1 == 5, "both evictions happened: \(report)")
        for (run, snapshot) in snapshots.enumerated().dropFirst() {
            #expect(snapshot == snapshots[0], "run \(run) differs from run 0")
        }
    }
}
