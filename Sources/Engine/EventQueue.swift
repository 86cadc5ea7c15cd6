/// The simulator's agenda: events ordered by (time, sequence number).
///
/// The sequence number is the order of scheduling, so two events at the same instant run in
/// the order they were scheduled, on every run and every machine. That tie-break is what makes
/// the simulation deterministic; never order by anything hash-based. (time, sequence) is a
/// total order, so any correct priority queue pops the same events in the same order.
///
/// The heap holds plain keys (time, sequence, slot) and the payloads wait in a slab beside
/// it. A large simulation keeps a few hundred thousand events pending, and a heap operation
/// moves log n entries: moving a payload (an enum carrying frames and strings) costs reference
/// counting on every move, moving a 24-byte key costs a copy. Freed slots are reused, so the
/// slab stays as large as the most events ever pending at once.
public struct EventQueue<Payload> {
    @usableFromInline
    struct Key {
        @usableFromInline let time: Int64
        @usableFromInline let sequence: UInt64
        @usableFromInline let slot: Int

        @inlinable
        init(time: Int64, sequence: UInt64, slot: Int) {
            self.time = time
            self.sequence = sequence
            self.slot = slot
        }

        @inlinable
        func precedes(_ other: Key) -> Bool {
            time != other.time ? time < other.time : sequence < other.sequence
        }
    }

    /// A binary min-heap of keys: `heap[0]` is the earliest.
    @usableFromInline var heap: [Key] = []
    /// Payloads by slot; nil for a free slot.
    @usableFromInline var payloads: [Payload?] = []
    @usableFromInline var freeSlots: [Int] = []
    @usableFromInline var nextSequence: UInt64 = 0

    public init() {}

    /// Events scheduled so far, processed or not: a measure of simulation work.
    public var scheduledCount: UInt64 { nextSequence }
    public var count: Int { heap.count }
    public var isEmpty: Bool { heap.isEmpty }

    /// The time of the earliest pending event.
    @inlinable
    public var nextTime: SimTime? { heap.first.map { SimTime(nanoseconds: $0.time) } }

    @inlinable
    public mutating func schedule(_ payload: Payload, at time: SimTime) {
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = free
            payloads[slot] = payload
        } else {
            slot = payloads.count
            payloads.append(payload)
        }
        heap.append(Key(time: time.nanoseconds, sequence: nextSequence, slot: slot))
        nextSequence &+= 1
        siftUp(heap.count - 1)
    }

    /// Removes and returns the earliest event if it is due no later than `limit`.
    @inlinable
    public mutating func popNext(notAfter limit: SimTime) -> (time: SimTime, payload: Payload)? {
        guard let first = heap.first, first.time <= limit.nanoseconds else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(0)
        }
        let payload = payloads[first.slot].take()!
        freeSlots.append(first.slot)
        return (SimTime(nanoseconds: first.time), payload)
    }

    @inlinable
    mutating func siftUp(_ start: Int) {
        heap.withUnsafeMutableBufferPointer { keys in
            let moving = keys[start]
            var index = start
            while index > 0 {
                let parent = (index - 1) / 2
                guard moving.precedes(keys[parent]) else { break }
                keys[index] = keys[parent]
                index = parent
            }
            keys[index] = moving
        }
    }

    @inlinable
    mutating func siftDown(_ start: Int) {
        heap.withUnsafeMutableBufferPointer { keys in
            let count = keys.count
            let moving = keys[start]
            var index = start
            while true {
                var child = 2 * index + 1
                guard child < count else { break }
                if child + 1 < count && keys[child + 1].precedes(keys[child]) { child += 1 }
                guard keys[child].precedes(moving) else { break }
                keys[index] = keys[child]
                index = child
            }
            keys[index] = moving
        }
    }
}
