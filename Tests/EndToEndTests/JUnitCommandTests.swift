import Foundation
import TestSupport
import Testing
import XMLCheck

@Suite("sim run --junit FILE")
struct JUnitCommandTests {
    /// `time="..."` attributes removed: the only wall-clock content of the file.
    static func withoutTimes(_ xml: String) -> String {
        xml.replacingOccurrences(of: #" time="[0-9.]+""#, with: "", options: .regularExpression)
    }

    @Test("two scenarios, one failing: one <testsuites> with both, the failure explained, exit 1")
    func twoScenarios() throws {
        let folder = try TemporaryDirectory("junit")
        defer { folder.remove() }
        try FailingExpectationTests.failingScenario(in: folder)
        let arguments = ["run", "Scenarios/seed-nginx-migration.yaml", "Scenarios/wrong-owner.yaml", "--out", "out"]
        let result = try Sim.run(arguments + ["--junit", "results/junit.xml"], in: folder.url)
        #expect(result.status == 1, "\(result)")
        let text = String(decoding: try folder.data("results/junit.xml"), as: UTF8.self)
        #expect(!folder.exists("results/junit.xml.partial"))
        let root = try XMLTree.parse(text)
        #expect(JUnitShape.problems(root) == [])
        #expect(root["failures"] == "1")

        let suites = root.children("testsuite")
        try #require(suites.count == 2, "\(text)")
        #expect(suites[0]["failures"] == "0")
        #expect(suites[1]["failures"] == "1")
        let classNames = suites.map { Set($0.children("testcase").compactMap { $0["classname"] }) }
        #expect(classNames == [["Scenarios.seed-nginx-migration"], ["Scenarios.wrong-owner"]])
        for suite in suites {
            let properties = Dictionary(uniqueKeysWithValues: suite.all("property").map { ($0["name"]!, $0["value"]!) })
            #expect(properties["seed"] == "1")
            #expect(properties["metallb"] == "v0.9.4")
            #expect(suite.children("testcase").filter { $0["name"]?.hasPrefix("invariant ") == true }.count == 3)
        }

        let failure = try #require(suites[1].all("failure").first)
        let message = try #require(failure["message"])
        let printed = try #require(result.stdoutLines.first { $0.hasPrefix("FAIL owner: ") })
        #expect(printed == "FAIL owner: \(message)", "the same one-line explanation sim prints")
        #expect(message.contains("15s") && message.contains("worker-2") && message.contains("worker-1"), "\(message)")
        #expect(failure.text.contains("expectation at Scenarios/wrong-owner.yaml:"), "\(failure.text)")
        #expect(failure.text.hasSuffix("replay: sim run Scenarios/wrong-owner.yaml --seed 1"), "\(failure.text)")
        #expect(result.stdoutLines.contains("replay: sim run Scenarios/wrong-owner.yaml --seed 1"))

        // Run again: only the wall-clock times may differ.
        let again = try Sim.run(arguments + ["--junit", "again.xml"], in: folder.url)
        #expect(again.status == 1, "\(again)")
        let second = String(decoding: try folder.data("again.xml"), as: UTF8.self)
        #expect(Self.withoutTimes(second) == Self.withoutTimes(text))
        #expect(Self.withoutTimes(text).contains(" time=") == false)
    }

    @Test("sim --junit FILE (the built-in scenario) passes and writes the file next to sim-out")
    func defaultCommand() throws {
        let folder = try TemporaryDirectory("junit-default")
        defer { folder.remove() }
        let result = try Sim.run(["--junit", "junit.xml"], in: folder.url)
        #expect(result.status == 0, "\(result)")
        let root = try XMLTree.parse(String(decoding: try folder.data("junit.xml"), as: UTF8.self))
        #expect(JUnitShape.problems(root) == [])
        #expect(root["failures"] == "0")
        #expect(root.all("testsuite").map { $0["name"] } == ["nginx pod moves between workers (MetalLB v0.9.4 layer2)"])
        #expect(!folder.exists("sim-out/junit.xml"), "--junit names the file itself, not one in the output folder")
    }

    @Test("a --junit path that cannot be written exits 73 and says why")
    func unwritable() throws {
        let folder = try TemporaryDirectory("junit-unwritable")
        defer { folder.remove() }
        try folder.write("blocker", "a file where a folder should be\n")
        let result = try Sim.run(["--out", "out", "--junit", "blocker/junit.xml"], in: folder.url)
        #expect(result.status == 73, "\(result)")
        #expect(result.stderr.contains("blocker/junit.xml"), "\(result)")
    }
}
