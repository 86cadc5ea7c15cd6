import Foundation
import Scenario

/// The end of a sweep: a table of the failures by seed, for each failing seed what it drew and
/// the one command that replays it, and the counts as the last line.
enum SweepSummary {
    static func text(
        _ outcomes: [SeedOutcome], scenario: Scenario, file: String,
        seconds: Double, jobs: Int, directory: String
    ) -> String {
        let failing = outcomes.filter { !$0.passed }
        var lines: [String] = []
        if !failing.isEmpty {
            // SEED  EXPECTATION  MESSAGE, one row per failed expectation.
            var rows: [[String]] = [["SEED", "EXPECTATION", "MESSAGE"]]
            for outcome in failing {
                switch outcome.verdict {
                case .passed:
                    continue
                case .failed(let expectations):
                    for expectation in expectations {
                        rows.append([String(outcome.seed), expectation.kind, expectation.message])
                    }
                case .error(let message):
                    rows.append([String(outcome.seed), "error", message])
                }
            }
            let seedWidth = rows.map { $0[0].count }.max()!
            let kindWidth = rows.map { $0[1].count }.max()!
            lines.append("")
            for row in rows {
                lines.append(pad(row[0], seedWidth, right: true) + "  " + pad(row[1], kindWidth) + "  " + row[2])
            }
            // What each failing seed drew, and the command that replays it alone.
            for outcome in failing {
                var seeded = scenario
                seeded.seed = outcome.seed
                lines.append("")
                if !seeded.drawnSummary.isEmpty {
                    lines.append("seed \(outcome.seed) drew \(seeded.drawnSummary.joined(separator: "; "))")
                }
                lines.append("replay: \(ReplayCommand.text(file: file, seed: outcome.seed))")
            }
            lines.append("")
        }
        var total = String(
            format: "%d seeds in %.1f s (%d at a time): %d passed, %d failed",
            outcomes.count, seconds, jobs, outcomes.count - failing.count, failing.count)
        if !failing.isEmpty {
            total += "; the failing seeds' outputs are in \(directory)/seed-N"
        }
        lines.append(total)
        return lines.joined(separator: "\n") + "\n"
    }

    private static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let space = String(repeating: " ", count: max(0, width - text.count))
        return right ? space + text : text + space
    }
}
