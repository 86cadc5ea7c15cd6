/// Gossip waiting to go out, each message sent a limited number of times (memberlist's
/// `TransmitLimitedQueue`, queue.go, with its named broadcasts from broadcast.go).
///
/// Messages are kept ordered by (times sent ascending, length descending, newest first),
/// so fresh news goes first and the biggest message that still fits fills a packet. A
/// new message about a member replaces the one queued about the same member (a newer alive
/// supersedes a suspect). After `retransmitLimit` sends a message is dropped ("finished").
struct BroadcastQueue: Sendable, Hashable {
    struct Item: Sendable, Hashable {
        var transmits: Int
        var id: Int64
        /// The member the message is about: at most one message per name is queued.
        var name: String
        var message: [UInt8]
        /// This is the leaving node's own dead message: `Memberlist.leave` waits for it.
        var isLeave: Bool

        /// The queue's order: fewer sends first, then longer messages, then newer ones.
        func precedes(_ other: Item) -> Bool {
            if transmits != other.transmits { return transmits < other.transmits }
            if message.count != other.message.count { return message.count > other.message.count }
            return id > other.id
        }

        func sameKey(_ other: Item) -> Bool {
            transmits == other.transmits && message.count == other.message.count && id == other.id
        }
    }

    /// In queue order.
    private(set) var items: [Item] = []
    private var lastID: Int64 = 0

    var isEmpty: Bool { items.isEmpty }
    var count: Int { items.count }

    /// Queues `message` about `name`, replacing any message queued about `name`. Returns
    /// true if the replaced message was the leave broadcast (it is finished, if unsent).
    @discardableResult
    mutating func queue(name: String, message: [UInt8], isLeave: Bool = false) -> Bool {
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

    /// Takes the messages for one packet (`GetBroadcasts`): at each send count from the
    /// lowest queued up, the largest message that fits in what is left of `limit` (each
    /// costing `overhead` more), until nothing fits. Each one taken counts a send; those
    /// that reach `transmitLimit` leave the queue. Returns the messages and whether the
    /// leave broadcast finished.
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
            // The first item sent `transmits` times that fits: within that group the items
            // run from longest to shortest, so it is where the group's too-long ones end.
            let index = partitionIndex {
                $0.transmits > transmits || ($0.transmits == transmits && $0.message.count <= free)
            }
            guard index < items.endIndex, items[index].transmits == transmits else {
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

    /// The btree's ReplaceOrInsert: an item with an equal key is replaced.
    private mutating func insert(_ item: Item) {
        // The first item that does not come before the new one: one with the same key, or
        // where the new one goes (keys are unique, so at most one item has it).
        let index = partitionIndex { !$0.precedes(item) }
        if index < items.endIndex && items[index].sameKey(item) {
            items[index] = item
            return
        }
        items.insert(item, at: index)
    }

    /// The first index whose item satisfies `isAtOrAfter`, which must be false for a prefix
    /// of the (sorted) items and true for the rest: a binary search, where a linear one
    /// made each send cost as much as the queue is long.
    private func partitionIndex(where isAtOrAfter: (Item) -> Bool) -> Int {
        var low = items.startIndex
        var high = items.endIndex
        while low < high {
            let middle = (low + high) / 2
            if isAtOrAfter(items[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }

    /// Removes an item; an emptied queue restarts its ids (as memberlist's does).
    private mutating func remove(at index: Int) {
        items.remove(at: index)
        if items.isEmpty { lastID = 0 }
    }
}
