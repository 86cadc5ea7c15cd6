import Foundation

/// A fresh, empty directory for one test, removed when the test is done with it (explicitly
/// with `remove()`, or when the last reference goes), so tests can run in parallel and leave
/// nothing behind.
public final class TemporaryDirectory: Sendable {
    public let url: URL

    /// `label` goes into the directory's name, to tell whose a leftover directory was.
    public init(_ label: String = "run") throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("lbsim-test-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { remove() }

    public func remove() { try? FileManager.default.removeItem(at: url) }

    public func path(_ relative: String) -> URL { url.appendingPathComponent(relative) }

    public func write(_ relative: String, _ text: String) throws {
        let file = path(relative)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
    }

    public func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: path(relative).path) }

    public func data(_ relative: String) throws -> Data {
        guard let data = FileManager.default.contents(atPath: path(relative).path) else {
            throw HarnessError("cannot read \(path(relative).path)")
        }
        return data
    }

    /// Every regular file under `relative`, by path relative to it, with its bytes: what a
    /// determinism test compares between two runs.
    public func snapshot(_ relative: String) throws -> [String: Data] {
        let base = path(relative).resolvingSymlinksInPath()
        var result: [String: Data] = [:]
        guard let enumerator = FileManager.default.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey])
        else {
            throw HarnessError("cannot list \(base.path)")
        }
        for case let file as URL in enumerator {
            let values = try file.resolvingSymlinksInPath().resourceValues(forKeys: [.isRegularFileKey])
            guard values.isRegularFile == true else { continue }
            let name = String(file.resolvingSymlinksInPath().path.dropFirst(base.path.count + 1))
            result[name] = try Data(contentsOf: file)
        }
        return result
    }
}
