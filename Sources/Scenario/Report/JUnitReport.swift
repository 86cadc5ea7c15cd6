import Engine
import Simulation

/// One scenario's run as a JUnit test suite: the report and how long the run took.
public struct JUnitSuite: Sendable {
    public var report: RunReport
    /// Wall-clock time the run took (simulation and writing its outputs).
    public var wallNanoseconds: UInt64

    public init(report: RunReport, wallNanoseconds: UInt64) {
        self.report = report
        self.wallNanoseconds = wallNanoseconds
    }
}

/// The JUnit XML that CI systems read (Jenkins' junit step, GitLab's `artifacts:reports:junit`,
/// GitHub test-reporter actions): one `<testsuites>` holding a `<testsuite>` per scenario, with
/// a `<testcase>` per expectation and one per invariant.
///
/// Names follow what those tools group by: the suite is the scenario's name, the class name
/// its file with dots for slashes (`Scenarios.failover.partition`), the test name the
/// expectation's kind and summary, stable while other lines of the file change. A failure's
/// message is the one-line explanation; its text adds where the expectation is written and the
/// command that replays the run.
///
/// Everything is a function of the scenario and its seed except the `time` attributes, which
/// JUnit defines as wall-clock seconds: the suites carry how long each run took; a test case
/// carries 0, since each is checked against the finished run in no measurable time.
public enum JUnitReport {
    public static func xml(_ suites: [JUnitSuite]) -> String {
        var lines = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>"]
        let tests = suites.map { testCount($0.report) }.reduce(0, +)
        let failures = suites.map { failureCount($0.report) }.reduce(0, +)
        let wall = suites.map(\.wallNanoseconds).reduce(0, +)
        lines.append(
            "<testsuites name=\"lbsim\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"0\" time=\"\(seconds(wall))\">"
        )
        for suite in suites { lines += testsuite(suite) }
        lines.append("</testsuites>")
        return lines.joined(separator: "\n") + "\n"
    }

    /// How many of an invariant's violations a failure's text lists.
    static let maxListedViolations = 20

    /// `Scenarios/failover/partition.yaml` -> `Scenarios.failover.partition`.
    static func className(_ file: String) -> String {
        var path = file
        for suffix in [".yaml", ".yml"] where path.hasSuffix(suffix) { path.removeLast(suffix.count) }
        while path.hasPrefix("./") { path.removeFirst(2) }
        return path.split(separator: "/").filter { $0 != "." && !$0.isEmpty }.joined(separator: ".")
    }

    private static func testCount(_ report: RunReport) -> Int { report.results.count + report.invariants.count }

    private static func failureCount(_ report: RunReport) -> Int {
        report.results.filter { !$0.passed }.count + report.invariants.filter { !$0.passed }.count
    }

    private static func testsuite(_ suite: JUnitSuite) -> [String] {
        let report = suite.report
        let scenario = report.scenario
        let className = XMLText.attribute(className(scenario.file))
        let replay = ReplayCommand.text(scenario)
        var lines = [
            "  <testsuite name=\"\(XMLText.attribute(scenario.name))\" tests=\"\(testCount(report))\""
                + " failures=\"\(failureCount(report))\" errors=\"0\" skipped=\"0\" time=\"\(seconds(suite.wallNanoseconds))\">"
        ]
        lines.append("    <properties>")
        for (name, value) in [
            ("seed", "\(scenario.seed)"), ("file", scenario.file), ("metallb", scenario.version.rawValue),
            ("duration", "\(scenario.duration)"), ("replay", replay),
        ] {
            lines.append("      <property name=\"\(name)\" value=\"\(XMLText.attribute(value))\"/>")
        }
        lines.append("    </properties>")
        for result in report.results {
            let name = XMLText.attribute(result.expectation.summary)
            let open = "    <testcase classname=\"\(className)\" name=\"\(name)\" time=\"0\""
            if result.passed {
                lines.append(open + "/>")
            } else {
                let text = "\(result.message)\nexpectation at \(result.expectation.location)\nreplay: \(replay)"
                lines.append(open + ">")
                lines.append(
                    "      <failure message=\"\(XMLText.attribute(result.message))\" type=\"\(result.expectation.kind.name)\">"
                        + "\(XMLText.content(text))</failure>")
                lines.append("    </testcase>")
            }
        }
        for invariant in report.invariants {
            let open =
                "    <testcase classname=\"\(className)\" name=\"invariant \(XMLText.attribute(invariant.name))\" time=\"0\""
            guard let first = invariant.violations.first else {
                lines.append(open + "/>")
                continue
            }
            let count = invariant.violations.count
            let message = "\(count) violation\(count == 1 ? "" : "s"), the first at \(first.time): \(first.message)"
            // The report lists every violation; a CI page shows the first ones.
            var details = invariant.violations.prefix(maxListedViolations).map { "\($0.time): \($0.message)" }
            if count > maxListedViolations {
                details.append("... \(count - maxListedViolations) more in the JSON report")
            }
            let text = ([invariant.rule] + details + ["replay: \(replay)"]).joined(separator: "\n")
            lines.append(open + ">")
            lines.append(
                "      <failure message=\"\(XMLText.attribute(message))\" type=\"invariant\">\(XMLText.content(text))</failure>"
            )
            lines.append("    </testcase>")
        }
        lines.append("  </testsuite>")
        return lines
    }

    /// Nanoseconds as seconds with three decimals (`1.234`), the precision CI systems show.
    static func seconds(_ nanoseconds: UInt64) -> String {
        let milliseconds = (nanoseconds + 500_000) / 1_000_000
        let fraction = String(milliseconds % 1000)
        return "\(milliseconds / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }
}
