/// Member positions by name, for `NodeList`: an open-addressing hash table with a cheap hash.
///
/// A push/pull merge looks up every entry by name, millions of look-ups in a large cluster's
/// start-up. `[String: Int]` hashes each name with SipHash behind a freshly seeded `Hasher`,
/// which was most of a merge's cost; this table hashes the name's bytes with FNV-1a instead.
///
/// It must find exactly what a search with `String`'s `==` finds, and `==` is Unicode
/// canonical equivalence, not byte equality. The two agree when both strings are ASCII. So
/// while every name in the table is ASCII, the table works on bytes, and a look-up of a
/// non-ASCII name (which may still equal an ASCII one: "\u{212A}", the Kelvin sign, equals
/// "K") reports that it cannot answer, for the caller to search with `==`. The first
/// non-ASCII name added turns the table into a `[String: Int]` for good. Member names are
/// host names, so in practice that never happens.
struct NameIndex: Sendable {
    /// What a look-up found.
    enum Lookup: Equatable {
        case found(Int)
        case absent
        /// A non-ASCII name looked up while the table hashes bytes.
        case needsSearch
    }

    /// A name and where it is, side by side: with a table per node and hundreds of nodes,
    /// a look-up usually misses the cache, and then it misses once, not twice.
    private struct Slot {
        var name: String
        var position: Int
    }

    private var slots: [Slot?] = Array(repeating: nil, count: 16)
    private var count = 0
    /// In use once a non-ASCII name is added; `slots` is then unused.
    private var dictionary: [String: Int]?

    func lookUp(_ name: String) -> Lookup {
        if let dictionary { return dictionary[name].map(Lookup.found) ?? .absent }
        guard let hash = Self.asciiHash(name) else { return .needsSearch }
        let mask = slots.count - 1
        var index = hash & mask
        while let slot = slots[index] {
            if slot.name == name { return .found(slot.position) }
            index = (index + 1) & mask
        }
        return .absent
    }

    /// Where the member whose name is these bytes is, without making a `String` of them:
    /// a push/pull merge looks up every entry straight from the message. Bytes that are not
    /// all ASCII, or a table that is a dictionary, need the caller's search instead.
    func lookUp(utf8 name: UnsafeBufferPointer<UInt8>) -> Lookup {
        guard dictionary == nil, let hash = Self.asciiHash(name) else { return .needsSearch }
        let mask = slots.count - 1
        var index = hash & mask
        while let slot = slots[index] {
            if Self.equal(slot.name, name) { return .found(slot.position) }
            index = (index + 1) & mask
        }
        return .absent
    }

    /// Sets where `name` is, adding it if it is not in the table.
    mutating func set(_ name: String, to position: Int) {
        if dictionary != nil {
            dictionary![name] = position
            return
        }
        guard let hash = Self.asciiHash(name) else {
            var all: [String: Int] = [:]
            for case let slot? in slots { all[slot.name] = slot.position }
            all[name] = position
            dictionary = all
            slots = []
            return
        }
        if (count + 1) * 2 > slots.count { grow() }
        let mask = slots.count - 1
        var index = hash & mask
        while let slot = slots[index] {
            if slot.name == name {
                slots[index]!.position = position
                return
            }
            index = (index + 1) & mask
        }
        slots[index] = Slot(name: name, position: position)
        count += 1
    }

    /// Empties the table (keeping its size, or its mode).
    mutating func removeAll() {
        if dictionary != nil {
            dictionary!.removeAll(keepingCapacity: true)
            return
        }
        for index in slots.indices { slots[index] = nil }
        count = 0
    }

    /// Doubles the table and re-inserts what it held.
    private mutating func grow() {
        let old = slots
        slots = Array(repeating: nil, count: slots.count * 2)
        count = 0
        for case let slot? in old { set(slot.name, to: slot.position) }
    }

    /// Whether the name's UTF-8 is these bytes (a memberlist name is a small string, copied
    /// to the stack to be compared whole).
    private static func equal(_ name: String, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard name.utf8.count == bytes.count else { return false }
        var name = name
        return name.withUTF8 { own in
            for index in 0..<own.count where own[index] != bytes[index] { return false }
            return true
        }
    }

    /// FNV-1a of the name's UTF-8, or nil if the name is not all ASCII.
    private static func asciiHash(_ name: String) -> Int? {
        var name = name
        return name.withUTF8 { asciiHash($0) }
    }

    /// FNV-1a of the bytes, or nil if they are not all ASCII.
    private static func asciiHash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var value: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            guard byte < 0x80 else { return nil }
            value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return Int(truncatingIfNeeded: value ^ (value >> 32))
    }
}
