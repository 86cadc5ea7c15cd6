import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Standard output for the sweep, written straight to the file descriptor (no buffer): the
/// progress line is redrawn in place and must show at once.
enum SweepOutput {
    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static var isTerminal: Bool { isatty(STDOUT_FILENO) != 0 }
}

/// Progress while seeds finish: on a terminal one line redrawn in place (a bar, counts,
/// failures, time left), with a line above it for each failing seed; otherwise one plain
/// line per seed, `seed 17: PASS (0.41 s)`, for logs and CI.
struct SweepProgress {
    let total: Int
    let interactive: Bool
    private let started = DispatchTime.now().uptimeNanoseconds
    private var done = 0
    private var failed = 0

    init(total: Int, interactive: Bool = SweepOutput.isTerminal) {
        self.total = total
        self.interactive = interactive
        if interactive { SweepOutput.write(barLine()) }
    }

    var elapsedSeconds: Double { Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 }

    mutating func record(_ outcome: SeedOutcome) {
        done += 1
        if !outcome.passed { failed += 1 }
        let line = SweepProgress.line(outcome)
        if interactive {
            // Clear the bar, print failures above it, draw it again.
            let above = outcome.passed ? "" : line + "\n"
            SweepOutput.write("\r\u{1B}[2K" + above + barLine())
        } else {
            SweepOutput.write(line + "\n")
        }
    }

    /// Leaves the terminal's cursor on a fresh line below the final bar.
    func finish() {
        if interactive { SweepOutput.write("\n") }
    }

    /// `seed 17: PASS (0.41 s)`, `seed 18: FAIL (0.52 s) failover`, `seed 19: ERROR (0.03 s) exit status 73`.
    static func line(_ outcome: SeedOutcome) -> String {
        let time = String(format: "(%.2f s)", outcome.seconds)
        switch outcome.verdict {
        case .passed:
            return "seed \(outcome.seed): PASS \(time)"
        case .failed(let expectations):
            return "seed \(outcome.seed): FAIL \(time) \(expectations.map(\.kind).joined(separator: ", "))"
        case .error(let message):
            return "seed \(outcome.seed): ERROR \(time) \(message)"
        }
    }

    /// `[########............]  57/200 seeds, 3 failed, 21 s, about 53 s left`.
    func barLine() -> String {
        let width = 30
        let filled = total == 0 ? width : done * width / total
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let elapsed = elapsedSeconds
        var text = "[\(bar)] \(done)/\(total) seeds, \(failed) failed, \(SweepProgress.duration(elapsed))"
        if done > 0, done < total {
            text += ", about \(SweepProgress.duration(elapsed / Double(done) * Double(total - done))) left"
        }
        return text
    }

    /// `42 s`, `3 min 05 s`.
    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        if whole < 60 { return "\(whole) s" }
        return String(format: "%d min %02d s", whole / 60, whole % 60)
    }
}
