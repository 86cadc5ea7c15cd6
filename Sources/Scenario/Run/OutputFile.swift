import Foundation

/// How every output file is written: first under a temporary name beside its final path, then
/// renamed into place once the whole run has succeeded. A run that fails half-way, or a
/// reader that opens a file while `sim` writes it, never sees a mix of old and new outputs.
public enum OutputFile {
    /// Writes `data` to `path.partial` and returns (temporary, final) for `move`.
    static func writePartial(_ data: Data, for path: String, what: String) throws(OutputError) -> (String, String) {
        let partial = path + ".partial"
        guard FileManager.default.createFile(atPath: partial, contents: data) else {
            throw OutputError(description: "cannot write \(what) \(path)")
        }
        return (partial, path)
    }

    /// Renames a finished temporary file to its final name (atomic within one file system).
    static func move(_ temporary: String, to final: String) throws(OutputError) {
        if rename(temporary, final) != 0 {
            throw OutputError(description: "cannot move \(temporary) to \(final): \(String(cString: strerror(errno)))")
        }
    }

    /// Writes `data` to `path` atomically (temporary file, then rename), creating the folder
    /// it goes in if needed.
    public static func write(_ data: Data, to path: String, what: String) throws(OutputError) {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw OutputError(
                    description: "cannot create folder \(folder) for \(what) \(path): \(error.localizedDescription)")
            }
        }
        let (partial, final) = try writePartial(data, for: path, what: what)
        try move(partial, to: final)
    }
}
