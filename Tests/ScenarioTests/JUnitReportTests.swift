import Engine
import Foundation
import Simulation
import Testing
import XMLCheck

@testable import Scenario

@Suite("JUnit XML report")
struct JUnitReportTests {
    static func run(_ lab: Lab) throws -> RunReport {
        try ScenarioRunner.run(try lab.load(), output: OutputOptions(directory: nil))
    }

    /// The lab scenario with its owner expectation naming the wrong worker.
    static func failingLab() throws -> Lab {
        var lab = try Lab()
        try lab.change("owner: {ip: 10.200.200.120, node: worker-1}", "owner: {ip: 10.200.200.120, node: worker-2}")
        try lab.change("name: parsing lab", "name: failing lab")
        return lab
    }

    @Test("two scenarios: one <testsuites>, a <testsuite> each, a <testcase> per expectation and invariant")
    func structure() throws {
        let passing = try Self.run(try Lab())
        let failing = try Self.run(try Self.failingLab())
        #expect(passing.passed)
        #expect(!failing.passed)
        let xml = JUnitReport.xml([
            JUnitSuite(report: passing, wallNanoseconds: 1_234_567_890),
            JUnitSuite(report: failing, wallNanoseconds: 2_469_135_780),
        ])
        let root = try XMLTree.parse(xml)
        #expect(JUnitShape.problems(root) == [])
        #expect(root.name == "testsuites")
        #expect(root["tests"] == "10")
        #expect(root["failures"] == "1")
        #expect(root["errors"] == "0")
        #expect(root["time"] == "3.704")

        let suites = root.children("testsuite")
        try #require(suites.count == 2)
        #expect(suites.map { $0["name"] } == ["parsing lab", "failing lab"])
        #expect(suites.map { $0["tests"] } == ["5", "5"])
        #expect(suites.map { $0["failures"] } == ["0", "1"])
        #expect(suites.map { $0["time"] } == ["1.235", "2.469"])
        let properties = Dictionary(uniqueKeysWithValues: suites[0].all("property").map { ($0["name"]!, $0["value"]!) })
        #expect(
            properties == [
                "seed": "7", "file": "lab/scenario.yaml", "metallb": "v0.9.4", "duration": "10s",
                "replay": "sim run lab/scenario.yaml --seed 7",
            ])

        let cases = suites[0].children("testcase")
        #expect(
            cases.map { $0["name"] } == [
                "owner 10.200.200.120 announced by worker-1 at 5s",
                "externalIP default/nginx is 10.200.200.120",
                "invariant sharingRules", "invariant announcedInPool", "invariant clientMACsOnSegment",
            ])
        #expect(Set(cases.compactMap { $0["classname"] }) == ["lab.scenario"])
        #expect(cases.allSatisfy { $0["time"] == "0" && $0.children.isEmpty })
    }

    @Test("a failing expectation: <failure> with the one-line explanation, where it is written and the replay command")
    func failure() throws {
        let report = try Self.run(try Self.failingLab())
        let result = try #require(report.results.first { !$0.passed })
        let root = try XMLTree.parse(JUnitReport.xml([JUnitSuite(report: report, wallNanoseconds: 5_000_000)]))
        #expect(JUnitShape.problems(root) == [])
        let failing = root.all("testcase").filter { !$0.children("failure").isEmpty }
        try #require(failing.count == 1)
        #expect(failing[0]["name"] == "owner 10.200.200.120 announced by worker-2 at 5s")
        let failure = try #require(failing[0].children("failure").first)
        let message = try #require(failure["message"])
        #expect(message == result.message)
        #expect(message.contains("at 5s"), "names the time: \(message)")
        #expect(message.contains("worker-2"), "names what was expected: \(message)")
        #expect(message.contains("announced by worker-1"), "names what was seen: \(message)")
        #expect(failure["type"] == "owner")
        #expect(
            failure.text == """
                \(message)
                expectation at \(result.expectation.location)
                replay: sim run lab/scenario.yaml --seed 7
                """)
        #expect(result.expectation.location.description.hasPrefix("lab/scenario.yaml:"))
    }

    @Test("a violated invariant fails the run and is a <failure> naming each violation")
    func invariantFailure() throws {
        var report = try Self.run(try Lab())
        #expect(report.passed)
        let index = try #require(report.invariants.firstIndex { $0.name == PoolInvariant.name })
        report.invariants[index].violations = [
            InvariantViolation(
                time: .seconds(3), message: "worker-1 started announcing 203.0.113.9, which lies in no configured pool"),
            InvariantViolation(
                time: .seconds(4), message: "worker-2 started announcing 203.0.113.9, which lies in no configured pool"),
        ]
        #expect(!report.passed, "a violated invariant fails the run even when every expectation holds")
        #expect(report.results.allSatisfy { $0.passed })
        let root = try XMLTree.parse(JUnitReport.xml([JUnitSuite(report: report, wallNanoseconds: 0)]))
        #expect(JUnitShape.problems(root) == [])
        #expect(root["failures"] == "1")
        let testcase = try #require(root.all("testcase").first { $0["name"] == "invariant announcedInPool" })
        let failure = try #require(testcase.children("failure").first)
        #expect(failure["type"] == "invariant")
        #expect(
            failure["message"]
                == "2 violations, the first at 3s: worker-1 started announcing 203.0.113.9, which lies in no configured pool"
        )
        #expect(failure.text.contains("\n4s: worker-2 started announcing 203.0.113.9"))
        #expect(failure.text.hasSuffix("replay: sim run lab/scenario.yaml --seed 7"))
    }

    @Test("a failure lists the first twenty violations and counts the rest")
    func manyViolations() throws {
        var report = try Self.run(try Lab())
        let index = try #require(report.invariants.firstIndex { $0.name == ClientMACInvariant.name })
        report.invariants[index].violations = (1...25).map {
            InvariantViolation(time: .seconds(Int64($0)), message: "violation \($0)")
        }
        let root = try XMLTree.parse(JUnitReport.xml([JUnitSuite(report: report, wallNanoseconds: 0)]))
        let failure = try #require(root.all("failure").first)
        #expect(failure["message"] == "25 violations, the first at 1s: violation 1")
        let lines = failure.text.split(separator: "\n").map(String.init)
        #expect(lines.count == 23)
        #expect(lines[0] == ClientMACInvariant.rule)
        #expect(lines[20] == "20s: violation 20")
        #expect(lines[21] == "... 5 more in the JSON report")
    }

    @Test("a scenario name with < & \" ' and control characters is escaped: a parser reads it back")
    func escaping() throws {
        var lab = try Lab()
        try lab.change("name: parsing lab", #"name: "a <b> & \"c\" 'd'\tnew\nline\x01end""#)
        let report = try Self.run(lab)
        #expect(report.scenario.name == "a <b> & \"c\" 'd'\tnew\nline\u{1}end")
        let xml = JUnitReport.xml([JUnitSuite(report: report, wallNanoseconds: 0)])
        #expect(!xml.contains("<b>"))
        let root = try XMLTree.parse(xml)
        #expect(JUnitShape.problems(root) == [])
        // Tab and newline survive as character references; U+0001, which XML 1.0 cannot
        // carry at all, becomes U+FFFD.
        #expect(root.children("testsuite").first?["name"] == "a <b> & \"c\" 'd'\tnew\nline\u{FFFD}end")
    }

    @Test("XMLText escapes markup in attributes and content, and replaces what XML 1.0 forbids")
    func xmlText() throws {
        #expect(XMLText.attribute("<a href=\"x\">'&'</a>") == "&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;")
        #expect(XMLText.content("a < b && \"c\"\td\n") == "a &lt; b &amp;&amp; \"c\"\td\n")
        #expect(XMLText.content("\r\u{0}\u{1F}\u{FFFE}\u{7F}é") == "&#13;\u{FFFD}\u{FFFD}\u{FFFD}\u{7F}é")
        let root = try XMLTree.parse(
            "<r a=\"\(XMLText.attribute("x\r\ny\u{8}"))\">\(XMLText.content("1 < 2 & \r"))</r>")
        #expect(root["a"] == "x\r\ny\u{FFFD}")
        #expect(root.text == "1 < 2 & \r")
    }

    /// The shape check used above can fail: a report CI systems would misread is rejected.
    @Test("the JUnit shape check rejects missing attributes and counts that disagree")
    func shapeCheckFails() throws {
        let bad = try XMLTree.parse(
            """
            <testsuites tests="3"><testsuite name="s" tests="2" failures="0" errors="0" time="1,5">
            <testcase name="a" time="0"><failure>no message</failure></testcase>
            <testcase classname="c" name="b" time="0"><stdout/></testcase>
            </testsuite></testsuites>
            """)
        #expect(
            JUnitShape.problems(bad) == [
                "testsuite[0]: time=\"1,5\" is not an xs:decimal of seconds",
                "testsuite[0]/testcase[0]: <testcase> lacks the required attribute classname",
                "testsuite[0]/testcase[0]: <failure> lacks the required attribute message",
                "testsuite[0]/testcase[1]: <testcase> may not hold <stdout>",
                "testsuite[0]: failures=\"0\" but 1 test cases fail",
                "testsuites: tests=\"3\" but the suites add up to 2",
            ])
    }

    @Test("class names follow the file; seconds have three decimals")
    func names() {
        #expect(JUnitReport.className("Scenarios/failover/partition.yaml") == "Scenarios.failover.partition")
        #expect(JUnitReport.className("./a/b.yml") == "a.b")
        #expect(JUnitReport.className("/tmp/x/y.yaml") == "tmp.x.y")
        #expect(JUnitReport.seconds(0) == "0.000")
        #expect(JUnitReport.seconds(999_499_999) == "0.999")
        #expect(JUnitReport.seconds(999_500_000) == "1.000")
        #expect(JUnitReport.seconds(61_020_000_000) == "61.020")
    }
}
