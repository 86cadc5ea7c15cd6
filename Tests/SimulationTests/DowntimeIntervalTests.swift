import Engine
import Testing
import Wire

@testable import Simulation

@Suite("DowntimeInterval.intervals")
struct DowntimeIntervalTests {
    /// Probes sent every second from 1 s, answered (A) or not (U) as `pattern` says; an answered
    /// probe is answered 1 ms after it was sent.
    func probes(_ pattern: String, start: SimTime = .seconds(1), every: SimDuration = .seconds(1)) -> [ProbeRecord] {
        pattern.enumerated().map { index, mark in
            let sent = start + every * Int64(index)
            return ProbeRecord(
                client: "client-0", target: .v4(vip), port: 80, sentAt: sent,
                answeredAt: mark == "A" ? sent + .milliseconds(1) : nil,
                answeredBy: mark == "A" ? macA : nil)
        }
    }

    func interval(_ start: SimTime, _ end: SimTime) -> DowntimeInterval { DowntimeInterval(start: start, end: end) }

    @Test func noProbesNoDowntime() {
        #expect(DowntimeInterval.intervals(of: [], runEnd: .seconds(10), timeout: .seconds(1)).isEmpty)
    }

    @Test func allAnsweredNoDowntime() {
        #expect(DowntimeInterval.intervals(of: probes("AAAAA"), runEnd: .seconds(10), timeout: .seconds(1)).isEmpty)
    }

    @Test func eachRunOfUnansweredProbesRunsFromItsFirstToTheNextAnswered() {
        // Sent at 1 2 3 4 5 6 7 8 9 10
        //         A A U U A U A A U A
        let result = DowntimeInterval.intervals(of: probes("AAUUAUAAUA"), runEnd: .seconds(20), timeout: .seconds(1))
        #expect(
            result == [
                interval(.seconds(3), .seconds(5)),
                interval(.seconds(6), .seconds(7)),
                interval(.seconds(9), .seconds(10)),
            ])
        #expect(result.map(\.duration) == [.seconds(2), .seconds(1), .seconds(1)])
    }

    @Test func aLeadingRunStartsAtTheFirstProbe() {
        let result = DowntimeInterval.intervals(of: probes("UUUA"), runEnd: .seconds(20), timeout: .seconds(1))
        #expect(result == [interval(.seconds(1), .seconds(4))])
    }

    @Test func aTrailingRunEndsAtTheEndOfTheRun() {
        let result = DowntimeInterval.intervals(of: probes("AAUUU"), runEnd: .seconds(30), timeout: .seconds(1))
        #expect(result == [interval(.seconds(3), .seconds(30))])
    }

    @Test func probesStillWithinTheirTimeoutAtTheEndAreLeftOut() {
        // Sent at 1..5; the run ends at 5.5 s with a 1 s timeout: the probe at 5 s is undecided.
        let undecidedOnly = DowntimeInterval.intervals(
            of: probes("AAAAU"), runEnd: .ms(5_500),
            timeout: .seconds(1))
        #expect(undecidedOnly.isEmpty, "an unanswered probe that may still be answered is not downtime")

        // A run of decided losses followed by an undecided one ends at the run end all the same.
        let mixed = DowntimeInterval.intervals(of: probes("AAUUU"), runEnd: .ms(5_500), timeout: .seconds(1))
        #expect(mixed == [interval(.seconds(3), .ms(5_500))])

        // A probe sent exactly `timeout` before the end has had all its time: it counts.
        let onTheEdge = DowntimeInterval.intervals(of: probes("AAAAU"), runEnd: .seconds(6), timeout: .seconds(1))
        #expect(onTheEdge == [interval(.seconds(5), .seconds(6))])
    }

    @Test func anAnsweredProbeStillInsideItsTimeoutClosesTheRun() {
        // The last probe was answered even though the run ended 0.5 s after sending it.
        let result = DowntimeInterval.intervals(of: probes("AUUA"), runEnd: .ms(4_500), timeout: .seconds(1))
        #expect(result == [interval(.seconds(2), .seconds(4))])
    }
}
