import ArgumentParser

/// Options shared by `sim` and `sim run`.
struct RunOptions: ParsableArguments {
    @Option(help: "Override the scenario's root seed.")
    var seed: UInt64?

    @Option(help: "Output folder (default: sim-out; with several scenarios, one sub-folder each).")
    var out: String?

    @Option(help: "Write the JSON report to this file instead of OUT/report.json.")
    var report: String?

    @Option(help: "Also write a JUnit XML report of every scenario run to this file (for CI).")
    var junit: String?

    @Flag(
        name: .shortAndLong,
        help: "Print one line per scenario, with its failures if it fails, and one line counting its warnings.")
    var quiet = false
}
