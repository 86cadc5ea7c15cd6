import Foundation
import Scenario

/// What one seed of a sweep came to.
struct SeedOutcome: Sendable {
    enum Verdict: Sendable {
        case passed
        /// Expectations or invariants failed: `sim run` exited 1.
        case failed([FailedExpectation])
        /// The run itself went wrong (a crash, outputs that could not be written).
        case error(String)
    }

    /// A failed expectation, or a violated invariant (kind `invariant NAME`).
    typealias FailedExpectation = ReportFailures.Failure

    var seed: UInt64
    var verdict: Verdict
    var seconds: Double

    var passed: Bool {
        if case .passed = verdict { return true }
        return false
    }
}

/// Runs one seed as `sim run FILE --seed N --out OUT/seed-N -q`, a child process of this same
/// binary: the seed's outputs are exactly what that command writes when a person replays it.
struct SweepChild: Sendable {
    var executable: String
    var file: String
    var directory: String
    var keepAll: Bool

    /// The name of a seed's folder inside the sweep's output folder.
    static func folderName(_ seed: UInt64) -> String { "seed-\(seed)" }

    /// The child's standard output and error, kept beside its outputs.
    static let logName = "sim-run.log"

    /// This binary: /proc/self/exe on Linux, else what the shell ran.
    static func ownExecutable() -> String? {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"),
            FileManager.default.isExecutableFile(atPath: path)
        {
            return path
        }
        if let url = Bundle.main.executableURL, FileManager.default.isExecutableFile(atPath: url.path) {
            return url.path
        }
        return nil
    }

    func run(seed: UInt64) -> SeedOutcome {
        let folder = directory + "/" + SweepChild.folderName(seed)
        let started = DispatchTime.now().uptimeNanoseconds
        func outcome(_ verdict: SeedOutcome.Verdict) -> SeedOutcome {
            SeedOutcome(
                seed: seed, verdict: verdict, seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
        }
        // A folder left by an earlier sweep would mix its files with this run's.
        try? FileManager.default.removeItem(atPath: folder)
        let logPath = folder + "/" + SweepChild.logName
        guard (try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)) != nil,
            FileManager.default.createFile(atPath: logPath, contents: nil),
            let log = FileHandle(forWritingAtPath: logPath)
        else {
            return outcome(.error("cannot create \(folder)"))
        }
        defer { try? log.close() }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["run", file, "--seed", String(seed), "--out", folder, "-q"]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log
        process.standardError = log
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        do {
            try process.run()
        } catch {
            return outcome(.error("cannot start \(executable): \(error.localizedDescription)"))
        }
        exited.wait()

        let status = process.terminationStatus
        if process.terminationReason == .uncaughtSignal {
            return outcome(.error("killed by signal \(status); see \(logPath)"))
        }
        switch status {
        case 0:
            if keepAll { return outcome(.passed) }
            try? FileManager.default.removeItem(atPath: folder)
            return outcome(.passed)
        case 1:
            return outcome(.failed(SweepChild.failures(report: folder + "/report.json")))
        default:
            let firstLine =
                (try? String(contentsOfFile: logPath, encoding: .utf8))?
                .split(separator: "\n").first.map(String.init) ?? ""
            return outcome(.error("exit status \(status)\(firstLine.isEmpty ? "" : ": \(firstLine)")"))
        }
    }

    /// What made the run fail, from its report (expectations and invariants alike).
    static func failures(report path: String) -> [SeedOutcome.FailedExpectation] {
        guard let data = FileManager.default.contents(atPath: path), let failures = ReportFailures.read(data) else {
            return [ReportFailures.Failure(kind: "?", message: "no readable report at \(path)")]
        }
        return failures
    }
}
