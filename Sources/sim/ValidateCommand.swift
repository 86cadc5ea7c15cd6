import ArgumentParser
import Scenario

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Load scenario files and their manifests without running them.")

    @Argument(help: "Scenario files (YAML).")
    var files: [String]

    func run() throws {
        try requireScenarioFiles(files)
        var failed = false
        for file in files {
            do {
                let scenario = try ScenarioLoader().load(file)
                for warning in scenario.warnings { printError(warning.description) }
                print(
                    "\(file): ok (\(scenario.name); \(scenario.world.nodes.count) nodes, \(scenario.timeline.count) timeline entries, \(scenario.expectations.count) expectations)"
                )
            } catch {
                printError(error.description)
                failed = true
            }
        }
        if failed { throw ExitCode(ExitStatus.dataError) }
    }
}
