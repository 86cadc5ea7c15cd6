import Testing

@testable import Membership

@Suite("Timing formulas")
struct TimingTests {
    @Test func configsAreMemberlists() {
        let lan = MembershipConfig.lan
        #expect(lan.probeInterval == 1 * second)
        #expect(lan.probeTimeout == 500 * millisecond)
        #expect(lan.indirectChecks == 3)
        #expect(lan.suspicionMult == 4)
        #expect(lan.suspicionMaxTimeoutMult == 6)
        #expect(lan.gossipInterval == 200 * millisecond)
        #expect(lan.gossipNodes == 3)
        #expect(lan.gossipToTheDeadTime == 30 * second)
        #expect(lan.retransmitMult == 4)
        #expect(lan.pushPullInterval == 30 * second)
        #expect(lan.awarenessMaxMultiplier == 8)
        #expect(lan.udpBufferSize == 1400)
        #expect(lan.tcpTimeout == 10 * second)
        let wan = MembershipConfig.wan
        #expect(wan.probeInterval == 5 * second)
        #expect(wan.probeTimeout == 3 * second)
        #expect(wan.suspicionMult == 6)
        #expect(wan.pushPullInterval == 60 * second)
        #expect(wan.gossipNodes == 4)
        #expect(wan.gossipInterval == 500 * millisecond)
        #expect(wan.gossipToTheDeadTime == 60 * second)
        #expect(wan.tcpTimeout == 30 * second)
        #expect(wan.indirectChecks == 3 && wan.retransmitMult == 4 && wan.suspicionMaxTimeoutMult == 6)
        #expect(wan.awarenessMaxMultiplier == 8)
    }

    /// min = SuspicionMult × max(1, log10(max(1, n))) × ProbeInterval.
    @Test(arguments: [
        (1, 4 * second), (3, 4 * second), (5, 4 * second), (10, 4 * second),
        (100, 8 * second), (1000, 12 * second), (50, 6_792 * millisecond),
    ])
    func suspicionMinimum(n: Int, expected: Int64) {
        #expect(Timing.suspicionTimeout(suspicionMult: 4, members: n, interval: second) == expected)
    }

    @Test func suspicionMinimumAndMaximumForTheLANProfile() {
        let config = MembershipConfig.lan
        for (n, minimum) in [(3, 4 * second), (10, 4 * second), (100, 8 * second)] {
            let computed = Timing.suspicionTimeout(
                suspicionMult: config.suspicionMult, members: n, interval: config.probeInterval)
            #expect(computed == minimum)
            #expect(Int64(config.suspicionMaxTimeoutMult) * computed == 6 * minimum)
        }
        // WAN: 6 × 1 × 5 s for a small cluster.
        #expect(Timing.suspicionTimeout(suspicionMult: 6, members: 3, interval: 5 * second) == 30 * second)
    }

    /// k = 0: the timer is the minimum and confirmations change nothing (n = 3: 4 s).
    @Test func noConfirmationsExpected() {
        var suspicion = Suspicion(
            from: "node-a", expected: 0, minimum: 4 * second, maximum: 24 * second, start: 10 * second)
        #expect(suspicion.deadline == 14 * second)
        let confirmed1 = suspicion.confirm(from: "node-b", now: 11 * second)
        #expect(!confirmed1)
        #expect(suspicion.deadline == 14 * second)
    }

    /// k = 2 (n = 10): starts at 24 s, one confirmation gives 24 − 20 × ln 2 / ln 3 =
    /// 11.381 s (floored to the millisecond), two give the minimum, 4 s.
    @Test func confirmationsShrinkTheTimeout() {
        #expect(
            Timing.suspicionTimeout(confirmations: 0, expected: 2, minimum: 4 * second, maximum: 24 * second) == 24
                * second)
        #expect(
            Timing.suspicionTimeout(confirmations: 1, expected: 2, minimum: 4 * second, maximum: 24 * second) == 11_381
                * millisecond)
        #expect(
            Timing.suspicionTimeout(confirmations: 2, expected: 2, minimum: 4 * second, maximum: 24 * second) == 4
                * second)
        // n = 100: 48 s max, 8 s min; SuspicionMult 6 expects k = 4:
        // c = 1: 48 − 40 × ln 2 / ln 5 = 30.772 s; c = 2: 48 − 40 × ln 3 / ln 5 = 20.695 s;
        // c = 3: 48 − 40 × ln 4 / ln 5 = 13.545 s; c = 4: 8 s.
        let expected: [Int64] = [48_000, 30_772, 20_695, 13_545, 8_000]
        for (c, milliseconds) in expected.enumerated() {
            #expect(
                Timing.suspicionTimeout(confirmations: c, expected: 4, minimum: 8 * second, maximum: 48 * second)
                    == milliseconds * millisecond, "c = \(c)")
        }
    }

    /// The LAN profile's suspicion timeout for n members after c independent confirmations,
    /// worked out by hand: n = 3 expects none (n − 2 < SuspicionMult − 2), so the timeout is the
    /// 4 s minimum; n = 4 and 10 run from 24 s (6 × 4 s) through 24 − 20 × ln 2 / ln 3 =
    /// 11.381 s to 4 s; n = 100 from 48 s through 48 − 40 × ln 2 / ln 3 = 22.762 s to 8 s
    /// (memberlist floors to the millisecond).
    @Test(
        arguments: [
            (3, 0, 4_000), (3, 1, 4_000), (3, 2, 4_000),
            (4, 0, 24_000), (4, 1, 11_381), (4, 2, 4_000),
            (10, 0, 24_000), (10, 1, 11_381), (10, 2, 4_000),
            (100, 0, 48_000), (100, 1, 22_762), (100, 2, 8_000),
        ] as [(Int, Int, Int64)])
    func lanSuspicionTimeout(n: Int, confirmations: Int, milliseconds: Int64) {
        let bounds = Timing.suspicionBounds(.lan, members: n)
        #expect(bounds.expected == (n < 4 ? 0 : 2))
        let timeout = Timing.suspicionTimeout(
            confirmations: confirmations, expected: bounds.expected,
            minimum: bounds.minimum, maximum: bounds.maximum)
        #expect(timeout == milliseconds * millisecond)
    }

    @Test func suspicionTimerFollowsConfirmations() {
        var suspicion = Suspicion(
            from: "node-a", expected: 2, minimum: 4 * second, maximum: 24 * second, start: 100 * second)
        #expect(suspicion.deadline == 124 * second)
        let confirmed2 = suspicion.confirm(from: "node-a", now: 101 * second)
        #expect(!confirmed2, "the first reporter is not a confirmation")
        let confirmed3 = suspicion.confirm(from: "node-b", now: 101 * second)
        #expect(confirmed3)
        #expect(suspicion.deadline == 100 * second + 11_381 * millisecond)
        let confirmed4 = suspicion.confirm(from: "node-b", now: 102 * second)
        #expect(!confirmed4, "each reporter counts once")
        // The second confirmation comes after the minimum has passed: the timer fires at once.
        let confirmed5 = suspicion.confirm(from: "node-c", now: 105 * second)
        #expect(confirmed5)
        #expect(suspicion.deadline == 105 * second)
        let confirmed6 = suspicion.confirm(from: "node-d", now: 105 * second)
        #expect(!confirmed6, "no more than k confirmations")
        #expect(suspicion.confirmations == 2)
    }

    @Test(arguments: [(1, 4), (3, 4), (9, 4), (10, 8), (99, 8), (100, 12), (1000, 16)])
    func retransmitLimit(n: Int, expected: Int) {
        #expect(Timing.retransmitLimit(retransmitMult: 4, members: n) == expected)
    }

    @Test(arguments: [(1, 30), (32, 30), (33, 60), (64, 60), (65, 90), (128, 90), (129, 120)])
    func pushPullScale(n: Int, seconds: Int64) {
        #expect(Timing.pushPullScale(interval: 30 * second, members: n) == seconds * second)
    }

    @Test func awarenessClampsAndScales() {
        var awareness = Awareness(maximum: 8)
        #expect(awareness.scale(second) == second)
        awareness.apply(-1)
        #expect(awareness.score == 0)
        awareness.apply(3)
        #expect(awareness.scale(second) == 4 * second)
        awareness.apply(100)
        #expect(awareness.score == 7)
        #expect(awareness.scale(second) == 8 * second)
        awareness.apply(-2)
        #expect(awareness.score == 5)
    }
}

@Suite("Broadcast queue")
struct BroadcastQueueTests {
    @Test func newestAndLongestFirstAndEachSentTheLimit() {
        var queue = BroadcastQueue()
        queue.queue(name: "a", message: [1, 1])
        queue.queue(name: "b", message: [2, 2, 2])
        queue.queue(name: "c", message: [3, 3])
        // One packet takes everything, the longest first, then newest of equal length.
        let first = queue.take(overhead: 2, limit: 1000, transmitLimit: 3)
        #expect(first.messages == [[2, 2, 2], [3, 3], [1, 1]])
        // A fresh message goes before ones already sent.
        queue.queue(name: "d", message: [4])
        let taken7 = queue.take(overhead: 2, limit: 1000, transmitLimit: 3).messages
        #expect(taken7 == [[4], [2, 2, 2], [3, 3], [1, 1]])
        let taken8 = queue.take(overhead: 2, limit: 1000, transmitLimit: 3).messages
        #expect(taken8 == [[4], [2, 2, 2], [3, 3], [1, 1]])
        let taken9 = queue.take(overhead: 2, limit: 1000, transmitLimit: 3).messages
        #expect(taken9 == [[4]])
        #expect(queue.isEmpty)
    }

    @Test func aNewMessageAboutAMemberReplacesTheOld() {
        var queue = BroadcastQueue()
        queue.queue(name: "node-c", message: [3])
        queue.queue(name: "node-d", message: [4])
        queue.queue(name: "node-c", message: [5, 5])
        #expect(queue.count == 2)
        let taken10 = queue.take(overhead: 2, limit: 1000, transmitLimit: 4).messages
        #expect(taken10 == [[5, 5], [4]])
    }

    @Test func fillsThePacketWithWhatFits() {
        var queue = BroadcastQueue()
        queue.queue(name: "big", message: [UInt8](repeating: 1, count: 50))
        queue.queue(name: "medium", message: [UInt8](repeating: 2, count: 30))
        queue.queue(name: "small", message: [UInt8](repeating: 3, count: 10))
        // 60 bytes with 2 per message: the 50 (52), then nothing else fits in 8 minus 2.
        let taken = queue.take(overhead: 2, limit: 60, transmitLimit: 4)
        #expect(taken.messages.map(\.count) == [50])
        // 45: the 30 (32), then the 10 (12 of the 13 left).
        let taken11 = queue.take(overhead: 2, limit: 45, transmitLimit: 4).messages
        #expect(taken11.map(\.count) == [30, 10])
    }

    @Test func reportsTheLeaveFinishing() {
        var queue = BroadcastQueue()
        queue.queue(name: "me", message: [9], isLeave: true)
        let taken12 = queue.take(overhead: 2, limit: 100, transmitLimit: 2).finishedLeave
        #expect(!taken12)
        let taken13 = queue.take(overhead: 2, limit: 100, transmitLimit: 2).finishedLeave
        #expect(taken13)
        queue.queue(name: "me", message: [9], isLeave: true)
        let replaced14 = queue.queue(name: "me", message: [8])
        #expect(replaced14, "replaced before it went out: finished too")
    }
}
