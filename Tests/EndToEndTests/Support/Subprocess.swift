import Foundation
import Testing

/// What a finished child process left behind.
struct ProcessResult: Sendable, CustomStringConvertible {
    var command: String
    var status: Int32
    var stdout: String
    var stderr: String

    var stdoutLines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }
    var stderrLines: [String] { stderr.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }

    var description: String {
        "`\(command)` exited with status \(status)\n--- stdout:\n\(stdout)\n--- stderr:\n\(stderr)"
    }
}

/// A failure of the test machinery itself (a tool missing, a process that hung), with a message
/// that says what to do about it.
struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

enum Subprocess {
    /// Runs `executable` with `arguments` in `directory` and waits for it (at most `timeout`).
    /// Standard output and error go to files outside `directory`, so the child's working
    /// directory holds only what the child writes.
    static func run(_ executable: URL, _ arguments: [String], in directory: URL,
                    timeout: TimeInterval = 300) throws -> ProcessResult {
        let capture = FileManager.default.temporaryDirectory
            .appendingPathComponent("lbsim-e2e-capture-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: capture, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: capture) }
        let outURL = capture.appendingPathComponent("stdout")
        let errURL = capture.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)

        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        let command = ([executable.lastPathComponent] + arguments).joined(separator: " ")
        do {
            try process.run()
        } catch {
            throw HarnessError("cannot start \(executable.path): \(error)")
        }
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            _ = finished.wait(timeout: .now() + 10)
            throw HarnessError("`\(command)` (in \(directory.path)) did not finish within \(Int(timeout)) s")
        }
        try? out.close()
        try? err.close()
        let stdout = String(decoding: (try? Data(contentsOf: outURL)) ?? Data(), as: UTF8.self)
        let stderr = String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self)
        return ProcessResult(command: command, status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }
}

/// Debian tools the end-to-end tests read traces back with. They are required: a missing tool
/// is a failure with instructions, never a skipped test.
enum ExternalTool {
    static func find(_ name: String, package: String) throws -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        var directories = path.split(separator: ":").map(String.init)
        directories += ["/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/bin"]
        for directory in directories {
            let candidate = URL(fileURLWithPath: directory).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw HarnessError("""
            \(name) is required by the end-to-end tests (they read the simulator's traces back with it) \
            but was not found on PATH (\(path)). Install it: apt-get install \(package)
            """)
    }

    static func tcpdump() throws -> URL { try find("tcpdump", package: "tcpdump") }
    static func tshark() throws -> URL { try find("tshark", package: "tshark") }

    /// Runs a tool and requires exit status 0.
    static func run(_ tool: URL, _ arguments: [String], in directory: URL) throws -> ProcessResult {
        let result = try Subprocess.run(tool, arguments, in: directory, timeout: 120)
        guard result.status == 0 else { throw HarnessError("\(result)") }
        return result
    }
}
