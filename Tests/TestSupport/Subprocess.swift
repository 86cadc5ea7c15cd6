import Dispatch
import Foundation

/// Runs a child process to completion: `sim`, tcpdump, tshark, `ip`, `sha256sum`.
public enum Subprocess {
    /// Runs `executable` with `arguments` and waits for it (at most `timeout` seconds).
    ///
    /// - `directory`: the child's working directory (nil: this process's).
    /// - `input`: what the child reads on standard input (nil: nothing, as from /dev/null).
    /// - `mergingStandardError`: standard error goes into `stdout`, interleaved as printed (what
    ///   a person at a terminal sees); `stderr` is then empty.
    ///
    /// Output goes to files outside `directory`, not pipes, so a chatty child cannot block on a
    /// full pipe and the child's working directory holds only what the child writes.
    public static func run(
        _ executable: URL, _ arguments: [String], in directory: URL? = nil, input: Data? = nil,
        mergingStandardError: Bool = false, timeout: TimeInterval = 300
    ) throws -> ProcessResult {
        let capture = FileManager.default.temporaryDirectory
            .appendingPathComponent("lbsim-test-capture-\(UUID().uuidString)")
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
        if let directory { process.currentDirectoryURL = directory }
        process.standardOutput = out
        process.standardError = mergingStandardError ? out : err
        if let input {
            let inURL = capture.appendingPathComponent("stdin")
            try input.write(to: inURL)
            process.standardInput = try FileHandle(forReadingFrom: inURL)
        } else {
            process.standardInput = FileHandle.nullDevice
        }
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
            throw HarnessError(
                "`\(command)` (in \(directory?.path ?? FileManager.default.currentDirectoryPath)) did not finish within \(Int(timeout)) s"
            )
        }
        try? out.close()
        try? err.close()
        let stdout = String(decoding: (try? Data(contentsOf: outURL)) ?? Data(), as: UTF8.self)
        let stderr = String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self)
        return ProcessResult(command: command, status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }
}
