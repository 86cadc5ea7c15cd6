import Foundation
import TestSupport
import Testing
import XMLCheck

/// Scenarios/regression/ as CI runs it: every scenario in the folder through one `sim run`
/// with `--junit`, as a team's pipeline would. Each must hold every expectation and invariant,
/// and each trace must decode cleanly in tshark.
@Suite("Scenarios/regression, the way CI runs it")
struct RegressionSuiteTests {
    static let folder = Repository.root.appendingPathComponent("Scenarios/regression")

    static func scenarioFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".yaml") }.sorted()
    }

    @Test("at least ten scenarios, across the seed cluster, allocation, failover, partitions and IPv6")
    func coverage() throws {
        let files = try Self.scenarioFiles()
        #expect(files.count >= 10, "\(files)")
        for topic in ["seed-", "allocation-", "failover-", "partition-", "ipv6-"] {
            #expect(files.contains { $0.hasPrefix(topic) }, "no \(topic)* scenario in \(files)")
        }
    }

    @Test("one sim run over all of them: exit 0, a passing JUnit suite per scenario, clean traces")
    func allPass() throws {
        let files = try Self.scenarioFiles()
        let temporary = try TemporaryDirectory("regression")
        defer { temporary.remove() }
        let paths = files.map { Self.folder.appendingPathComponent($0).path }
        let result = try Sim.run(["run"] + paths + ["--out", "out", "--junit", "junit.xml", "-q"], in: temporary.url)
        #expect(result.status == 0, "\(result)")

        let root = try XMLTree.parse(String(decoding: try temporary.data("junit.xml"), as: UTF8.self))
        #expect(JUnitShape.problems(root) == [])
        let suites = root.children("testsuite")
        #expect(suites.count == files.count)
        for suite in suites {
            #expect(
                suite["failures"] == "0",
                "\(suite["name"] ?? "?"): \(suite.all("failure").compactMap { $0["message"] })")
            // Each scenario states more than the three invariants.
            #expect(suite.children("testcase").count > 3, "\(suite["name"] ?? "?") has no expectations of its own")
        }

        for file in files {
            let name = String(file.dropLast(".yaml".count))
            let trace = temporary.url.appendingPathComponent("out/\(name)/trace.pcap").path
            #expect(FileManager.default.fileExists(atPath: trace), "no trace for \(name)")
            let problems = try Tshark.problems(trace, in: temporary.url)
            #expect(problems.isEmpty, "tshark found problems in \(name):\n\(problems)")
        }
    }
}
