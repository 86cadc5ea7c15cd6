/// `sim run FILE --seed N`: the one command that reproduces a run byte for byte. `sim run`
/// prints it after a failing scenario, JUnit failures carry it, and `sim sweep` prints it for
/// each failing seed, all in this one form, so that it can be pasted into a shell as it is.
public enum ReplayCommand {
    public static func text(file: String, seed: UInt64) -> String {
        "sim run \(shellQuoted(file)) --seed \(seed)"
    }

    public static func text(_ scenario: Scenario) -> String {
        text(file: scenario.file, seed: scenario.seed)
    }

    /// The path as a shell reads it back: unchanged when it is plain, else in single quotes.
    public static func shellQuoted(_ text: String) -> String {
        let plain =
            !text.isEmpty && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "/._-+=:,@%".contains($0)) }
        return plain ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
