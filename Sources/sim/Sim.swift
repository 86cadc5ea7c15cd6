import ArgumentParser
import Foundation
import Scenario

/// `sim`: simulate MetalLB layer2 failover on a virtual L2 segment.
///
/// With no arguments it runs the built-in seed scenario (the seed article's cluster) into
/// `./sim-out/`; `sim FILE...` is `sim run FILE...`.
@main
struct Sim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Simulate MetalLB layer2 load balancing on a virtual L2 segment and check failover.",
        usage: """
            sim [--seed N] [--out DIR] [--report FILE] [--junit FILE]
                                                            run the built-in seed scenario
            sim FILE... [options]                           same as sim run FILE...
            sim <subcommand>
            """,
        discussion: """
            With no arguments, runs the built-in seed scenario (MetalLB v0.9.4, 1 master + 3 workers, \
            an nginx pod moving from worker-1 to worker-3) and writes sim-out/trace.pcap, \
            sim-out/report.json and sim-out/timeline.svg. Exit status: 0 every expectation and \
            invariant held, 1 one failed, 65 the scenario could not be loaded, 66 no such scenario file, 64 bad usage.
            """,
        subcommands: [
            RunCommand.self, SweepCommand.self, InspectCommand.self, LiveCommand.self, ValidateCommand.self,
            BenchCommand.self, DefaultCommand.self,
        ]
    )

    /// Routes the two shorthand forms, `sim` and `sim FILE...`, to their subcommands before
    /// ArgumentParser sees the arguments (a positional argument on the root command would
    /// swallow subcommand names).
    static func main() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        let names = Set(configuration.subcommands.map { $0._commandName } + ["help"])
        if arguments.isEmpty {
            arguments = ["default"]
        } else if let first = arguments.first, !names.contains(first), !["-h", "--help", "--version"].contains(first) {
            // `sim FILE...` runs files; a word that is neither a command nor a file, and does
            // not look like a path, is a mistyped command, not a missing scenario.
            if !first.hasPrefix("-"), !FileManager.default.fileExists(atPath: first), !looksLikePath(first) {
                let commands = configuration.subcommands.filter { $0.configuration.shouldDisplay }.map {
                    $0._commandName
                }
                printError(
                    "sim: no such command or scenario file: \(first) (commands: \(commands.joined(separator: ", ")); "
                        + "sim --help)")
                Foundation.exit(ExitStatus.usage)
            }
            arguments.insert(first.hasPrefix("-") ? "default" : "run", at: 0)
        }
        main(arguments)
    }
}

/// Whether a command-line word names a file rather than a command: it has a directory part or a
/// scenario's extension.
func looksLikePath(_ word: String) -> Bool {
    word.contains("/") || [".yaml", ".yml", ".json"].contains { word.hasSuffix($0) }
}

/// `sim` with no file: the built-in seed scenario.
struct DefaultCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "default",
        abstract: "Run the built-in seed scenario (what `sim` with no arguments does).",
        shouldDisplay: false)

    @OptionGroup var options: RunOptions

    func run() throws {
        try Runner.run(files: [], options: options)
    }
}
