/// The fields of one memberlist struct, as the streaming decoder knows them: one case per
/// Go field, numbered from 0 in the order `keys` lists their names.
protocol WireFields: RawRepresentable<Int>, CaseIterable {
    /// The Go field names, which are the map keys on the wire, in case order.
    static var keys: FieldKeys { get }
}

/// The map keys of a struct's fields, matched against key bytes as they lie in the packet,
/// without making a `String` of each key as the value-tree reader does.
struct FieldKeys: Sendable {
    /// The names, for error messages.
    let names: [String]
    /// Every name's UTF-8, one after another; name i is `utf8[starts[i] ..< starts[i + 1]]`.
    private let utf8: [UInt8]
    private let starts: [Int]

    init(_ names: [String]) {
        precondition(names.count <= FieldSlots.capacity, "a struct with more fields than FieldSlots holds")
        self.names = names
        utf8 = names.flatMap(\.utf8)
        starts = names.reduce(into: [0]) { starts, name in starts.append(starts.last! + name.utf8.count) }
    }

    /// The field whose name is `key`, if any. go-msgpack writes the keys sorted, as `names`
    /// lists them, so the search starts at `hint` (the field after the last one found) and
    /// usually ends there.
    func index(of key: UnsafeBufferPointer<UInt8>, hint: Int) -> Int? {
        let count = names.count
        var candidate = hint < count ? hint : 0
        return utf8.withUnsafeBufferPointer { utf8 in
            for _ in 0..<count {
                if matches(key, utf8, starts[candidate], starts[candidate + 1]) { return candidate }
                candidate = candidate + 1 == count ? 0 : candidate + 1
            }
            return nil
        }
    }

    private func matches(
        _ key: UnsafeBufferPointer<UInt8>, _ utf8: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int
    ) -> Bool {
        guard end - start == key.count else { return false }
        for offset in 0..<key.count where key[offset] != utf8[start + offset] { return false }
        return true
    }
}
