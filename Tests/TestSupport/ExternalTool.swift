import Foundation

/// The Debian tools the tests check lbsim against (tcpdump, tshark, `ip`, `sha256sum`). They are
/// required: a missing tool is a failure with the package to install, never a skipped test,
/// because CI installs them all and their absence means a broken environment.
public enum ExternalTool {
    /// `name` on PATH or in the sbin folders (where tcpdump and `ip` live when PATH lacks them).
    public static func path(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        let directories =
            path.split(separator: ":").map(String.init)
            + ["/usr/sbin", "/sbin", "/usr/local/sbin", "/usr/bin", "/bin", "/usr/local/bin"]
        return directories.map { URL(fileURLWithPath: $0).appendingPathComponent(name) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// `name`, or an error that says which Debian package to install.
    public static func find(_ name: String, package: String) throws -> URL {
        guard let url = path(name) else {
            let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
            throw HarnessError(
                """
                \(name) is required by these tests (they check lbsim's output with it) but was not \
                found on PATH (\(path)). Install it: apt-get install \(package); CI installs it
                """)
        }
        return url
    }

    public static func tcpdump() throws -> URL { try find("tcpdump", package: "tcpdump") }
    public static func tshark() throws -> URL { try find("tshark", package: "tshark") }

    /// Runs a tool and requires exit status 0.
    public static func run(_ tool: URL, _ arguments: [String], in directory: URL? = nil) throws -> ProcessResult {
        let result = try Subprocess.run(tool, arguments, in: directory, timeout: 120)
        guard result.status == 0 else { throw HarnessError("\(result)") }
        return result
    }
}
