import Foundation
import Layer2

/// `sim live --scenario FILE --watch`: the scenario file stands in for the API server. When
/// its content changes, it is read again and the services its settled cluster lists are
/// delivered to the speaker as changes (new or changed views, and deletions), as informers
/// deliver watch events. A file that no longer loads is reported and the last good view kept.
public struct ScenarioWatch: Sendable {
    /// The file to watch.
    public var path: String
    /// Loads the file again: the services node NAME's informers would list, or why it cannot
    /// (the loader's `file:line:column` message).
    public var reload: @Sendable () -> Result<[(String, ServiceView)], ScenarioReloadError>

    public init(path: String, reload: @escaping @Sendable () -> Result<[(String, ServiceView)], ScenarioReloadError>) {
        self.path = path
        self.reload = reload
    }

    /// How often the file is checked.
    static let pollInterval: Int64 = 500_000_000

    /// The changes from `old` to `new` in informer order: every service whose view differs or
    /// is new, in `new`'s order, then the deletions, in `old`'s order.
    static func changes(from old: [(String, ServiceView)], to new: [(String, ServiceView)]) -> [(String, ServiceView?)]
    {
        let before = Dictionary(old, uniquingKeysWith: { first, _ in first })
        let after = Set(new.map(\.0))
        var changes: [(String, ServiceView?)] = new.filter { before[$0.0] != $0.1 }.map { ($0.0, $0.1) }
        changes += old.filter { !after.contains($0.0) }.map { ($0.0, nil) }
        return changes
    }
}

/// Why a watched scenario could not be loaded again.
public struct ScenarioReloadError: Error, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

/// Notices content changes of one file, by comparing what it holds.
struct FileChangeDetector {
    let path: String
    private var last: Data?

    init(path: String) {
        self.path = path
        last = FileManager.default.contents(atPath: path)
    }

    /// True when the file's content differs from the last time it was looked at (a file that
    /// cannot be read counts as unchanged: an editor's rename-over leaves a gap).
    mutating func changed() -> Bool {
        guard let now = FileManager.default.contents(atPath: path), now != last else { return false }
        last = now
        return true
    }
}
