/// A MessagePack value: the subset memberlist's messages are made of.
///
/// memberlist encodes each message body with hashicorp/go-msgpack's `MsgpackHandle` at its
/// defaults, which writes the *old* MessagePack spec: Go strings and Go byte slices alike
/// go out as "raw" (the str family, without str8), structs as maps keyed by field name.
/// So a raw value may hold a node name or an address's four bytes; the message types
/// (`Messages.swift`) say which. The decoder reads the new spec's str8 and bin too, as
/// go-msgpack does.
public enum MessagePackValue: Hashable, Sendable {
    case `nil`
    case bool(Bool)
    /// A signed integer: Go `int` fields (`Nodes`, `State`). Encoded as go-msgpack does:
    /// 0...127 as a positive fixnum, larger values in the smallest signed width.
    case int(Int64)
    /// An unsigned integer: Go `uint16`/`uint32` fields (`Port`, `SeqNo`, `Incarnation`).
    case uint(UInt64)
    /// The str family (old spec "raw"): Go strings, and Go `[]byte` with the old spec.
    case raw([UInt8])
    /// The bin family (bin8/16/32). Only decoded; memberlist never writes it.
    case binary([UInt8])
    case array([MessagePackValue])
    /// A map with string keys, in the order they were written or read.
    case map([MessagePackEntry])

    /// A raw value holding `text` as UTF-8.
    public static func string(_ text: String) -> MessagePackValue { .raw(Array(text.utf8)) }
}

/// One key/value pair of a `MessagePackValue.map`.
public struct MessagePackEntry: Hashable, Sendable {
    public var key: String
    public var value: MessagePackValue

    public init(_ key: String, _ value: MessagePackValue) {
        self.key = key
        self.value = value
    }
}

/// Why bytes could not be read as MessagePack or as a memberlist message.
public enum MessagePackError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input ended inside a value: `needed` more bytes at `offset`, `available` left.
    case truncated(offset: Int, needed: Int, available: Int)
    /// A type byte this decoder does not take (float, ext, the never-used 0xc1).
    case unsupported(offset: Int, typeByte: UInt8)
    /// Arrays and maps nested deeper than `MessagePackReader.maximumDepth`.
    case tooDeep(offset: Int)
    /// A map key that is not a string, or a string that is not UTF-8.
    case malformed(offset: Int, reason: String)
    /// A field holding the wrong kind of value for the message it is in.
    case badField(message: String, field: String, reason: String)

    public var description: String {
        switch self {
        case .truncated(let offset, let needed, let available):
            return "msgpack: truncated at byte \(offset), needs \(needed) bytes, has \(available)"
        case .unsupported(let offset, let typeByte):
            return "msgpack: unsupported type byte 0x\(String(typeByte, radix: 16)) at byte \(offset)"
        case .tooDeep(let offset):
            return "msgpack: nesting deeper than \(MessagePackReader.maximumDepth) at byte \(offset)"
        case .malformed(let offset, let reason):
            return "msgpack: \(reason) at byte \(offset)"
        case .badField(let message, let field, let reason):
            return "\(message): field \(field): \(reason)"
        }
    }
}

// MARK: - Encoding

extension MessagePackValue {
    /// The value's bytes, as go-msgpack's default handle writes them.
    public var encoded: [UInt8] {
        var bytes: [UInt8] = []
        encode(into: &bytes)
        return bytes
    }

    /// Appends the value's bytes (the layouts are `MessagePackEncoding`'s).
    public func encode(into bytes: inout [UInt8]) {
        switch self {
        case .nil:
            MessagePackEncoding.appendNil(to: &bytes)
        case .bool(let value):
            MessagePackEncoding.appendBool(value, to: &bytes)
        case .uint(let value):
            MessagePackEncoding.appendUnsigned(value, to: &bytes)
        case .int(let value):
            MessagePackEncoding.appendSigned(value, to: &bytes)
        case .raw(let content):
            MessagePackEncoding.appendRaw(content, to: &bytes)
        case .binary(let content):
            MessagePackEncoding.appendBinary(content, to: &bytes)
        case .array(let elements):
            MessagePackEncoding.appendArrayHeader(count: elements.count, to: &bytes)
            for element in elements { element.encode(into: &bytes) }
        case .map(let entries):
            MessagePackEncoding.appendMapHeader(count: entries.count, to: &bytes)
            for entry in entries {
                MessagePackEncoding.appendString(entry.key, to: &bytes)
                entry.value.encode(into: &bytes)
            }
        }
    }
}

// MARK: - Decoding

/// Reads MessagePack values one after another from a byte buffer (a memberlist push/pull
/// is a header value followed by one value per node).
///
/// Every length is checked against the bytes left before anything is read or allocated, and
/// nesting is bounded, so any input, however hostile, ends in a value or a thrown error.
/// Packets are decoded with `MessagePackCursor`, which makes the same checks without building
/// values; this reader is the plain version it is tested against.
public struct MessagePackReader {
    /// Arrays and maps may nest this deep; memberlist's messages nest two levels.
    public static let maximumDepth = 32

    public let bytes: [UInt8]
    /// Where the next value starts.
    public private(set) var offset: Int

    public init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    /// Bytes not yet read.
    public var remaining: Int { bytes.count - offset }

    /// Reads the next value.
    public mutating func next() throws(MessagePackError) -> MessagePackValue {
        try value(depth: 0)
    }

    private mutating func value(depth: Int) throws(MessagePackError) -> MessagePackValue {
        let start = offset
        let type = try take(1)[0]
        switch type {
        case 0x00...0x7F: return .uint(UInt64(type))
        case 0xE0...0xFF: return .int(Int64(Int8(bitPattern: type)))
        case 0x80...0x8F: return try map(count: Int(type & 0x0F), depth: depth, start: start)
        case 0x90...0x9F: return try array(count: Int(type & 0x0F), depth: depth, start: start)
        case 0xA0...0xBF: return .raw(try take(Int(type & 0x1F)))
        case 0xC0: return .nil
        case 0xC2: return .bool(false)
        case 0xC3: return .bool(true)
        case 0xC4: return .binary(try take(Int(try unsigned(width: 1))))
        case 0xC5: return .binary(try take(Int(try unsigned(width: 2))))
        case 0xC6: return .binary(try take(Int(try unsigned(width: 4))))
        case 0xCC: return .uint(try unsigned(width: 1))
        case 0xCD: return .uint(try unsigned(width: 2))
        case 0xCE: return .uint(try unsigned(width: 4))
        case 0xCF: return .uint(try unsigned(width: 8))
        case 0xD0: return .int(Int64(Int8(truncatingIfNeeded: try unsigned(width: 1))))
        case 0xD1: return .int(Int64(Int16(truncatingIfNeeded: try unsigned(width: 2))))
        case 0xD2: return .int(Int64(Int32(truncatingIfNeeded: try unsigned(width: 4))))
        case 0xD3: return .int(Int64(bitPattern: try unsigned(width: 8)))
        case 0xD9: return .raw(try take(Int(try unsigned(width: 1))))
        case 0xDA: return .raw(try take(Int(try unsigned(width: 2))))
        case 0xDB: return .raw(try take(Int(try unsigned(width: 4))))
        case 0xDC: return try array(count: Int(try unsigned(width: 2)), depth: depth, start: start)
        case 0xDD: return try array(count: Int(try unsigned(width: 4)), depth: depth, start: start)
        case 0xDE: return try map(count: Int(try unsigned(width: 2)), depth: depth, start: start)
        case 0xDF: return try map(count: Int(try unsigned(width: 4)), depth: depth, start: start)
        default:
            throw .unsupported(offset: start, typeByte: type)
        }
    }

    private mutating func array(count: Int, depth: Int, start: Int) throws(MessagePackError) -> MessagePackValue {
        guard depth < Self.maximumDepth else { throw .tooDeep(offset: start) }
        // Each element takes at least one byte: a count beyond that is a lie, caught before
        // anything is reserved for it.
        guard count <= remaining else { throw .truncated(offset: offset, needed: count, available: remaining) }
        var elements: [MessagePackValue] = []
        elements.reserveCapacity(count)
        for _ in 0..<count { elements.append(try value(depth: depth + 1)) }
        return .array(elements)
    }

    private mutating func map(count: Int, depth: Int, start: Int) throws(MessagePackError) -> MessagePackValue {
        guard depth < Self.maximumDepth else { throw .tooDeep(offset: start) }
        guard count <= remaining / 2 else { throw .truncated(offset: offset, needed: count * 2, available: remaining) }
        var entries: [MessagePackEntry] = []
        entries.reserveCapacity(count)
        for _ in 0..<count {
            let keyOffset = offset
            let key: String
            switch try value(depth: depth + 1) {
            case .raw(let bytes), .binary(let bytes):
                guard let text = String(validating: bytes, as: UTF8.self) else {
                    throw .malformed(offset: keyOffset, reason: "map key is not UTF-8")
                }
                key = text
            default:
                throw .malformed(offset: keyOffset, reason: "map key is not a string")
            }
            entries.append(MessagePackEntry(key, try value(depth: depth + 1)))
        }
        return .map(entries)
    }

    private mutating func take(_ count: Int) throws(MessagePackError) -> [UInt8] {
        guard count <= remaining else { throw .truncated(offset: offset, needed: count, available: remaining) }
        let slice = Array(bytes[offset..<offset + count])
        offset += count
        return slice
    }

    private mutating func unsigned(width: Int) throws(MessagePackError) -> UInt64 {
        guard width <= remaining else { throw .truncated(offset: offset, needed: width, available: remaining) }
        var value: UInt64 = 0
        for index in offset..<offset + width { value = value << 8 | UInt64(bytes[index]) }
        offset += width
        return value
    }
}

extension MessagePackValue {
    /// Decodes the first value in `bytes`. Bytes after it are ignored, as go-msgpack's
    /// decoder ignores what follows the value it was asked for.
    public static func decode(_ bytes: [UInt8]) throws(MessagePackError) -> MessagePackValue {
        var reader = MessagePackReader(bytes)
        return try reader.next()
    }
}
