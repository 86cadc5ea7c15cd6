import Foundation
import Testing

/// The real `sim` executable, as built next to this test bundle.
///
/// SwiftPM puts every product of a build in one directory: `<scratch>/debug/sim` beside
/// `<scratch>/debug/lbsimPackageTests.xctest` (an executable on Linux, a bundle on macOS),
/// whether the scratch path is `.build` or one given with `--scratch-path`. So the tests look for
/// an executable named `sim` in the directory that contains the test bundle, and nowhere else:
/// a stale binary from another build folder would test the wrong code.
enum Sim {
    static let executable: Result<URL, HarnessError> = locate()

    static func url() throws -> URL { try executable.get() }

    private static func locate() -> Result<URL, HarnessError> {
        var directories: [URL] = []
        func add(_ url: URL?) {
            guard var url else { return }
            url = url.resolvingSymlinksInPath()
            // Inside a bundle (macOS: X.xctest/Contents/MacOS/X): the products directory is the
            // bundle's parent.
            var walk = url
            while walk.pathComponents.count > 1 {
                if walk.pathExtension == "xctest" {
                    url = walk.deletingLastPathComponent()
                    break
                }
                walk = walk.deletingLastPathComponent()
            }
            if !directories.contains(url) { directories.append(url) }
        }
        // The test bundle itself, where Foundation knows it.
        for bundle in [Bundle.main] + Bundle.allBundles where bundle.bundleURL.pathExtension == "xctest" {
            add(bundle.bundleURL.deletingLastPathComponent())
        }
        // Linux: the test bundle is the running executable.
        if let executable = Bundle.main.executableURL { add(executable.deletingLastPathComponent()) }
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            add(URL(fileURLWithPath: exe).deletingLastPathComponent())
        }
        // A runner given the bundle's path (swiftpm-testing-helper --test-bundle-path X.xctest).
        for argument in ProcessInfo.processInfo.arguments where argument.contains(".xctest") {
            add(URL(fileURLWithPath: argument))
        }
        for directory in directories {
            let candidate = directory.appendingPathComponent("sim")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
               FileManager.default.isExecutableFile(atPath: candidate.path) {
                return .success(candidate)
            }
        }
        return .failure(HarnessError("""
            no executable named `sim` next to the test bundle (looked in: \
            \(directories.map(\.path).joined(separator: ", "))). Build it with the tests: \
            swift build --build-tests [--scratch-path DIR], then swift test [--scratch-path DIR]
            """))
    }

    /// Runs `sim ARGUMENTS...` with `directory` as its working directory.
    static func run(_ arguments: [String], in directory: URL) throws -> ProcessResult {
        try Subprocess.run(url(), arguments, in: directory, timeout: 300)
    }
}

/// The package's own files, found from this source file's path.
enum Repository {
    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.pathComponents.count > 1 {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
            url = url.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }()

    static var seedScenario: URL { root.appendingPathComponent("Scenarios/seed-nginx-migration.yaml") }
    static var manifests: URL { root.appendingPathComponent("Fixtures/manifests") }

    static func text(_ relativePath: String) throws -> String {
        let url = root.appendingPathComponent(relativePath)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw HarnessError("cannot read \(url.path)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// A fresh, empty directory for one test, removed afterwards.
struct TemporaryDirectory {
    let url: URL

    init(_ label: String = "run") throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("lbsim-e2e-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(at: url) }

    func path(_ relative: String) -> URL { url.appendingPathComponent(relative) }

    func write(_ relative: String, _ text: String) throws {
        let file = path(relative)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
    }

    func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: path(relative).path) }

    func data(_ relative: String) throws -> Data {
        guard let data = FileManager.default.contents(atPath: path(relative).path) else {
            throw HarnessError("cannot read \(path(relative).path)")
        }
        return data
    }

    /// Every regular file under `relative`, by path relative to it, with its bytes.
    func snapshot(_ relative: String) throws -> [String: Data] {
        let base = path(relative).resolvingSymlinksInPath()
        var result: [String: Data] = [:]
        guard let enumerator = FileManager.default.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey]) else {
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

    /// Copies the repository's seed scenario and its manifests into the layout they expect
    /// (`Scenarios/` and `Fixtures/manifests/`), so a test can change one line of a copy.
    func copySeedLayout() throws {
        try write("Scenarios/seed-nginx-migration.yaml", Repository.text("Scenarios/seed-nginx-migration.yaml"))
        for name in try FileManager.default.contentsOfDirectory(atPath: Repository.manifests.path).sorted() {
            try write("Fixtures/manifests/\(name)", Repository.text("Fixtures/manifests/\(name)"))
        }
    }
}

/// `FILE:LINE:COLUMN: message`, the first line of a load error.
struct LocatedMessage: Equatable, CustomStringConvertible {
    var file: String
    var line: Int
    var column: Int
    var message: String

    var description: String { "\(file):\(line):\(column): \(message)" }

    /// Parses `file:line:column: message` (the file itself contains no `:` in these tests).
    init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 4, let line = Int(parts[1]), let column = Int(parts[2]), parts[3].hasPrefix(" ") else { return nil }
        file = String(parts[0])
        self.line = line
        self.column = column
        message = String(parts[3].dropFirst())
    }
}

/// Where `needle` first occurs in `text`, as 1-based line and column (columns count characters).
func position(of needle: String, in text: String, after anchor: String? = nil) -> (line: Int, column: Int)? {
    var searchStart = text.startIndex
    if let anchor {
        guard let found = text.range(of: anchor) else { return nil }
        searchStart = found.upperBound
    }
    guard let range = text.range(of: needle, range: searchStart..<text.endIndex) else { return nil }
    let before = text[text.startIndex..<range.lowerBound]
    let line = before.filter { $0 == "\n" }.count + 1
    let lineStart = before.lastIndex(of: "\n").map { text.index(after: $0) } ?? text.startIndex
    let column = text.distance(from: lineStart, to: range.lowerBound) + 1
    return (line, column)
}

/// Replaces exactly one occurrence of `old` (the test's premise about the fixture), or fails.
func replacingOnce(_ text: String, _ old: String, _ new: String) throws -> String {
    let count = text.components(separatedBy: old).count - 1
    guard count == 1 else {
        throw HarnessError("expected exactly one \"\(old)\" in the fixture, found \(count)")
    }
    return text.replacingOccurrences(of: old, with: new)
}
