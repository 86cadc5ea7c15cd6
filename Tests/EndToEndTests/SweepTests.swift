import Foundation
import Testing
import XMLCheck

#if canImport(FoundationXML)
import FoundationXML
import TestSupport
#endif

/// `sim sweep`: many seeds of one scenario in child processes, a table of the failing seeds,
/// and a replay command for each that reproduces its run byte for byte.
@Suite("sim sweep")
struct SweepTests {
    static let drawn = Repository.root.appendingPathComponent("Scenarios/sweep/owner-power-loss-drawn.yaml").path
    /// The same scenario with a failover window too tight for some seeds.
    static let tooTight = Repository.root.appendingPathComponent("Fixtures/sweep/owner-power-loss-within-13s.yaml").path

    /// `seed N: PASS|FAIL|ERROR` lines (standard output is not a terminal here), by seed.
    static func verdicts(_ result: ProcessResult) -> [UInt64: String] {
        var verdicts: [UInt64: String] = [:]
        for line in result.stdoutLines where line.hasPrefix("seed ") {
            let words = line.split(separator: " ")
            guard words.count >= 3, words[1].hasSuffix(":"), let seed = UInt64(words[1].dropLast()) else { continue }
            guard ["PASS", "FAIL", "ERROR"].contains(String(words[2])) else { continue }
            #expect(verdicts[seed] == nil, "seed \(seed) reported twice")
            verdicts[seed] = String(words[2])
        }
        return verdicts
    }

    /// Folders left in the sweep's output folder.
    static func folders(_ directory: URL) throws -> Set<String> {
        Set(try FileManager.default.contentsOfDirectory(atPath: directory.path))
    }

    @Test("40 seeds of the drawn failover scenario pass, with one line each and nothing kept")
    func drawnScenarioPasses() throws {
        let folder = try TemporaryDirectory("sweep-pass")
        defer { folder.remove() }
        let result = try Sim.run(
            ["sweep", Self.drawn, "--seeds", "1-40", "--jobs", "2", "--out", "out"], in: folder.url)
        #expect(result.status == 0, "\(result)")
        let verdicts = Self.verdicts(result)
        #expect(Set(verdicts.keys) == Set(1...40), "\(result)")
        #expect(verdicts.values.allSatisfy { $0 == "PASS" }, "\(result)")
        #expect(result.stdout.contains("40 seeds in "), "\(result)")
        #expect(result.stdout.contains(": 40 passed, 0 failed"), "\(result)")
        #expect(!result.stdout.contains("replay:"))
        #expect(try Self.folders(folder.path("out")).isEmpty, "passing seeds' outputs are removed")
    }

    @Test("a too tight expectation fails for some seeds; each replay command reproduces its seed byte for byte")
    func failingSeedsAreListedAndReplay() throws {
        let folder = try TemporaryDirectory("sweep-fail")
        defer { folder.remove() }
        let result = try Sim.run(
            [
                "sweep", Self.tooTight, "--seeds", "1-20", "--jobs", "2", "--out", "out",
                "--junit", "sweep.xml",
            ], in: folder.url)
        #expect(result.status == 1, "\(result)")
        let verdicts = Self.verdicts(result)
        try #require(Set(verdicts.keys) == Set(1...20), "\(result)")
        let failing = verdicts.filter { $0.value == "FAIL" }.keys.sorted()
        let passing = verdicts.filter { $0.value == "PASS" }.keys.sorted()
        try #require(!failing.isEmpty && !passing.isEmpty, "the fixture should fail for some seeds, not all: \(result)")
        #expect(failing.count + passing.count == 20)
        #expect(result.stdout.contains(": \(passing.count) passed, \(failing.count) failed"), "\(result)")

        // The table: one failover row per failing seed, by seed.
        let lines = result.stdoutLines
        let header = try #require(
            lines.firstIndex { $0.hasPrefix("SEED") && $0.contains("EXPECTATION") && $0.contains("MESSAGE") },
            "\(result)")
        let rows = lines[(header + 1)...].prefix { !$0.hasPrefix("seed ") && !$0.hasPrefix("replay:") }
        let rowSeeds = rows.compactMap { UInt64($0.split(separator: " ").first ?? "") }
        #expect(rowSeeds == failing, "table rows: \(rows)")
        for row in rows {
            #expect(row.contains("failover") && row.contains("expected failover from worker-2"), "\(row)")
        }

        // One replay command per failing seed, and the outputs of exactly those seeds kept.
        let replays = lines.filter { $0.hasPrefix("replay: ") }
        #expect(replays == failing.map { "replay: sim run \(Self.tooTight) --seed \($0)" }, "\(result)")
        #expect(try Self.folders(folder.path("out")) == Set(failing.map { "seed-\($0)" }))
        for seed in failing {
            #expect(
                lines.contains {
                    $0.hasPrefix("seed \(seed) drew bystander (stopSpeaker): at ")
                        && $0.contains("; kill (powerOff): at ")
                },
                "what seed \(seed) drew: \(result)")
        }

        // The JUnit file: one test case per seed, the failing ones with the message and the replay command.
        // The shape CI systems' JUnit readers require (every attribute they need, counts that add up).
        #expect(
            JUnitShape.problems(try XMLTree.parse(String(decoding: try folder.data("sweep.xml"), as: UTF8.self))) == [])
        let junit = try XMLDocument(data: try folder.data("sweep.xml"))
        let suite = try #require(try junit.nodes(forXPath: "/testsuites/testsuite").first as? XMLElement)
        #expect(suite.attribute(forName: "tests")?.stringValue == "20")
        #expect(suite.attribute(forName: "failures")?.stringValue == String(failing.count))
        let cases = try junit.nodes(forXPath: "//testcase").compactMap { $0 as? XMLElement }
        #expect(cases.compactMap { $0.attribute(forName: "name")?.stringValue } == (1...20).map { "seed \($0)" })
        let failed = cases.filter { !$0.elements(forName: "failure").isEmpty }
        #expect(failed.compactMap { $0.attribute(forName: "name")?.stringValue } == failing.map { "seed \($0)" })
        for (element, seed) in zip(failed, failing) {
            let text = element.elements(forName: "failure").first?.stringValue ?? ""
            #expect(
                text.contains("failover: 198.51.100.200: expected failover")
                    && text.contains("replay: sim run \(Self.tooTight) --seed \(seed)"), "\(text)")
        }

        // Replay the first failing seed exactly as printed, twice: the same bytes as the sweep kept.
        let seed = failing[0]
        let kept = try folder.snapshot("out/seed-\(seed)")
        for run in ["replay-a", "replay-b"] {
            let place = folder.path(run)
            try FileManager.default.createDirectory(at: place, withIntermediateDirectories: true)
            let words = replays[0].dropFirst("replay: sim ".count).split(separator: " ").map(String.init)
            let replay = try Sim.run(words, in: place)
            #expect(replay.status == 1, "the replay fails like the sweep's run: \(replay)")
            let outputs = try folder.snapshot("\(run)/sim-out")
            for name in ["report.json", "trace.pcap"] {
                #expect(
                    outputs[name] != nil && outputs[name] == kept[name],
                    "\(run): \(name) differs from the sweep's seed-\(seed)/\(name)")
            }
        }
        // And a seed the sweep passed passes on its own.
        let pass = try Sim.run(
            ["run", Self.tooTight, "--seed", String(passing[0]), "--out", "pass", "-q"], in: folder.url)
        #expect(pass.status == 0, "\(pass)")
    }

    @Test("--shard I/N splits the seeds exactly: the shards' seeds and failures add up to the whole sweep's")
    func shardsPartitionTheSweep() throws {
        let folder = try TemporaryDirectory("sweep-shard")
        defer { folder.remove() }
        let whole = try Sim.run(
            ["sweep", Self.tooTight, "--seeds", "3-17", "--jobs", "2", "--out", "whole"], in: folder.url)
        let wholeVerdicts = Self.verdicts(whole)
        try #require(Set(wholeVerdicts.keys) == Set(3...17), "\(whole)")
        var union: [UInt64: String] = [:]
        for index in 0..<4 {
            let shard = try Sim.run(
                [
                    "sweep", Self.tooTight, "--seeds", "3-17", "--shard", "\(index)/4", "--jobs", "2",
                    "--out", "shard-\(index)",
                ], in: folder.url)
            let verdicts = Self.verdicts(shard)
            #expect(
                Set(verdicts.keys) == Set(stride(from: UInt64(3 + index), through: 17, by: 4)),
                "shard \(index)/4: \(shard)")
            #expect(shard.status == (verdicts.values.contains("FAIL") ? 1 : 0), "\(shard)")
            for (seed, verdict) in verdicts {
                #expect(union[seed] == nil, "seed \(seed) ran in two shards")
                union[seed] = verdict
            }
        }
        #expect(union == wholeVerdicts, "the shards together give the whole sweep's verdicts")
    }

    @Test("bad usage exits 64 and a scenario that cannot be loaded exits 65 before any seed runs")
    func usageAndLoadErrors() throws {
        let folder = try TemporaryDirectory("sweep-errors")
        defer { folder.remove() }
        for (arguments, fragment) in [
            (["--seeds", "20-10"], "--seeds"), (["--seeds", "1-x"], "--seeds"),
            (["--seeds", "1-10", "--shard", "3/3"], "--shard"),
            (["--seeds", "1-10", "--shard", "1"], "--shard"), (["--seeds", "1-10", "--jobs", "0"], "--jobs"),
        ] {
            let result = try Sim.run(["sweep", Self.drawn] + arguments + ["--out", "out"], in: folder.url)
            #expect(result.status == 64, "\(arguments): \(result)")
            #expect(result.stderr.contains(fragment), "\(arguments): \(result)")
        }
        #expect(!folder.exists("out"))

        // A drawn range written backwards: the error names the list's place.
        let text = try replacingOnce(
            try Repository.text("Scenarios/sweep/owner-power-loss-drawn.yaml"),
            "at: {between: [10s, 20s]}", "at: {between: [20s, 10s]}")
        try folder.write("Scenarios/sweep/bad.yaml", text)
        for name in ["nginx.yaml", "public-pool.yaml"] {
            try folder.write(
                "Scenarios/failover/manifests/\(name)", try Repository.text("Scenarios/failover/manifests/\(name)"))
        }
        let bad = try Sim.run(["sweep", "Scenarios/sweep/bad.yaml", "--seeds", "1-5", "--out", "out"], in: folder.url)
        #expect(bad.status == 65, "\(bad)")
        let place = try #require(position(of: "[20s, 10s]", in: text))
        let located = try #require(bad.stderrLines.first.flatMap(LocatedMessage.init), "\(bad)")
        #expect(
            "\(located.file):\(located.line):\(located.column)"
                == "Scenarios/sweep/bad.yaml:\(place.line):\(place.column)", "\(bad)")
        #expect(located.message.contains("must not be more than"), "\(bad)")
        #expect(!folder.exists("out"), "nothing runs, nothing is written")
        #expect(!bad.stdout.contains("seed "), "\(bad)")
    }

    @Test("on a terminal, one progress line is redrawn in place and failing seeds print above it")
    func terminalProgress() throws {
        let folder = try TemporaryDirectory("sweep-tty")
        defer { folder.remove() }
        // script(1) (util-linux, in every Debian) gives the sweep a pseudo-terminal.
        let script = try ExternalTool.find("script", package: "bsdutils")
        let command = "\(try Sim.url().path) sweep \(Self.tooTight) --seeds 1-8 --jobs 2 --out out"
        let result = try Subprocess.run(script, ["-qec", command, "/dev/null"], in: folder.url)
        #expect(result.status == 1, "\(result)")
        let screen = result.stdout
        #expect(screen.contains("\r\u{1B}[2K"), "the line is cleared and redrawn: \(screen.debugDescription)")
        #expect(
            screen.contains("[##############################] 8/8 seeds, "),
            "the full bar at the end: \(screen.debugDescription)")
        #expect(screen.contains("about ") && screen.contains(" left"), "an estimate of the time left while running")
        #expect(!screen.contains(": PASS ("), "passing seeds get no line of their own on a terminal")
        #expect(screen.contains(": FAIL ("), "failing seeds do")
        #expect(screen.contains("replay: sim run "))
    }
}
