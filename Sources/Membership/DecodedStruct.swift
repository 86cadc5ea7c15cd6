import Wire

/// A struct's fields as read by `MessagePackCursor.readStruct`, named by the struct's
/// `Field` cases. Only a typed face on `DecodedStruct`, whose methods do the work.
struct StructFields<Field: WireFields> {
    let decoded: DecodedStruct

    @inline(__always) init(_ decoded: DecodedStruct) { self.decoded = decoded }

    @inline(__always)
    func unsigned<T: FixedWidthInteger & UnsignedInteger>(_ field: Field, as type: T.Type) throws(MessagePackError) -> T
    {
        try decoded.unsigned(field.rawValue, as: type)
    }

    @inline(__always) func signed(_ field: Field) throws(MessagePackError) -> Int64 {
        try decoded.signed(field.rawValue)
    }
    @inline(__always) func bool(_ field: Field) throws(MessagePackError) -> Bool { try decoded.bool(field.rawValue) }
    @inline(__always) func bytes(_ field: Field) throws(MessagePackError) -> [UInt8] {
        try decoded.bytes(field.rawValue)
    }
    @inline(__always) func string(_ field: Field) throws(MessagePackError) -> String {
        try decoded.string(field.rawValue)
    }

    @inline(__always)
    func address(_ field: Field) throws(MessagePackError) -> IPv4Address? { try decoded.address(field.rawValue) }

    @inline(__always)
    func requiredAddress(_ field: Field) throws(MessagePackError) -> IPv4Address {
        try decoded.requiredAddress(field.rawValue)
    }
}

/// A struct's fields by number, converted on demand with `FieldReader`'s leniency and
/// errors: missing or nil fields read as zero, integers of any width and sign convert when
/// they fit, byte strings may come as raw, bin or an array of small integers.
struct DecodedStruct {
    let message: String
    let keys: FieldKeys
    let bytes: UnsafeBufferPointer<UInt8>
    var slots = FieldSlots()

    init(message: String, keys: FieldKeys, bytes: UnsafeBufferPointer<UInt8>) {
        self.message = message
        self.keys = keys
        self.bytes = bytes
    }

    func unsigned<T: FixedWidthInteger & UnsignedInteger>(_ field: Int, as: T.Type) throws(MessagePackError) -> T {
        switch slots[field] {
        case .absent, .nil:
            return 0
        case .uint(let v):
            guard let result = T(exactly: v) else { throw bad(field, "\(v) does not fit \(T.self)") }
            return result
        case .int(let v):
            guard let result = T(exactly: v) else { throw bad(field, "\(v) does not fit \(T.self)") }
            return result
        default:
            throw bad(field, "not an integer")
        }
    }

    func signed(_ field: Int) throws(MessagePackError) -> Int64 {
        switch slots[field] {
        case .absent, .nil: return 0
        case .int(let v): return v
        case .uint(let v):
            guard let result = Int64(exactly: v) else { throw bad(field, "\(v) does not fit Int64") }
            return result
        default: throw bad(field, "not an integer")
        }
    }

    func bool(_ field: Int) throws(MessagePackError) -> Bool {
        switch slots[field] {
        case .absent, .nil: return false
        case .bool(let v): return v
        default: throw bad(field, "not a bool")
        }
    }

    func bytes(_ field: Int) throws(MessagePackError) -> [UInt8] {
        switch slots[field] {
        case .absent, .nil:
            return []
        case .bytes(let range):
            return decodedBytes(UnsafeBufferPointer(rebasing: bytes[range]))
        case .array(let count, let start):
            return try byteArray(field, count: count, at: start)
        default:
            throw bad(field, "not bytes")
        }
    }

    func string(_ field: Int) throws(MessagePackError) -> String {
        switch slots[field] {
        case .bytes(let range):
            let content = UnsafeBufferPointer(rebasing: bytes[range])
            // ASCII is valid UTF-8, and decodes to the same String either way; the standard
            // library's `String(validating:)` is generic and costs a metadata look-up a call.
            if content.allSatisfy({ $0 < 0x80 }) { return String(decoding: content, as: UTF8.self) }
            guard let text = String(validating: content, as: UTF8.self) else { throw bad(field, "not UTF-8") }
            return text
        default:
            guard let text = String(validating: try bytes(field), as: UTF8.self) else { throw bad(field, "not UTF-8") }
            return text
        }
    }

    /// An address field: 4 bytes, or 16 holding an IPv4-mapped IPv6 address. Empty reads
    /// as nil.
    func address(_ field: Int) throws(MessagePackError) -> IPv4Address? {
        switch slots[field] {
        case .bytes(let range):
            return try address(field, UnsafeBufferPointer(rebasing: bytes[range]))
        default:
            return try bytes(field).withUnsafeBufferPointer { (raw) throws(MessagePackError) in try address(field, raw)
            }
        }
    }

    func requiredAddress(_ field: Int) throws(MessagePackError) -> IPv4Address {
        guard let address = try address(field) else { throw bad(field, "missing address") }
        return address
    }

    private func address(_ field: Int, _ raw: UnsafeBufferPointer<UInt8>) throws(MessagePackError) -> IPv4Address? {
        switch GoIPBytes.ipv4(raw) {
        case .success(let address): return address
        case .failure(let error): throw bad(field, error.description)
        }
    }

    /// A `[]byte` written as an array of small integers.
    private func byteArray(_ field: Int, count: Int, at start: Int) throws(MessagePackError) -> [UInt8] {
        var cursor = MessagePackCursor(bytes, offset: start)
        var result: [UInt8] = []
        for _ in 0..<count {
            // The array was checked whole when it was read, so this cannot throw.
            switch try cursor.header(depth: 0) {
            case .uint(let v) where v <= 0xFF: result.append(UInt8(v))
            case .int(let v) where (0...0xFF).contains(v): result.append(UInt8(v))
            default: throw bad(field, "array element is not a byte")
            }
        }
        return result
    }

    private func bad(_ field: Int, _ reason: String) -> MessagePackError {
        .badField(message: message, field: keys.names[field], reason: reason)
    }
}

/// The protocol versions every memberlist of this era sends ([1, 5, 2, 0, 0, 0]): a decoded
/// `Vsn` with these bytes shares this array instead of allocating its own.
let commonProtocolVersions: [UInt8] = [1, 5, 2, 0, 0, 0]

/// `content` as an array of its own, or the shared `commonProtocolVersions` when equal to it.
func decodedBytes(_ content: UnsafeBufferPointer<UInt8>) -> [UInt8] {
    if content.count == 6 && content[0] == 1 && content[1] == 5 && content[2] == 2
        && content[3] == 0 && content[4] == 0 && content[5] == 0
    {
        return commonProtocolVersions
    }
    return Array(content)
}
