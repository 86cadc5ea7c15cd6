import ArgumentParser
import Foundation

/// The exit statuses of the format contract (sysexits.h where one fits).
enum ExitStatus {
    static let passed: Int32 = 0
    static let expectationFailed: Int32 = 1
    /// EX_USAGE: bad command line (ArgumentParser uses it too).
    static let usage: Int32 = 64
    /// EX_DATAERR: a scenario or manifest that cannot be loaded, a file that is not a capture.
    static let dataError: Int32 = 65
    /// EX_NOINPUT: an input file (a capture for `sim inspect`) does not exist or cannot be read.
    static let noInput: Int32 = 66
    /// EX_CANTCREAT: outputs could not be written.
    static let cannotCreate: Int32 = 73
}

/// Diagnostics go to standard error, results to standard output.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Scenario files named on the command line must exist and be readable: one that does not
/// is EX_NOINPUT with its path, not a load error with an invented `:1:1` location (which
/// `file:line:column` errors reserve for text that is there).
func requireScenarioFiles(_ paths: [String]) throws {
    let missing = paths.filter { !FileManager.default.isReadableFile(atPath: $0) }
    guard !missing.isEmpty else { return }
    for path in missing {
        let exists = FileManager.default.fileExists(atPath: path)
        printError("sim: \(path): \(exists ? "cannot read this scenario file" : "no such scenario file")")
    }
    throw ExitCode(ExitStatus.noInput)
}
