import TestSupport
import Testing

@testable import Membership

/// `BroadcastQueue` finds places by binary search; the reference below is the queue as it
/// was first written, with linear searches, and both must agree on every operation.
@Suite("Broadcast queue search")
struct BroadcastQueueSearchTests {
    @Test func agreesWithTheLinearReference() {
        var rng = SplitMix64(seed: 0x4251_5545)
        for _ in 0..<40 {
            var queue = BroadcastQueue()
            var reference = ReferenceQueue()
            for _ in 0..<2_000 {
                if rng.next() % 3 == 0 {
                    let name = "m\(rng.next() % 30)"
                    // Lengths collide often, so the order's tie-breaks matter.
                    let message = [UInt8](
                        repeating: UInt8(truncatingIfNeeded: rng.next()), count: 1 + Int(rng.next() % 6) * 10)
                    let isLeave = rng.next() % 20 == 0
                    #expect(
                        queue.queue(name: name, message: message, isLeave: isLeave)
                            == reference.queue(name: name, message: message, isLeave: isLeave))
                } else {
                    let limit = Int(rng.next() % 200)
                    let transmitLimit = 1 + Int(rng.next() % 6)
                    let taken = queue.take(overhead: 2, limit: limit, transmitLimit: transmitLimit)
                    let expected = reference.take(overhead: 2, limit: limit, transmitLimit: transmitLimit)
                    #expect(taken.messages == expected.messages && taken.finishedLeave == expected.finishedLeave)
                }
                #expect(queue.items == reference.items)
            }
        }
    }
}

/// The queue's first version, searching linearly (kept here as the reference).
private struct ReferenceQueue {
    typealias Item = BroadcastQueue.Item
    var items: [Item] = []
    var lastID: Int64 = 0

    mutating func queue(name: String, message: [UInt8], isLeave: Bool) -> Bool {
        lastID = lastID == Int64.max ? 1 : lastID + 1
        let item = Item(transmits: 0, id: lastID, name: name, message: message, isLeave: isLeave)
        var finishedLeave = false
        if let old = items.firstIndex(where: { $0.name == name }) {
            finishedLeave = items[old].isLeave
            remove(at: old)
        }
        insert(item)
        return finishedLeave
    }

    mutating func take(overhead: Int, limit: Int, transmitLimit: Int) -> (messages: [[UInt8]], finishedLeave: Bool) {
        guard let lowest = items.first?.transmits, let highest = items.last?.transmits else { return ([], false) }
        var bytesUsed = 0
        var messages: [[UInt8]] = []
        var reinsert: [Item] = []
        var finishedLeave = false
        var transmits = lowest
        while transmits <= highest {
            let free = limit - bytesUsed - overhead
            if free <= 0 { break }
            guard let index = items.firstIndex(where: { $0.transmits == transmits && $0.message.count <= free }) else {
                transmits += 1
                continue
            }
            var item = items[index]
            remove(at: index)
            bytesUsed += overhead + item.message.count
            messages.append(item.message)
            if item.transmits + 1 >= transmitLimit {
                finishedLeave = finishedLeave || item.isLeave
            } else {
                item.transmits += 1
                reinsert.append(item)
            }
        }
        for item in reinsert { insert(item) }
        return (messages, finishedLeave)
    }

    mutating func insert(_ item: Item) {
        if let equal = items.firstIndex(where: { $0.sameKey(item) }) {
            items[equal] = item
            return
        }
        let index = items.firstIndex(where: { item.precedes($0) }) ?? items.endIndex
        items.insert(item, at: index)
    }

    mutating func remove(at index: Int) {
        items.remove(at: index)
        if items.isEmpty { lastID = 0 }
    }
}
