import Foundation

/// Where scenario and manifest files are read from: the file system, or (for the built-in
/// default scenario) files compiled into the binary.
public protocol FileSource: Sendable {
    /// The file's text, or nil when there is no such file.
    func read(_ path: String) -> String?
    /// The names of the regular files in a directory, or nil when `path` is no directory.
    func list(_ path: String) -> [String]?
}

extension FileSource {
    /// What a manifest entry names, as `kubectl apply -f` takes it: a file; a directory (its
    /// `*.yaml`, `*.yml` and `*.json` files, not recursing, in name order); or a pattern whose
    /// last component holds `*` or `?` (the matching files with those extensions, in name
    /// order). nil when nothing by that name exists; an empty list when a directory or pattern
    /// matches no file.
    func manifestFiles(_ path: String) -> [String]? {
        let isManifest = { (name: String) in
            name.hasSuffix(".yaml") || name.hasSuffix(".yml") || name.hasSuffix(".json")
        }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        let last = String(parts.last ?? "")
        if last.contains("*") || last.contains("?") {
            let directory = parts.dropLast().joined(separator: "/")
            guard let names = list(directory.isEmpty ? "." : directory) else { return nil }
            return names.filter { isManifest($0) && Paths.matches($0, pattern: last) }.sorted().map {
                directory.isEmpty ? $0 : directory + "/" + $0
            }
        }
        if let names = list(path) {
            return names.filter(isManifest).sorted().map { path + "/" + $0 }
        }
        return read(path) == nil ? nil : [path]
    }
}

/// The real file system.
public struct DiskFiles: FileSource {
    public init() {}
    public func read(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return String(data: data, encoding: .utf8)
    }

    public func list(_ path: String) -> [String]? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue,
            let names = try? FileManager.default.contentsOfDirectory(atPath: path)
        else { return nil }
        return names.filter { name in
            var entryIsDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: path + "/" + name, isDirectory: &entryIsDirectory)
            return !entryIsDirectory.boolValue
        }
    }
}

/// Files held in memory, by path.
public struct MemoryFiles: FileSource {
    public var files: [String: String]
    public init(_ files: [String: String]) { self.files = files }
    public func read(_ path: String) -> String? { files[Paths.normalize(path)] }

    public func list(_ path: String) -> [String]? {
        let directory = Paths.normalize(path)
        let prefix = directory == "." ? "" : directory + "/"
        let names = files.keys.filter { $0.hasPrefix(prefix) && !$0.dropFirst(prefix.count).contains("/") }
            .map { String($0.dropFirst(prefix.count)) }
        return names.isEmpty ? nil : names
    }
}

/// Path arithmetic on `/`-separated paths, without touching the disk.
enum Paths {
    /// `dir/of/scenario.yaml` + `../Fixtures/x.yaml` -> `dir/of/../Fixtures/x.yaml`, normalised.
    static func resolve(_ path: String, relativeTo file: String) -> String {
        if path.hasPrefix("/") { return normalize(path) }
        let directory = file.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        return normalize(directory.isEmpty ? path : directory + "/" + path)
    }

    /// Shell-style matching of a file name: `*` is any run of characters, `?` any one.
    static func matches(_ name: String, pattern: String) -> Bool {
        let name = Array(name)
        let pattern = Array(pattern)
        // Iterative wildcard matching with backtracking to the last `*`.
        var (n, p) = (0, 0)
        var star: (pattern: Int, name: Int)?
        while n < name.count {
            if p < pattern.count && (pattern[p] == "?" || pattern[p] == name[n]) {
                n += 1
                p += 1
            } else if p < pattern.count && pattern[p] == "*" {
                star = (p, n)
                p += 1
            } else if let last = star {
                p = last.pattern + 1
                n = last.name + 1
                star = (last.pattern, last.name + 1)
            } else {
                return false
            }
        }
        while p < pattern.count && pattern[p] == "*" { p += 1 }
        return p == pattern.count
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
