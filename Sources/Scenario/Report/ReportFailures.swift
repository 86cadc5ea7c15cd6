import Foundation

/// What made a run fail, read back from its `report.json`: the failed expectations in the
/// order the scenario writes them, then each violated invariant with its first violation.
/// `sim run` exits 1 for either, so whoever reads reports of other processes (`sim sweep`)
/// reads both, with the key names of `ReportBuilder` kept in this one place beside it.
public enum ReportFailures {
    public struct Failure: Sendable, Hashable {
        /// The expectation kind (`failover`), or `invariant NAME`.
        public var kind: String
        public var message: String

        public init(kind: String, message: String) {
            self.kind = kind
            self.message = message
        }
    }

    /// The failures the report lists; nil when the bytes are not a report.
    public static func read(_ data: Data) -> [Failure]? {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let expectations = root["expectations"] as? [[String: Any]]
        else { return nil }
        let failedExpectations = expectations.filter { $0["passed"] as? Bool == false }.map { item in
            Failure(kind: item["kind"] as? String ?? "?", message: item["message"] as? String ?? "")
        }
        let invariants = root["invariants"] as? [[String: Any]] ?? []
        let violated = invariants.filter { $0["passed"] as? Bool == false }.map { item in
            let violations = item["violations"] as? [[String: Any]] ?? []
            let first =
                violations.first.map { violation in
                    // Times stay the report's text (exact nanoseconds), not a rounded Double.
                    let time = (violation["t"] as? NSNumber)?.stringValue ?? "?"
                    return ", the first at \(time)s: \(violation["message"] as? String ?? "")"
                } ?? ""
            let count = violations.count
            return Failure(
                kind: "invariant \(item["name"] as? String ?? "?")",
                message: "\(count) violation\(count == 1 ? "" : "s")\(first)")
        }
        return failedExpectations + violated
    }
}
