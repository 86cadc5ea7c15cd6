/// What a finished child process left behind: its exit status and everything it printed, kept
/// whole so a failing check can show the command's complete output.
public struct ProcessResult: Sendable, CustomStringConvertible {
    public var command: String
    public var status: Int32
    public var stdout: String
    public var stderr: String

    public init(command: String, status: Int32, stdout: String, stderr: String) {
        self.command = command
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }

    public var stdoutLines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }
    public var stderrLines: [String] { stderr.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }

    public var description: String {
        "`\(command)` exited with status \(status)\n--- stdout:\n\(stdout)\n--- stderr:\n\(stderr)"
    }
}
