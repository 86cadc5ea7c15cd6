import Testing

@testable import Engine

/// The event queue is the simulator's agenda. Determinism (ARCHITECTURE.md, rule 3) rests on
/// it: events leave in (time, sequence) order, where the sequence is the order of scheduling.
@Suite("EventQueue")
struct EventQueueTests {
    /// Drains the queue completely.
    static func drain<P>(_ queue: inout EventQueue<P>) -> [(time: SimTime, payload: P)] {
        var out: [(time: SimTime, payload: P)] = []
        while let next = queue.popNext(notAfter: .never) { out.append(next) }
        return out
    }

    @Test("pops events in time order whatever the order they were scheduled in")
    func popsInTimeOrder() {
        var queue = EventQueue<String>()
        queue.schedule("c", at: SimTime(nanoseconds: 3_000))
        queue.schedule("a", at: SimTime(nanoseconds: 1_000))
        queue.schedule("d", at: SimTime.seconds(10))
        queue.schedule("b", at: SimTime(nanoseconds: 2_000))
        let popped = Self.drain(&queue)
        #expect(popped.map(\.payload) == ["a", "b", "c", "d"])
        #expect(popped.map(\.time.nanoseconds) == [1_000, 2_000, 3_000, 10_000_000_000])
        #expect(queue.isEmpty)
    }

    @Test("events at the same instant leave in the order they were scheduled")
    func sameTimeInSchedulingOrder() {
        var queue = EventQueue<Int>()
        let t = SimTime.seconds(5)
        // Interleave two instants so a heap that is not stable would show it.
        for i in 0..<50 {
            queue.schedule(i, at: t)
            queue.schedule(1_000 + i, at: SimTime.seconds(1))
        }
        let popped = Self.drain(&queue).map(\.payload)
        #expect(popped == Array(1_000..<1_050) + Array(0..<50))
    }

    @Test("a random agenda drains sorted by (time, sequence)")
    func randomAgendaDrainsSorted() {
        var generator = RandomStream(seed: 7)
        var queue = EventQueue<Int>()
        var expected: [(time: Int64, sequence: Int)] = []
        for sequence in 0..<2_000 {
            // Few distinct times, so that ties are common.
            let time = Int64(generator.uniform(below: 20))
            queue.schedule(sequence, at: SimTime(nanoseconds: time))
            expected.append((time, sequence))
        }
        expected.sort { $0.time != $1.time ? $0.time < $1.time : $0.sequence < $1.sequence }
        let popped = Self.drain(&queue)
        #expect(popped.map(\.payload) == expected.map(\.sequence))
        #expect(popped.map(\.time.nanoseconds) == expected.map(\.time))
    }

    @Test("popNext(notAfter:) returns nothing due after the limit and leaves it queued")
    func popNextRespectsLimit() {
        var queue = EventQueue<String>()
        queue.schedule("later", at: SimTime(nanoseconds: 2_000))
        queue.schedule("now", at: SimTime(nanoseconds: 1_000))
        let first = queue.popNext(notAfter: SimTime(nanoseconds: 1_500))
        #expect(first?.payload == "now")
        #expect(first?.time == SimTime(nanoseconds: 1_000))
        #expect(queue.popNext(notAfter: SimTime(nanoseconds: 1_999)) == nil)
        #expect(queue.count == 1)
        #expect(queue.nextTime == SimTime(nanoseconds: 2_000))
    }

    @Test("popNext(notAfter:) includes an event due exactly at the limit")
    func popNextLimitIsInclusive() {
        var queue = EventQueue<String>()
        queue.schedule("edge", at: SimTime(nanoseconds: 1_000))
        #expect(queue.popNext(notAfter: SimTime(nanoseconds: 999)) == nil)
        #expect(queue.popNext(notAfter: SimTime(nanoseconds: 1_000))?.payload == "edge")
        #expect(queue.isEmpty)
        #expect(queue.nextTime == nil)
    }

    @Test("an empty queue pops nothing, even with no limit")
    func emptyQueuePopsNothing() {
        var queue = EventQueue<Int>()
        #expect(queue.popNext(notAfter: .never) == nil)
        #expect(queue.isEmpty)
        #expect(queue.count == 0)
    }

    @Test("scheduledCount counts every event ever scheduled, popped or not")
    func scheduledCountCountsAll() {
        var queue = EventQueue<Int>()
        for i in 0..<5 { queue.schedule(i, at: SimTime(nanoseconds: Int64(i))) }
        _ = queue.popNext(notAfter: .never)
        _ = queue.popNext(notAfter: .never)
        #expect(queue.scheduledCount == 5)
        #expect(queue.count == 3)
    }

    @Test("an event scheduled after a pop at an earlier time still comes out first")
    func laterSchedulingEarlierTime() {
        var queue = EventQueue<String>()
        queue.schedule("b", at: SimTime(nanoseconds: 20))
        queue.schedule("c", at: SimTime(nanoseconds: 30))
        #expect(queue.popNext(notAfter: .never)?.payload == "b")
        queue.schedule("a", at: SimTime(nanoseconds: 25))
        queue.schedule("c2", at: SimTime(nanoseconds: 30))
        #expect(Self.drain(&queue).map(\.payload) == ["a", "c", "c2"])
    }
}
