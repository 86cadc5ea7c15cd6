import Foundation
import TestSupport
import Testing

@Suite("sim run FILE")
struct RunCommandTests {
    static let outputs =
        ["report.json", "timeline.svg", "trace.pcap"] + SeedCluster.nodes.map { "trace-\($0)-ens192.pcap" }

    @Test("sim run Scenarios/seed-nginx-migration.yaml passes and matches the built-in run")
    func runsTheSeedFile() throws {
        let folder = try TemporaryDirectory("run-seed")
        defer { folder.remove() }
        let result = try Sim.run(["run", Repository.seedScenario.path], in: folder.url)
        #expect(result.status == 0, "\(result)")
        let files = try folder.snapshot("sim-out")
        #expect(Set(files.keys) == Set(Self.outputs), "outputs: \(files.keys.sorted())")
        let report = try #require(
            try JSONSerialization.jsonObject(with: folder.data("sim-out/report.json")) as? [String: Any])
        #expect(report["passed"] as? Bool == true)
        #expect((report["seed"] as? NSNumber)?.uint64Value == 1)
        // The built-in scenario is the same scenario: same frames, byte for byte.
        let builtIn = try SeedRun.get()
        for name in Self.outputs where name.hasSuffix(".pcap") {
            #expect(
                files[name] == (try Data(contentsOf: builtIn.output(name))), "\(name) differs from the built-in run's")
        }
    }

    @Test("--out DIR puts every output in DIR and nothing in sim-out")
    func outOption() throws {
        let folder = try TemporaryDirectory("run-out")
        defer { folder.remove() }
        let result = try Sim.run(["run", Repository.seedScenario.path, "--out", "results/seed"], in: folder.url)
        #expect(result.status == 0, "\(result)")
        #expect(Set(try folder.snapshot("results/seed").keys) == Set(Self.outputs))
        #expect(!folder.exists("sim-out"), "--out given: sim-out must not be created")
    }

    @Test("--report FILE writes the JSON report there instead of OUT/report.json")
    func reportOption() throws {
        let folder = try TemporaryDirectory("run-report")
        defer { folder.remove() }
        let result = try Sim.run(
            ["run", Repository.seedScenario.path, "--out", "out", "--report", "seed-report.json"],
            in: folder.url)
        #expect(result.status == 0, "\(result)")
        let report = try #require(
            try JSONSerialization.jsonObject(with: folder.data("seed-report.json")) as? [String: Any])
        #expect(report["passed"] as? Bool == true)
        #expect((report["services"] as? [[String: Any]])?.first?["service"] as? String == "default/nginx")
        #expect(folder.exists("out/trace.pcap"))
        #expect(!folder.exists("out/report.json"), "the report goes to --report FILE, not OUT/report.json")
    }
}

@Suite("A failing expectation")
struct FailingExpectationTests {
    /// A copy of the seed scenario whose first owner expectation names the wrong worker.
    static func failingScenario(in folder: TemporaryDirectory) throws {
        try folder.copySeedLayout()
        let seed = try Repository.text("Scenarios/seed-nginx-migration.yaml")
        let changed = try replacingOnce(
            seed, "  - at: 15s\n    owner: {ip: 10.200.200.120, node: worker-1}",
            "  - at: 15s\n    owner: {ip: 10.200.200.120, node: worker-2}")
        try folder.write("Scenarios/wrong-owner.yaml", changed)
    }

    @Test("exit status 1, a FAIL line naming the time and what was seen, and a replay line")
    func failsWithReplayLine() throws {
        let folder = try TemporaryDirectory("fail")
        defer { folder.remove() }
        try Self.failingScenario(in: folder)
        let result = try Sim.run(["run", "Scenarios/wrong-owner.yaml", "--out", "out"], in: folder.url)
        #expect(result.status == 1, "\(result)")
        let fail = try #require(result.stdoutLines.first { $0.hasPrefix("FAIL") }, "a FAIL line: \(result)")
        #expect(fail.contains("owner"), "\(fail)")
        #expect(fail.contains("15s"), "the FAIL line names the time: \(fail)")
        #expect(fail.contains("worker-2"), "the FAIL line names what was expected: \(fail)")
        #expect(fail.contains("worker-1"), "the FAIL line names what was seen: \(fail)")
        #expect(result.stdoutLines.filter { $0.hasPrefix("FAIL") }.count == 1, "only that expectation fails: \(result)")
        #expect(result.stdoutLines.contains("replay: sim run Scenarios/wrong-owner.yaml --seed 1"), "\(result)")
        let report = try #require(
            try JSONSerialization.jsonObject(with: folder.data("out/report.json")) as? [String: Any])
        #expect(report["passed"] as? Bool == false)
    }

    @Test("the replay line, run as printed, reproduces the failure (also with --seed)")
    func replayReproduces() throws {
        let folder = try TemporaryDirectory("replay")
        defer { folder.remove() }
        try Self.failingScenario(in: folder)
        let first = try Sim.run(["run", "Scenarios/wrong-owner.yaml", "--seed", "5", "--out", "first"], in: folder.url)
        #expect(first.status == 1, "\(first)")
        let replay = try #require(first.stdoutLines.first { $0.hasPrefix("replay: sim ") }, "\(first)")
        #expect(replay == "replay: sim run Scenarios/wrong-owner.yaml --seed 5")
        let arguments = replay.dropFirst("replay: sim ".count).split(separator: " ").map(String.init)
        let again = try Sim.run(arguments + ["--out", "again"], in: folder.url)
        #expect(again.status == 1, "\(again)")
        #expect(first.stdoutLines.filter { $0.hasPrefix("FAIL") } == again.stdoutLines.filter { $0.hasPrefix("FAIL") })
        #expect(try folder.snapshot("first") == folder.snapshot("again"), "a replay writes the same outputs")
    }
}

@Suite("Usage errors exit 64")
struct UsageErrorTests {
    static func check(_ arguments: [String]) throws {
        let folder = try TemporaryDirectory("usage")
        defer { folder.remove() }
        let result = try Sim.run(arguments, in: folder.url)
        #expect(result.status == 64, "sim \(arguments.joined(separator: " ")) should exit 64: \(result)")
        #expect(!result.stderr.isEmpty, "a usage error explains itself on stderr")
        #expect(!folder.exists("sim-out"), "a usage error writes nothing")
    }

    @Test("sim run with no file") func runWithoutFile() throws { try Self.check(["run"]) }
    @Test("an unknown option") func unknownOption() throws { try Self.check(["--no-such-option"]) }
    @Test("sim run FILE with an unknown option") func runUnknownOption() throws {
        try Self.check(["run", Repository.seedScenario.path, "--no-such-option"])
    }
    @Test("a seed that is not a number") func badSeed() throws {
        try Self.check(["run", Repository.seedScenario.path, "--seed", "one"])
    }
}
