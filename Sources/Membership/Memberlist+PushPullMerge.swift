import Wire

// A speaker joins every seed it is given, one push/pull each, and each push/pull carries the
// other side's whole list (memberlist's `Join` and `pushPullNode`). When a cluster's speakers
// start together, every node merges every other node's list: n² entries at start-up, almost
// all of them news it already has ("alive, at an incarnation I know"). `aliveNode` drops such
// an entry before it changes anything, so deciding it needs only the entry's name, address,
// port, incarnation, state and protocol versions, all of which can be read in place.
//
// `mergeCanonicalPushPull` therefore reads a push/pull laid out as memberlist writes it
// (`PushNodeState.canonicalEntry`) without copying its entries, drops the old alive news on
// the spot (`isOldAliveNews`, which makes `aliveNode`'s own early-return checks in the same
// order), and hands every other entry, copied out, to `mergeEntry` in list order: the merge
// is the one `mergeState` makes. Anything else (an entry in another layout, a header it does
// not expect) goes to the general decoder, which also produces the errors.

extension PushPull {
    /// A push/pull whose header is as memberlist writes it and whose every entry is canonical:
    /// its join flag and its entries as they lie in `body` (the bytes after the message type).
    /// Nil when only the general decoder can say what the message is.
    static func canonicalEntries(in body: UnsafeBufferPointer<UInt8>) -> (join: Bool, entries: [PushEntry])? {
        var cursor = MessagePackCursor(body)
        guard let header = try? cursor.readStruct("push-pull", HeaderField.self),
            let count = try? header.signed(.nodes), (0...Int64(maximumNodes)).contains(count),
            (try? header.signed(.userStateLength)) == 0,
            let join = try? header.bool(.join), (try? header.bool(.reply)) != nil
        else { return nil }
        var entries: [PushEntry] = []
        entries.reserveCapacity(min(Int(count), cursor.remaining))
        for _ in 0..<count {
            guard let entry = PushNodeState.canonicalEntry(at: &cursor) else { return nil }
            entries.append(entry)
        }
        return (join, entries)
    }
}

extension Memberlist {
    /// `mergeState` of a push/pull's entries as they lie in `body`.
    mutating func mergeState(_ entries: [PushEntry], in body: UnsafeBufferPointer<UInt8>, now: Int64) {
        for entry in entries where !isOldAliveNews(entry, in: body) {
            mergeEntry(entry.materialized(in: body), now: now)
        }
    }

    /// True when `aliveNode` would return at once for this entry, having changed nothing:
    /// an alive entry with valid protocol versions for a member this node lists, at the same
    /// address and port, at an incarnation no newer than the one it knows, about another
    /// node. Anything it cannot decide this way (a non-ASCII name, this node having left) is
    /// not old news here, and goes the general way.
    func isOldAliveNews(_ entry: PushEntry, in body: UnsafeBufferPointer<UInt8>) -> Bool {
        guard entry.state == .alive, !hasLeft else { return false }
        if entry.vsn.count >= 3 {
            let (minimum, maximum) = (body[entry.vsn.lowerBound], body[entry.vsn.lowerBound + 1])
            if minimum == 0 || maximum == 0 || minimum > maximum { return false }
        }
        guard case .found(let index) = nodes.lookUp(utf8: UnsafeBufferPointer(rebasing: body[entry.name])) else {
            return false
        }
        return nodes.elements[index].address == entry.address
            && nodes.elements[index].port == (entry.port == 0 ? port : entry.port)
            && entry.incarnation <= nodes.elements[index].incarnation
            && nodes.elements[index].name != name
    }
}
