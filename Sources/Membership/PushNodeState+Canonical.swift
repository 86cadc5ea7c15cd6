import Wire

// A push/pull carries one `pushNodeState` per member, and at start-up every speaker
// exchanges its list with every other: millions of entries in a large cluster. memberlist
// (and lbsim) always write an entry the same way: a map of the seven fields with the keys in
// sorted order, integers in their smallest width, byte slices as nil or short raw strings.
// `canonical(at:)` reads exactly that layout in one pass of byte comparisons. On anything
// else (another key order, an unknown key, a long string, a value of an unexpected kind,
// the end of the buffer) it gives up having moved nothing, and the general reader, which
// takes whatever go-msgpack takes and throws the errors, reads the entry instead. What it
// accepts, it reads as the general reader would (MessageCodecTests checks both on the same
// input).

extension PushNodeState {
    /// The entry at the cursor, if it is laid out as memberlist writes it; the cursor then
    /// moves past it. Nil, with the cursor where it was, otherwise.
    static func canonical(at cursor: inout MessagePackCursor) -> PushNodeState? {
        canonicalEntry(at: &cursor)?.materialized(in: cursor.bytes)
    }

    /// Where the entry at the cursor lies, if it is laid out as memberlist writes it, read
    /// without copying anything out of the buffer; the cursor then moves past it. Nil, with
    /// the cursor where it was, otherwise.
    static func canonicalEntry(at cursor: inout MessagePackCursor) -> PushEntry? {
        var reader = CanonicalReader(bytes: cursor.bytes, offset: cursor.offset)
        guard reader.take(0x87),
            reader.key("Addr"), let address = reader.address(),
            reader.key("Incarnation"), let incarnation = reader.unsigned(UInt32.self),
            reader.key("Meta"), let meta = reader.fixstrOrNil(),
            reader.key("Name"), let name = reader.asciiString(),
            reader.key("Port"), let port = reader.unsigned(UInt16.self),
            reader.key("State"), let state = reader.state(),
            reader.key("Vsn"), let vsn = reader.fixstrOrNil()
        else { return nil }
        cursor.skip(reader.offset - cursor.offset)
        return PushEntry(
            name: name, address: address, port: port, meta: meta, incarnation: incarnation, state: state, vsn: vsn)
    }
}

/// A canonical push/pull entry as it lies in the message: its scalars read, its name, meta
/// and vsn as the ranges of the buffer that hold them (empty for Go's nil). A merge decides
/// most entries on the scalars and the name alone (`Memberlist.isOldAliveNews`), so only the
/// few that change something are copied out into a `PushNodeState`.
struct PushEntry {
    /// ASCII, checked.
    var name: Range<Int>
    var address: IPv4Address
    var port: UInt16
    var meta: Range<Int>
    var incarnation: UInt32
    var state: MemberState
    var vsn: Range<Int>

    /// The entry as the general reader gives it.
    func materialized(in bytes: UnsafeBufferPointer<UInt8>) -> PushNodeState {
        PushNodeState(
            name: String(decoding: UnsafeBufferPointer(rebasing: bytes[name]), as: UTF8.self), address: address,
            port: port, meta: Self.slice(meta, in: bytes), incarnation: incarnation, state: state,
            vsn: Self.slice(vsn, in: bytes))
    }

    private static func slice(_ range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        range.isEmpty ? [] : decodedBytes(UnsafeBufferPointer(rebasing: bytes[range]))
    }
}

/// Reads the values of the canonical layout, each method returning nil (or false) for
/// anything else, including bytes that run past the end.
private struct CanonicalReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var offset: Int

    /// The next `count` bytes, read, if there are that many.
    private mutating func next(_ count: Int) -> Range<Int>? {
        guard count <= bytes.count - offset else { return nil }
        defer { offset += count }
        return offset..<offset + count
    }

    /// Reads `byte` if it comes next.
    mutating func take(_ byte: UInt8) -> Bool {
        guard let at = next(1) else { return false }
        return bytes[at.lowerBound] == byte
    }

    /// A map key: `name` (ASCII, under 32 bytes) as a fixstr.
    @inline(__always)
    mutating func key(_ name: StaticString) -> Bool {
        let count = name.utf8CodeUnitCount
        guard take(0xA0 | UInt8(count)), let at = next(count) else { return false }
        let expected = name.utf8Start
        for index in 0..<count where bytes[at.lowerBound + index] != expected[index] { return false }
        return true
    }

    /// A non-negative integer, unsigned in its smallest width, that fits `T`.
    mutating func unsigned<T: FixedWidthInteger & UnsignedInteger>(_: T.Type) -> T? {
        guard let at = next(1) else { return nil }
        let type = bytes[at.lowerBound]
        let width: Int
        switch type {
        case 0x00...0x7F: return T(type)
        case 0xCC: width = 1
        case 0xCD: width = 2
        case 0xCE: width = 4
        default: return nil
        }
        guard let digits = next(width) else { return nil }
        var value: UInt64 = 0
        for index in digits { value = value << 8 | UInt64(bytes[index]) }
        return T(exactly: value)
    }

    /// A member state: a positive fixnum 0 to 3.
    mutating func state() -> MemberState? {
        guard let at = next(1), bytes[at.lowerBound] <= 3 else { return nil }
        return MemberState(rawValue: Int(bytes[at.lowerBound]))
    }

    /// A `net.IP` of an IPv4 address: four raw bytes.
    mutating func address() -> IPv4Address? {
        guard take(0xA4), let at = next(4) else { return nil }
        let a = at.lowerBound
        return IPv4Address(bytes[a], bytes[a + 1], bytes[a + 2], bytes[a + 3])
    }

    /// Where a Go string of ASCII characters, as a fixstr, lies.
    mutating func asciiString() -> Range<Int>? {
        guard let at = next(1), bytes[at.lowerBound] & 0xE0 == 0xA0,
            let range = next(Int(bytes[at.lowerBound] & 0x1F))
        else { return nil }
        for index in range where bytes[index] >= 0x80 { return nil }
        return range
    }

    /// Where a Go `[]byte` (nil, or a fixstr) lies: an empty range for nil.
    mutating func fixstrOrNil() -> Range<Int>? {
        guard let at = next(1) else { return nil }
        let type = bytes[at.lowerBound]
        if type == 0xC0 { return offset..<offset }
        guard type & 0xE0 == 0xA0 else { return nil }
        return next(Int(type & 0x1F))
    }
}
