import Foundation
import Testing

/// Runs tcpdump and tshark, the decoders that must agree with what the writer produces.
///
/// A missing tool fails the test with an install hint instead of skipping it: CI installs
/// both, so absence means a broken environment, not an optional check.
struct ExternalTool {
    let name: String
    let executable: URL

    struct Result {
        let status: Int32
        let standardOutput: String
        let standardError: String
    }

    /// Finds `name` on PATH (plus the sbin directories, where tcpdump often lives), or
    /// fails the calling test with an explanation.
    static func require(
        _ name: String,
        package: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> ExternalTool {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init)
            + ["/usr/sbin", "/sbin", "/usr/local/sbin", "/usr/bin", "/usr/local/bin"]
        let found = directories
            .map { URL(fileURLWithPath: $0).appendingPathComponent(name) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
        let executable = try #require(
            found,
            "\(name) is not installed: install it (apt-get install \(package)); CI installs it and these tests need it",
            sourceLocation: sourceLocation
        )
        return ExternalTool(name: name, executable: executable)
    }

    /// Runs the tool to completion and captures its output. Standard error goes through a
    /// file so that a chatty tool cannot block on a full pipe.
    func run(_ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        let errorURL = FileManager.default.temporaryDirectory
            .appendingPathComponent("PcapTests-\(name)-\(UUID().uuidString).stderr")
        guard FileManager.default.createFile(atPath: errorURL.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: errorURL.path])
        }
        defer { try? FileManager.default.removeItem(at: errorURL) }
        let errorHandle = try FileHandle(forWritingTo: errorURL)
        process.standardError = errorHandle
        try process.run()
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try errorHandle.close()
        let errData = (try? Data(contentsOf: errorURL)) ?? Data()
        return Result(
            status: process.terminationStatus,
            standardOutput: String(decoding: outData, as: UTF8.self),
            standardError: String(decoding: errData, as: UTF8.self)
        )
    }
}
