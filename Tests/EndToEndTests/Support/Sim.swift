import Foundation
import TestSupport
import Testing

/// The real `sim` executable (TestSupport's `SimExecutable`), run the way users run it.
enum Sim {
    static func url() throws -> URL { try SimExecutable.url() }

    /// Runs `sim ARGUMENTS...` with `directory` as its working directory.
    static func run(_ arguments: [String], in directory: URL) throws -> ProcessResult {
        try Subprocess.run(url(), arguments, in: directory, timeout: 300)
    }
}

/// The seed scenario and its manifests, which many end-to-end tests run or copy.
extension Repository {
    static var seedScenario: URL { root.appendingPathComponent("Scenarios/seed-nginx-migration.yaml") }
    static var manifests: URL { root.appendingPathComponent("Fixtures/manifests") }
}

extension TemporaryDirectory {
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
        guard parts.count == 4, let line = Int(parts[1]), let column = Int(parts[2]), parts[3].hasPrefix(" ") else {
            return nil
        }
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
