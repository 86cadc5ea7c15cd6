import Foundation
import TestSupport
import Testing

/// What the command line says when the first word or a scenario path is wrong: a missing file
/// is EX_NOINPUT (66) with its path and no invented `file:line:column`, and a word that is
/// neither a command nor a file is a usage error (64), not a missing scenario.
@Suite("Command line: missing scenario files and mistyped commands")
struct CommandLineErrorTests {
    @Test(
        "a missing scenario file: exit 66, its path, no made-up :1:1",
        arguments: [
            ["absent.yaml"], ["run", "absent.yaml"], ["validate", "absent.yaml"],
            ["sweep", "absent.yaml", "--seeds", "1-2"],
            ["run", "absent"],
        ])
    func missingScenario(arguments: [String]) throws {
        let folder = try TemporaryDirectory("missing-scenario")
        let result = try Sim.run(arguments, in: folder.url)
        let path = arguments.first { $0.hasPrefix("absent") }!
        #expect(result.status == 66, "\(result)")
        #expect(result.stderr.contains("\(path): no such scenario file"), "\(result)")
        #expect(!result.stderr.contains(":1:1"), "\(result)")
    }

    @Test("a mistyped command: exit 64, 'no such command or scenario file', the commands listed")
    func mistypedCommand() throws {
        let folder = try TemporaryDirectory("mistyped-command")
        let result = try Sim.run(["runn", "Scenarios/x.yaml"], in: folder.url)
        #expect(result.status == 64, "\(result)")
        #expect(result.stderr.contains("no such command or scenario file: runn"), "\(result)")
        #expect(result.stderr.contains("run, sweep, inspect, live, validate, bench"), "\(result)")
        #expect(!folder.exists("sim-out"), "nothing runs")
    }

    @Test("a file whose name is also a word still runs as a scenario when it exists")
    func existingFileNamedLikeACommand() throws {
        let folder = try TemporaryDirectory("file-named-like-a-word")
        try folder.write("scenario", try Repository.text("Scenarios/live/three-node-cluster.yaml"))
        let result = try Sim.run(["scenario", "-q"], in: folder.url)
        #expect(result.status == 0, "\(result)")
        #expect(folder.exists("sim-out/trace.pcap"))
    }
}
