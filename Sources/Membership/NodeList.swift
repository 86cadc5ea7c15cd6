/// The member list in probe order (memberlist's `m.nodes`) with an index from name to
/// position beside it (memberlist's `m.nodeMap`), the names in sorted order, and each
/// member's push/pull entry as last encoded.
///
/// Every message about a member starts by finding it by name. A push/pull merges one entry
/// per member, and at start-up every node exchanges with every other, so a linear search
/// made the start-up quadratic in the cluster size per node. The index makes a look-up
/// O(1). The sorted names let `Memberlist.members` and `liveMembers`, which MetalLB's
/// speaker asks for after every batch of events, list the members by name without sorting.
/// A node sends its whole list in every push/pull, and at start-up the list changes between
/// one push/pull and the next by a member or two: keeping each member's encoded entry until
/// that member changes makes a push/pull after a change one entry's encoding and a copy.
///
/// All three are kept here, next to the only operations that add, move or drop members (a
/// newcomer's insertion, swaps, the trim and the shuffle of `resetNodes`), so they cannot
/// drift from the list; members' other fields change in place through the subscript.
struct NodeList: RandomAccessCollection, Sendable {
    /// The members in probe order.
    private(set) var elements: [NodeState] = []
    /// Where each member is in `elements`. Names are unique in the list.
    private var positions = NameIndex()
    /// The members' names, sorted as `String`'s `<` sorts them.
    private var sortedNames: [String] = []
    /// The push/pull entry of the member at the same position, nil if it has changed since.
    private var encodedEntries: [[UInt8]?] = []
    /// Counts changes of any kind, so a caller can keep something derived from the list
    /// (the encoded push/pull entries) until the list changes.
    private(set) var version: UInt64 = 0

    var startIndex: Int { elements.startIndex }
    var endIndex: Int { elements.endIndex }

    /// A member, changed in place. Its name must stay as it is (the index is by name).
    subscript(position: Int) -> NodeState {
        get { elements[position] }
        _modify {
            version &+= 1
            encodedEntries[position] = nil
            yield &elements[position]
            assert(index(named: elements[position].name) == position, "a member's name changed in place")
        }
    }

    /// Where the member called `name` is, if it is in the list.
    func index(named name: String) -> Int? {
        switch positions.lookUp(name) {
        case .found(let position): return position
        case .absent: return nil
        case .needsSearch: return elements.firstIndex { $0.name == name }
        }
    }

    /// Where the member whose name is these bytes is: `.needsSearch` when only a search by
    /// `String` can tell (see `NameIndex`).
    func lookUp(utf8 name: UnsafeBufferPointer<UInt8>) -> NameIndex.Lookup {
        positions.lookUp(utf8: name)
    }

    /// The member called `name`, if it is in the list.
    func member(named name: String) -> NodeState? {
        index(named: name).map { elements[$0] }
    }

    /// The members in name order.
    var byName: some Sequence<NodeState> {
        sortedNames.lazy.map { elements[index(named: $0)!] }
    }

    /// Adds a member not in the list at `offset` (0...count), moving the one there to the
    /// end: memberlist's append-then-swap, which keeps newcomers out of a block at the end.
    mutating func insert(_ node: NodeState, swappingInAt offset: Int) {
        precondition(index(named: node.name) == nil, "\(node.name) is already a member")
        version &+= 1
        let end = elements.count
        elements.append(node)
        encodedEntries.append(nil)
        positions.set(node.name, to: end)
        sortedNames.insert(node.name, at: sortedPosition(of: node.name))
        swapAt(offset, end)
    }

    mutating func swapAt(_ i: Int, _ j: Int) {
        guard i != j else { return }
        version &+= 1
        elements.swapAt(i, j)
        encodedEntries.swapAt(i, j)
        positions.set(elements[i].name, to: i)
        positions.set(elements[j].name, to: j)
    }

    /// Drops the last `count` members.
    mutating func removeLast(_ count: Int) {
        guard count > 0 else { return }
        version &+= 1
        for node in elements.suffix(count) { sortedNames.remove(at: sortedPosition(of: node.name)) }
        elements.removeLast(count)
        encodedEntries.removeLast(count)
        positions.removeAll()
        for (position, node) in elements.enumerated() { positions.set(node.name, to: position) }
    }

    /// Shuffles the list with `generator`: the same draws, and the same order, as shuffling
    /// the members' array itself (the draws depend only on the count), applied to the members
    /// and their encoded entries alike.
    mutating func shuffle<Generator: RandomNumberGenerator>(using generator: inout Generator) {
        version &+= 1
        var order = Array(elements.indices)
        generator.shuffle(&order)
        elements = order.map { elements[$0] }
        encodedEntries = order.map { encodedEntries[$0] }
        for (position, node) in elements.enumerated() { positions.set(node.name, to: position) }
    }

    /// Every member's push/pull entry, in list order, one after another (encoding those of
    /// members that changed since last asked).
    mutating func encodedPushStates() -> [UInt8] {
        var total = 0
        for position in elements.indices {
            if encodedEntries[position] == nil {
                encodedEntries[position] = PushPull.encodedEntries(of: elements[position...position])
            }
            total += encodedEntries[position]!.count
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(total)
        for entry in encodedEntries { bytes.append(contentsOf: entry!) }
        return bytes
    }

    /// Where `name` is or would go in `sortedNames` (binary search).
    private func sortedPosition(of name: String) -> Int {
        var low = 0
        var high = sortedNames.count
        while low < high {
            let middle = (low + high) / 2
            if sortedNames[middle] < name { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
