import HeapModule

/// The simulator's agenda: events ordered by (time, sequence number).
///
/// The sequence number is the order of scheduling, so two events at the same instant run in
/// the order they were scheduled, on every run and every machine. That tie-break is what makes
/// the simulation deterministic; never order by anything hash-based.
public struct EventQueue<Payload> {
    @usableFromInline
    struct Entry: Comparable {
        @usableFromInline let time: Int64
        @usableFromInline let sequence: UInt64
        @usableFromInline let payload: Payload

        @inlinable
        init(time: Int64, sequence: UInt64, payload: Payload) {
            self.time = time
            self.sequence = sequence
            self.payload = payload
        }

        @inlinable
        static func < (lhs: Entry, rhs: Entry) -> Bool {
            lhs.time != rhs.time ? lhs.time < rhs.time : lhs.sequence < rhs.sequence
        }

        @inlinable
        static func == (lhs: Entry, rhs: Entry) -> Bool {
            lhs.time == rhs.time && lhs.sequence == rhs.sequence
        }
    }

    @usableFromInline var heap = Heap<Entry>()
    @usableFromInline var nextSequence: UInt64 = 0

    public init() {}

    /// Events scheduled so far, processed or not: a measure of simulation work.
    public var scheduledCount: UInt64 { nextSequence }
    public var count: Int { heap.count }
    public var isEmpty: Bool { heap.isEmpty }

    /// The time of the earliest pending event.
    @inlinable
    public var nextTime: SimTime? { heap.min.map { SimTime(nanoseconds: $0.time) } }

    @inlinable
    public mutating func schedule(_ payload: Payload, at time: SimTime) {
        heap.insert(Entry(time: time.nanoseconds, sequence: nextSequence, payload: payload))
        nextSequence &+= 1
    }

    /// Removes and returns the earliest event if it is due no later than `limit`.
    @inlinable
    public mutating func popNext(notAfter limit: SimTime) -> (time: SimTime, payload: Payload)? {
        guard let first = heap.min, first.time <= limit.nanoseconds else { return nil }
        let entry = heap.removeMin()
        return (SimTime(nanoseconds: entry.time), entry.payload)
    }
}
