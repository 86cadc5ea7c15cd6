import Foundation

/// Where scenario and manifest files are read from: the file system, or (for the built-in
/// default scenario) files compiled into the binary.
public protocol FileSource: Sendable {
    /// The file's text, or nil when there is no such file.
    func read(_ path: String) -> String?
}

/// The real file system.
public struct DiskFiles: FileSource {
    public init() {}
    public func read(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return String(data: data, encoding: .utf8)
    }
}

/// Files held in memory, by path.
public struct MemoryFiles: FileSource {
    public var files: [String: String]
    public init(_ files: [String: String]) { self.files = files }
    public func read(_ path: String) -> String? { files[Paths.normalize(path)] }
}

/// Path arithmetic on `/`-separated paths, without touching the disk.
enum Paths {
    /// `dir/of/scenario.yaml` + `../Fixtures/x.yaml` -> `dir/of/../Fixtures/x.yaml`, normalised.
    static func resolve(_ path: String, relativeTo file: String) -> String {
        if path.hasPrefix("/") { return normalize(path) }
        let directory = file.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        return normalize(directory.isEmpty ? path : directory + "/" + path)
    }

    /// Removes `.` and resolves `..` where it can.
    static func normalize(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
                continue
            }
            if part == "..", absolute { continue }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        return absolute ? "/" + joined : (joined.isEmpty ? "." : joined)
    }
}
