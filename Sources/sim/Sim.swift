import ArgumentParser
import Scenario

/// `sim`: simulate MetalLB layer2 failover on a virtual L2 segment.
///
/// With no arguments it runs the built-in seed scenario (the seed article's cluster) into
/// `./sim-out/`; with scenario files it runs those, as `sim run` does.
@main
struct Sim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Simulate MetalLB layer2 load balancing on a virtual L2 segment and check failover.",
        discussion: """
            With no arguments, runs the built-in seed scenario (MetalLB v0.9.4, 1 master + 3 workers, \
            an nginx pod moving from worker-1 to worker-3) and writes sim-out/trace.pcap and \
            sim-out/report.json. Exit status: 0 every expectation held, 1 one failed, 65 the scenario \
            could not be loaded, 64 bad usage.
            """,
        subcommands: [RunCommand.self, ValidateCommand.self]
    )

    @Argument(help: "Scenario files to run (same as `sim run FILE...`). None: the built-in seed scenario.")
    var files: [String] = []

    @OptionGroup var options: RunOptions

    func run() throws {
        try Runner.run(files: files, options: options)
    }
}
