import Foundation

/// A sweep as JUnit XML (`--junit FILE`): one test case per seed, so CI shows each failing
/// seed as a failed test with its message and replay command. Seeds in order, and no wall
/// times, so the same sweep writes the same file.
enum SweepJUnit {
    static func xml(_ outcomes: [SeedOutcome], scenarioName: String, file: String) -> String {
        let failures = outcomes.filter { if case .failed = $0.verdict { return true } else { return false } }.count
        let errors = outcomes.filter { if case .error = $0.verdict { return true } else { return false } }.count
        let counts = "tests=\"\(outcomes.count)\" failures=\"\(failures)\" errors=\"\(errors)\""
        var lines = [
            #"<?xml version="1.0" encoding="UTF-8"?>"#,
            "<testsuites name=\"sim sweep\" \(counts)>",
            "  <testsuite name=\"\(escape(scenarioName))\" \(counts)>",
        ]
        for outcome in outcomes {
            let open = "    <testcase classname=\"\(escape(file))\" name=\"seed \(outcome.seed)\""
            let replay = "replay: sim run \(SweepSummary.shellQuoted(file)) --seed \(outcome.seed)"
            switch outcome.verdict {
            case .passed:
                lines.append(open + "/>")
            case let .failed(expectations):
                lines.append(open + ">")
                let kinds = expectations.map(\.kind).joined(separator: ", ")
                let first = expectations.first.map { "\($0.kind): \($0.message)" } ?? "failed"
                let body = expectations.map { "\($0.kind): \($0.message)" } + [replay]
                lines.append("      <failure type=\"\(escape(kinds))\" message=\"\(escape(first))\">\(escape(body.joined(separator: "\n"), attribute: false))</failure>")
                lines.append("    </testcase>")
            case let .error(message):
                lines.append(open + ">")
                lines.append("      <error message=\"\(escape(message))\">\(escape(message + "\n" + replay, attribute: false))</error>")
                lines.append("    </testcase>")
            }
        }
        lines += ["  </testsuite>", "</testsuites>"]
        return lines.joined(separator: "\n") + "\n"
    }

    /// Text for an XML attribute (or, with `attribute: false`, an element): markup characters
    /// escaped, line breaks kept in attributes, and control characters XML 1.0 cannot carry replaced.
    static func escape(_ text: String, attribute: Bool = true) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\n": out += attribute ? "&#10;" : "\n"
            case "\t": out += attribute ? "&#9;" : "\t"
            case _ where scalar.value < 0x20: out += "?"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
