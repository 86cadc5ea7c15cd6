import ArgumentParser
import Foundation
import Scenario
import Simulation

/// Loads and runs scenarios for `sim` and `sim run`, prints what people want to see, and
/// turns the outcome into the exit status.
enum Runner {
    static func run(files: [String], options: RunOptions) throws {
        // Load everything first: a bad file stops the whole command before anything is written.
        try requireScenarioFiles(files)
        var scenarios: [Scenario] = []
        do {
            if files.isEmpty {
                scenarios.append(try BuiltInScenario.load())
            } else {
                for file in files { scenarios.append(try ScenarioLoader().load(file)) }
            }
        } catch {
            printError(error.description)
            throw ExitCode(ExitStatus.dataError)
        }
        var allPassed = true
        var suites: [JUnitSuite] = []
        for var scenario in scenarios {
            if let seed = options.seed { scenario.seed = seed }
            if options.quiet {
                if !scenario.warnings.isEmpty {
                    let count = scenario.warnings.count
                    printError(
                        "\(scenario.file): \(count) warning\(count == 1 ? "" : "s") (objects skipped, details lbsim does not time); `sim validate \(scenario.file)` lists them"
                    )
                }
            } else {
                for warning in scenario.warnings { printError(warning.description) }
            }
            let base = options.out ?? "sim-out"
            let directory = scenarios.count > 1 ? base + "/" + folderName(scenario.file) : base
            let started = DispatchTime.now().uptimeNanoseconds
            let report: RunReport
            do {
                report = try ScenarioRunner.run(
                    scenario, output: OutputOptions(directory: directory, reportPath: options.report))
            } catch {
                printError("\(scenario.file): \(error.description)")
                throw ExitCode(ExitStatus.cannotCreate)
            }
            let elapsed = DispatchTime.now().uptimeNanoseconds - started
            let wall = Double(elapsed) / 1e9
            suites.append(JUnitSuite(report: report, wallNanoseconds: elapsed))
            if options.quiet {
                // One line for a pass; the failures, where they are written and the replay command
                // otherwise.
                let checks = "\(report.results.count) expectations, \(report.invariants.count) invariants"
                print(
                    "\(report.passed ? "PASS" : "FAIL") \(scenario.name)  (\(scenario.file), seed \(scenario.seed)): \(checks)"
                )
                for result in report.results where !result.passed {
                    print("  FAIL \(result.expectation.kind.name): \(result.message)")
                    print("       at \(result.expectation.location)")
                }
                for invariant in report.invariants where !invariant.passed { printInvariant(invariant) }
                if !report.passed {
                    allPassed = false
                    print("replay: \(ReplayCommand.text(scenario))")
                }
                continue
            }
            print(
                "== \(scenario.name)  (\(scenario.file), seed \(scenario.seed), MetalLB \(scenario.version.rawValue))")
            for line in report.humanView { print(line) }
            print("")
            for result in report.results {
                print("\(result.passed ? "PASS" : "FAIL") \(result.expectation.kind.name): \(result.message)")
                if !result.passed { print("     at \(result.expectation.location)") }
            }
            for invariant in report.invariants { printInvariant(invariant) }
            print(
                String(
                    format: "simulated %@ in %.3f s wall, %llu frames, %llu events; wrote %@",
                    "\(scenario.duration)", wall, report.framesOnSegment, report.events,
                    report.files.joined(separator: ", ")))
            if !report.passed {
                allPassed = false
                print("replay: \(ReplayCommand.text(scenario))")
            }
        }
        if let junit = options.junit {
            do {
                try OutputFile.write(Data(JUnitReport.xml(suites).utf8), to: junit, what: "JUnit report")
            } catch {
                printError(error.description)
                throw ExitCode(ExitStatus.cannotCreate)
            }
        }
        if !allPassed { throw ExitCode(ExitStatus.expectationFailed) }
    }

    /// `PASS invariant sharingRules: held at every allocation change (3)`, or FAIL with the
    /// first few violations.
    private static func printInvariant(_ invariant: InvariantResult) {
        guard !invariant.passed else {
            print("PASS invariant \(invariant.name): held at every \(invariant.subject) (\(invariant.checked))")
            return
        }
        let count = invariant.violations.count
        print("FAIL invariant \(invariant.name): \(count) violation\(count == 1 ? "" : "s") of: \(invariant.rule)")
        for violation in invariant.violations.prefix(5) { print("     \(violation.time): \(violation.message)") }
        if count > 5 { print("     ... \(count - 5) more in the report") }
    }

    /// `Scenarios/regression/a.yaml` -> `a`.
    private static func folderName(_ file: String) -> String {
        var name = file.split(separator: "/").last.map(String.init) ?? file
        for suffix in [".yaml", ".yml"] where name.hasSuffix(suffix) { name.removeLast(suffix.count) }
        return name
    }
}
