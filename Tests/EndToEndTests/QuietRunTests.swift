import Foundation
import TestSupport
import Testing

/// `sim run -q`, the form CI logs use: one line per scenario that passes, its failures and the
/// replay command when it fails, and one line counting a scenario's load warnings instead of
/// one line per skipped object.
@Suite("sim run -q")
struct QuietRunTests {
    @Test(
        "a passing scenario with fifteen skipped objects and one untimed preStop hook: one result line, one warning line"
    )
    func passingScenario() throws {
        let folder = try TemporaryDirectory("quiet-pass")
        defer { folder.remove() }
        let scenario = Repository.root.appendingPathComponent("Scenarios/workloads/ingress-nginx-published.yaml").path
        let result = try Sim.run(["run", scenario, "--out", "out", "-q"], in: folder.url)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdoutLines.count == 1, "\(result)")
        #expect(result.stdoutLines.first?.hasPrefix("PASS ingress-nginx's published manifest") == true, "\(result)")
        #expect(result.stderrLines.count == 1, "\(result)")
        #expect(result.stderr.contains("16 warnings"), "\(result)")
    }

    @Test("a failing scenario: its failed expectation with its location, and the replay command")
    func failingScenario() throws {
        let folder = try TemporaryDirectory("quiet-fail")
        defer { folder.remove() }
        var text = try Repository.text("Scenarios/workloads/failed-scheduling.yaml")
        text = text.replacingOccurrences(
            of: "owner: {ip: 198.51.100.200, node: worker-2}", with: "owner: {ip: 198.51.100.200, node: worker-3}")
        try folder.write("failing.yaml", text)
        let result = try Sim.run(["run", "failing.yaml", "--out", "out", "-q"], in: folder.url)
        #expect(result.status == 1, "\(result)")
        let lines = result.stdoutLines
        #expect(lines.first?.hasPrefix("FAIL FailedScheduling until a node is labelled") == true, "\(result)")
        #expect(lines.contains { $0.hasPrefix("  FAIL owner:") }, "\(result)")
        #expect(lines.contains { $0.contains("at failing.yaml:") }, "\(result)")
        #expect(lines.last?.hasPrefix("replay: sim run failing.yaml --seed 1") == true, "\(result)")
        #expect(!lines.contains { $0.hasPrefix("PASS") || $0.contains("kubectl") }, "\(result)")
    }
}
