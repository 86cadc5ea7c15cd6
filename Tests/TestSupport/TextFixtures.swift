import Foundation

/// Replaces exactly one occurrence of `old` in a fixture's text, or fails: the test's premise
/// is that the fixture says `old` once, and a fixture edited under it must fail the test, not
/// silently change nothing (or two things).
public func replacingOnce(_ text: String, _ old: String, _ new: String) throws -> String {
    let count = text.components(separatedBy: old).count - 1
    guard count == 1 else {
        throw HarnessError("expected exactly one \"\(old)\" in the fixture, found \(count)")
    }
    return text.replacingOccurrences(of: old, with: new)
}
