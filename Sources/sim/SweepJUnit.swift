import Foundation
import Scenario

/// A sweep as JUnit XML (`--junit FILE`): one test case per seed, so CI shows each failing
/// seed as a failed test with its message and replay command. Seeds in order and every `time`
/// zero (the attribute JUnit readers require), so the same sweep writes the same file.
enum SweepJUnit {
    static func xml(_ outcomes: [SeedOutcome], scenarioName: String, file: String) -> String {
        let failures = outcomes.filter { if case .failed = $0.verdict { return true } else { return false } }.count
        let errors = outcomes.filter { if case .error = $0.verdict { return true } else { return false } }.count
        let counts = "tests=\"\(outcomes.count)\" failures=\"\(failures)\" errors=\"\(errors)\" time=\"0\""
        var lines = [
            #"<?xml version="1.0" encoding="UTF-8"?>"#,
            "<testsuites name=\"sim sweep\" \(counts)>",
            "  <testsuite name=\"\(XMLText.attribute(scenarioName))\" \(counts)>",
        ]
        for outcome in outcomes {
            let open = "    <testcase classname=\"\(XMLText.attribute(file))\" name=\"seed \(outcome.seed)\" time=\"0\""
            let replay = "replay: " + ReplayCommand.text(file: file, seed: outcome.seed)
            switch outcome.verdict {
            case .passed:
                lines.append(open + "/>")
            case .failed(let expectations):
                lines.append(open + ">")
                let kinds = expectations.map(\.kind).joined(separator: ", ")
                let first = expectations.first.map { "\($0.kind): \($0.message)" } ?? "failed"
                let body = expectations.map { "\($0.kind): \($0.message)" } + [replay]
                lines.append(
                    "      <failure type=\"\(XMLText.attribute(kinds))\" message=\"\(XMLText.attribute(first))\">"
                        + "\(XMLText.content(body.joined(separator: "\n")))</failure>")
                lines.append("    </testcase>")
            case .error(let message):
                lines.append(open + ">")
                lines.append(
                    "      <error message=\"\(XMLText.attribute(message))\">\(XMLText.content(message + "\n" + replay))</error>"
                )
                lines.append("    </testcase>")
            }
        }
        lines += ["  </testsuite>", "</testsuites>"]
        return lines.joined(separator: "\n") + "\n"
    }
}
