// Reading a memberlist struct (a MessagePack map keyed by Go field names) with the cursor:
// known keys are recognised by their bytes and their values noted where they lie, unknown
// keys' values are skipped, and everything is checked as `MessagePackReader` checks it.

extension MessagePackCursor {
    /// Reads one struct (a map at the top level) and records its known fields, with
    /// go-msgpack's rules: any key order, unknown keys skipped, a repeated key's last value
    /// kept. The whole value is read and checked before any field is converted, so a
    /// malformed value throws what `MessagePackReader` throws, and a well-formed one that is
    /// not a map throws `FieldReader`'s "not a map".
    @inline(__always)
    mutating func readStruct<Field: WireFields>(_ message: String, _ fields: Field.Type) throws(MessagePackError)
        -> StructFields<Field>
    {
        StructFields(try readStruct(message, keys: Field.keys))
    }

    /// `readStruct` without the field type: one copy of the code for every struct (the
    /// typed wrapper is inlined away), and no generic metadata to look up at run time.
    mutating func readStruct(_ message: String, keys: FieldKeys) throws(MessagePackError) -> DecodedStruct {
        let header = try header(depth: 0)
        guard case .map(let count) = header else {
            try skipContents(of: header, depth: 0)
            throw .badField(message: message, field: "(body)", reason: "not a map")
        }
        var result = DecodedStruct(message: message, keys: keys, bytes: bytes)
        var hint = 0
        for _ in 0..<count {
            let keyOffset = offset
            let key: Range<Int>
            if let fixstr = takeFixstr() {
                key = fixstr
            } else {
                key = try mapKey(depth: 1)
            }
            guard let index = keys.index(of: UnsafeBufferPointer(rebasing: bytes[key]), hint: hint) else {
                try validateKey(key, at: keyOffset)
                try skipValue(depth: 1)
                continue
            }
            result.slots[index] = try fieldValue(depth: 1)
            hint = index + 1
        }
        return result
    }

    /// Reads one field's value (checking all of it) and notes what it was.
    private mutating func fieldValue(depth: Int) throws(MessagePackError) -> FieldValue {
        // What memberlist's fields mostly hold, without the general header's switch.
        if let type = peek() {
            if type < 0x80 {
                skip(1)
                return .uint(UInt64(type))
            }
            if type == 0xC0 {
                skip(1)
                return .nil
            }
            if let range = takeFixstr() { return .bytes(range) }
        }
        let header = try header(depth: depth)
        switch header {
        case .nil: return .nil
        case .bool(let value): return .bool(value)
        case .uint(let value): return .uint(value)
        case .int(let value): return .int(value)
        case .bytes(let range): return .bytes(range)
        case .array(let count):
            let start = offset
            try skipContents(of: header, depth: depth)
            return .array(count: count, elementsAt: start)
        case .map:
            try skipContents(of: header, depth: depth)
            return .map
        }
    }
}
