/// Reads MessagePack one value header at a time, straight from the bytes: what the typed
/// message decoders (`Messages+Decoding.swift`) are built on.
///
/// `MessagePackReader` builds a `MessagePackValue` tree, copying every string and allocating
/// every array and map on the way; that was most of a push/pull's cost. The cursor hands out
/// headers instead (a scalar whole, a string as the range its bytes occupy, a container as its
/// count) and can skip whole values, so a decoder copies only the fields it keeps.
///
/// It makes the same checks as `MessagePackReader`, in the same order, and throws the same
/// errors at the same offsets: lengths are checked against the bytes left before anything is
/// read, nesting is bounded by `MessagePackReader.maximumDepth`, and map keys must be strings
/// of valid UTF-8. Offsets count from the start of `bytes`.
///
/// It reads through an `UnsafeBufferPointer` the caller lends for the duration of one decode
/// (`Array.withUnsafeBufferPointer`); every access is preceded by a check against `remaining`.
struct MessagePackCursor {
    /// The start of one value, as far as the decoders need to see it.
    enum Header {
        case `nil`
        case bool(Bool)
        case uint(UInt64)
        case int(Int64)
        /// A str (old-spec raw) or bin value: where its content lies in the buffer.
        case bytes(Range<Int>)
        /// An array: this many values follow.
        case array(count: Int)
        /// A map: this many key/value pairs follow.
        case map(count: Int)
    }

    let bytes: UnsafeBufferPointer<UInt8>
    /// Where the next value starts.
    private(set) var offset: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>, offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    /// Bytes not yet read.
    var remaining: Int { bytes.count - offset }

    /// Reads the next value's header: all of a scalar or string, only the count of a
    /// container (its contents come next). `depth` is the value's nesting level, as
    /// `MessagePackReader` counts it: containers at `maximumDepth` are refused.
    mutating func header(depth: Int) throws(MessagePackError) -> Header {
        let start = offset
        let type = try byte()
        switch type {
        case 0x00...0x7F: return .uint(UInt64(type))
        case 0xE0...0xFF: return .int(Int64(Int8(bitPattern: type)))
        case 0x80...0x8F: return try map(count: Int(type & 0x0F), depth: depth, start: start)
        case 0x90...0x9F: return try array(count: Int(type & 0x0F), depth: depth, start: start)
        case 0xA0...0xBF: return .bytes(try take(Int(type & 0x1F)))
        case 0xC0: return .nil
        case 0xC2: return .bool(false)
        case 0xC3: return .bool(true)
        case 0xC4: return .bytes(try take(Int(try unsigned(width: 1))))
        case 0xC5: return .bytes(try take(Int(try unsigned(width: 2))))
        case 0xC6: return .bytes(try take(Int(try unsigned(width: 4))))
        case 0xCC: return .uint(try unsigned(width: 1))
        case 0xCD: return .uint(try unsigned(width: 2))
        case 0xCE: return .uint(try unsigned(width: 4))
        case 0xCF: return .uint(try unsigned(width: 8))
        case 0xD0: return .int(Int64(Int8(truncatingIfNeeded: try unsigned(width: 1))))
        case 0xD1: return .int(Int64(Int16(truncatingIfNeeded: try unsigned(width: 2))))
        case 0xD2: return .int(Int64(Int32(truncatingIfNeeded: try unsigned(width: 4))))
        case 0xD3: return .int(Int64(bitPattern: try unsigned(width: 8)))
        case 0xD9: return .bytes(try take(Int(try unsigned(width: 1))))
        case 0xDA: return .bytes(try take(Int(try unsigned(width: 2))))
        case 0xDB: return .bytes(try take(Int(try unsigned(width: 4))))
        case 0xDC: return try array(count: Int(try unsigned(width: 2)), depth: depth, start: start)
        case 0xDD: return try array(count: Int(try unsigned(width: 4)), depth: depth, start: start)
        case 0xDE: return try map(count: Int(try unsigned(width: 2)), depth: depth, start: start)
        case 0xDF: return try map(count: Int(try unsigned(width: 4)), depth: depth, start: start)
        default:
            throw .unsupported(offset: start, typeByte: type)
        }
    }

    /// Reads past one whole value at nesting level `depth`, checking all of it.
    mutating func skipValue(depth: Int) throws(MessagePackError) {
        try skipContents(of: try header(depth: depth), depth: depth)
    }

    /// Reads past what follows a container's header (nothing, for anything else).
    mutating func skipContents(of header: Header, depth: Int) throws(MessagePackError) {
        switch header {
        case .array(let count):
            for _ in 0..<count { try skipValue(depth: depth + 1) }
        case .map(let count):
            for _ in 0..<count {
                let keyOffset = offset
                let key = try mapKey(depth: depth + 1)
                try validateKey(key, at: keyOffset)
                try skipValue(depth: depth + 1)
            }
        default:
            break
        }
    }

    /// Reads a map key (at the nesting level of the map's entries) and returns where its
    /// bytes lie. Throws, as `MessagePackReader` does once it has read the whole key, if the
    /// key is not a string. Does not check UTF-8: a caller that recognises the bytes as one
    /// of its field names knows they are; for any other key it calls `validateKey`.
    mutating func mapKey(depth: Int) throws(MessagePackError) -> Range<Int> {
        let keyOffset = offset
        let header = try header(depth: depth)
        if case .bytes(let range) = header { return range }
        try skipContents(of: header, depth: depth)
        throw .malformed(offset: keyOffset, reason: "map key is not a string")
    }

    /// Throws unless the key bytes at `range` are UTF-8 (`MessagePackReader` makes a
    /// `String` of every key, which fails on anything else).
    func validateKey(_ range: Range<Int>, at keyOffset: Int) throws(MessagePackError) {
        let key = UnsafeBufferPointer(rebasing: bytes[range])
        if key.allSatisfy({ $0 < 0x80 }) { return }
        guard String(validating: key, as: UTF8.self) != nil else {
            throw .malformed(offset: keyOffset, reason: "map key is not UTF-8")
        }
    }

    // MARK: - Shortcuts for the common case

    /// The next type byte, if there is one, without reading it.
    func peek() -> UInt8? {
        offset < bytes.count ? bytes[offset] : nil
    }

    /// Moves past `count` bytes the caller has seen are there.
    mutating func skip(_ count: Int) {
        precondition(count <= remaining, "skipping past the end")
        offset += count
    }

    /// A fixstr (a string under 32 bytes, one header byte: every key memberlist writes and
    /// most of its strings) read whole, or nil, having read nothing, if the next value is
    /// anything else or does not fit; `header` then reads it, or throws what it must.
    mutating func takeFixstr() -> Range<Int>? {
        guard let type = peek(), type & 0xE0 == 0xA0 else { return nil }
        let count = Int(type & 0x1F)
        guard count < remaining else { return nil }
        let start = offset + 1
        offset = start + count
        return start..<offset
    }

    // MARK: - Primitives (as MessagePackReader's)

    private mutating func array(count: Int, depth: Int, start: Int) throws(MessagePackError) -> Header {
        guard depth < MessagePackReader.maximumDepth else { throw .tooDeep(offset: start) }
        // Each element takes at least one byte.
        guard count <= remaining else { throw .truncated(offset: offset, needed: count, available: remaining) }
        return .array(count: count)
    }

    private mutating func map(count: Int, depth: Int, start: Int) throws(MessagePackError) -> Header {
        guard depth < MessagePackReader.maximumDepth else { throw .tooDeep(offset: start) }
        guard count <= remaining / 2 else { throw .truncated(offset: offset, needed: count * 2, available: remaining) }
        return .map(count: count)
    }

    private mutating func byte() throws(MessagePackError) -> UInt8 {
        guard remaining >= 1 else { throw .truncated(offset: offset, needed: 1, available: remaining) }
        defer { offset += 1 }
        return bytes[offset]
    }

    private mutating func take(_ count: Int) throws(MessagePackError) -> Range<Int> {
        guard count <= remaining else { throw .truncated(offset: offset, needed: count, available: remaining) }
        defer { offset += count }
        return offset..<offset + count
    }

    private mutating func unsigned(width: Int) throws(MessagePackError) -> UInt64 {
        guard width <= remaining else { throw .truncated(offset: offset, needed: width, available: remaining) }
        var value: UInt64 = 0
        for index in offset..<offset + width { value = value << 8 | UInt64(bytes[index]) }
        offset += width
        return value
    }
}
