import ArgumentParser

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run scenario files and check their expectations.")

    @Argument(help: "Scenario files (YAML).")
    var files: [String]

    @OptionGroup var options: RunOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one scenario file") }
        if options.report != nil && files.count > 1 {
            throw ValidationError("--report names one file; with several scenarios use --out")
        }
    }

    func run() throws {
        try Runner.run(files: files, options: options)
    }
}
