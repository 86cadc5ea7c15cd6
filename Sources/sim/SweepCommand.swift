import ArgumentParser
import Foundation
import Scenario

/// `sim sweep FILE --seeds A-B`: one scenario over many seeds, each seed a `sim run` of its
/// own in a child process, `--jobs` at a time.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run one scenario over a range of seeds in parallel and list the seeds that fail.",
        discussion: """
            Each seed runs as `sim run FILE --seed N --out DIR/seed-N -q` in a child process of this \
            binary, so every seed's outputs are exactly what that command writes on its own. Seeds that \
            pass have their folder removed (unless --keep-all); each failing seed keeps it, and the \
            summary prints the one command that replays it. Exit status: 0 every seed passed, 1 a seed \
            failed (an expectation or invariant, or its run went wrong), 65 the scenario could not be \
            loaded, 64 bad usage, 73 the outputs could not be written.
            """)

    @Argument(help: ArgumentHelp("The scenario file (YAML).", valueName: "FILE"))
    var file: String

    @Option(help: ArgumentHelp("Seeds to run: A-B (both included), or one seed.", valueName: "A-B"))
    var seeds: String

    @Option(help: ArgumentHelp("Runs at the same time (default: the number of cores).", valueName: "N"))
    var jobs: Int?

    @Option(
        help: ArgumentHelp(
            "Run only shard I of N: the seeds A+I, A+I+N, ... (I from 0 to N-1, as a Kubernetes Indexed Job numbers its pods).",
            valueName: "I/N"))
    var shard: String?

    @Option(
        help: ArgumentHelp("Output folder (default: sweep-out); a seed's outputs go to DIR/seed-N.", valueName: "DIR"))
    var out: String?

    @Flag(help: "Keep every seed's outputs, not only the failing seeds'.")
    var keepAll = false

    @Option(help: ArgumentHelp("Also write the results as JUnit XML, one test case per seed.", valueName: "FILE"))
    var junit: String?

    func validate() throws {
        do {
            _ = try SweepPlan(seeds: seeds, shard: shard)
        } catch {
            throw ValidationError(error.description)
        }
        if let jobs, !(1...1024).contains(jobs) { throw ValidationError("--jobs: expected 1 to 1024, found \(jobs)") }
    }

    func run() throws {
        let plan: SweepPlan
        do { plan = try SweepPlan(seeds: seeds, shard: shard) } catch { throw ValidationError(error.description) }
        // Load once, before anything runs: a bad file is one error, not one per seed.
        try requireScenarioFiles([file])
        let scenario: Scenario
        do {
            scenario = try ScenarioLoader().load(file)
        } catch {
            printError(error.description)
            throw ExitCode(ExitStatus.dataError)
        }
        for warning in scenario.warnings { printError(warning.description) }

        let directory = out ?? "sweep-out"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            printError("cannot create output folder \(directory): \(error.localizedDescription)")
            throw ExitCode(ExitStatus.cannotCreate)
        }
        guard let executable = SweepChild.ownExecutable() else {
            printError("sim sweep: cannot find its own executable to run the seeds with")
            throw ExitCode(ExitStatus.cannotCreate)
        }

        let jobs = min(self.jobs ?? ProcessInfo.processInfo.activeProcessorCount, max(1, Int(plan.seedCount)))
        let range = plan.first == plan.last ? "seed \(plan.first)" : "seeds \(plan.first)-\(plan.last)"
        let shardText = plan.shards > 1 ? ", shard \(plan.shard)/\(plan.shards)" : ""
        SweepOutput.write(
            "sweep \(file): \(range)\(shardText), \(plan.seedCount) runs, \(jobs) at a time\(scenario.hasDraws ? "; the timeline draws values per seed" : "")\n"
        )

        let child = SweepChild(executable: executable, file: file, directory: directory, keepAll: keepAll)
        let board = SweepBoard(seeds: plan.seeds, progress: SweepProgress(total: Int(plan.seedCount)))
        let finished = DispatchGroup()
        for _ in 0..<jobs {
            finished.enter()
            let worker = Thread {
                while let seed = board.nextSeed() { board.record(child.run(seed: seed)) }
                finished.leave()
            }
            worker.start()
        }
        finished.wait()
        board.finishProgress()

        let outcomes = board.outcomes
        SweepOutput.write(
            SweepSummary.text(
                outcomes, scenario: scenario, file: file,
                seconds: board.elapsedSeconds, jobs: jobs, directory: directory))
        if let junit {
            let xml = SweepJUnit.xml(outcomes, scenarioName: scenario.name, file: file)
            guard FileManager.default.createFile(atPath: junit, contents: Data(xml.utf8)) else {
                printError("cannot write \(junit)")
                throw ExitCode(ExitStatus.cannotCreate)
            }
        }
        if outcomes.contains(where: { !$0.passed }) { throw ExitCode(ExitStatus.expectationFailed) }
    }
}

/// The state the worker threads share: which seed is next, and what came back.
final class SweepBoard: @unchecked Sendable {
    private let lock = NSLock()
    private let seeds: [UInt64]
    private var next = 0
    private var results: [SeedOutcome] = []
    private var progress: SweepProgress

    init(seeds: [UInt64], progress: SweepProgress) {
        self.seeds = seeds
        self.progress = progress
    }

    func nextSeed() -> UInt64? {
        lock.withLock {
            guard next < seeds.count else { return nil }
            defer { next += 1 }
            return seeds[next]
        }
    }

    func record(_ outcome: SeedOutcome) {
        lock.withLock {
            results.append(outcome)
            progress.record(outcome)
        }
    }

    func finishProgress() { lock.withLock { progress.finish() } }

    var elapsedSeconds: Double { lock.withLock { progress.elapsedSeconds } }

    /// By seed, whatever order they finished in.
    var outcomes: [SeedOutcome] { lock.withLock { results.sorted { $0.seed < $1.seed } } }
}
