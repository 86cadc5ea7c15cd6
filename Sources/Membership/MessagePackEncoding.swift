/// The byte layouts go-msgpack's default handle writes, one function per kind of value,
/// each appending to a `ByteSink`.
///
/// Both encoders use these functions: `MessagePackValue.encode(into:)`, which writes a value
/// tree, and the message encoders (`Messages+Encoding.swift`), which write memberlist's structs
/// field by field without building a tree first. Having one copy of the layout rules means the
/// two cannot disagree about a byte.
enum MessagePackEncoding {
    static func appendNil(to sink: inout some ByteSink) {
        sink.append(0xC0)
    }

    static func appendBool(_ value: Bool, to sink: inout some ByteSink) {
        sink.append(value ? 0xC3 : 0xC2)
    }

    /// An unsigned integer (Go `uint16`, `uint32`) in the smallest width that holds it.
    static func appendUnsigned(_ value: UInt64, to sink: inout some ByteSink) {
        switch value {
        case 0...0x7F: sink.append(UInt8(value))
        case 0x80...0xFF:
            sink.append(0xCC)
            sink.append(UInt8(value))
        case 0x100...0xFFFF:
            sink.append(0xCD)
            appendBigEndian(value, width: 2, to: &sink)
        case 0x1_0000...0xFFFF_FFFF:
            sink.append(0xCE)
            appendBigEndian(value, width: 4, to: &sink)
        default:
            sink.append(0xCF)
            appendBigEndian(value, width: 8, to: &sink)
        }
    }

    /// go-msgpack's `EncodeInt` with `PositiveIntUnsigned` off: a positive value above 127
    /// takes a *signed* width (int16 for 128, not uint8).
    static func appendSigned(_ value: Int64, to sink: inout some ByteSink) {
        let pattern = UInt64(bitPattern: value)
        switch value {
        case -32...127: sink.append(UInt8(truncatingIfNeeded: value))
        case -128 ..< -32:
            sink.append(0xD0)
            sink.append(UInt8(truncatingIfNeeded: value))
        case -32768...32767:
            sink.append(0xD1)
            appendBigEndian(pattern, width: 2, to: &sink)
        case -2_147_483_648...2_147_483_647:
            sink.append(0xD2)
            appendBigEndian(pattern, width: 4, to: &sink)
        default:
            sink.append(0xD3)
            appendBigEndian(pattern, width: 8, to: &sink)
        }
    }

    /// Old-spec raw (Go strings and byte slices): fixstr, then str16 / str32; str8 did not
    /// exist yet, so go-msgpack never writes it.
    static func appendRaw(_ content: UnsafeBufferPointer<UInt8>, to sink: inout some ByteSink) {
        appendRawHeader(count: content.count, to: &sink)
        sink.append(content)
    }

    static func appendRaw(_ content: [UInt8], to sink: inout some ByteSink) {
        appendRawHeader(count: content.count, to: &sink)
        sink.append(content)
    }

    /// A Go string: its UTF-8 as raw.
    static func appendString(_ text: String, to sink: inout some ByteSink) {
        appendRawHeader(count: text.utf8.count, to: &sink)
        sink.append(utf8: text)
    }

    /// A Go `[]byte`: raw, or nil when empty (go-msgpack writes a nil slice as nil, and
    /// memberlist's empty slices are nil ones).
    static func appendByteSlice(_ content: [UInt8], to sink: inout some ByteSink) {
        if content.isEmpty {
            appendNil(to: &sink)
        } else {
            appendRaw(content, to: &sink)
        }
    }

    /// The new spec's bin family. memberlist never writes it; the value tree can hold it.
    static func appendBinary(_ content: [UInt8], to sink: inout some ByteSink) {
        if content.count <= 0xFF {
            sink.append(0xC4)
            sink.append(UInt8(content.count))
        } else if content.count <= 0xFFFF {
            sink.append(0xC5)
            appendBigEndian(UInt64(content.count), width: 2, to: &sink)
        } else {
            sink.append(0xC6)
            appendBigEndian(UInt64(content.count), width: 4, to: &sink)
        }
        sink.append(content)
    }

    static func appendArrayHeader(count: Int, to sink: inout some ByteSink) {
        appendContainerHeader(count: count, fix: 0x90, wide16: 0xDC, wide32: 0xDD, to: &sink)
    }

    /// A map of `count` entries; the caller writes each key and value after it.
    static func appendMapHeader(count: Int, to sink: inout some ByteSink) {
        appendContainerHeader(count: count, fix: 0x80, wide16: 0xDE, wide32: 0xDF, to: &sink)
    }

    private static func appendRawHeader(count: Int, to sink: inout some ByteSink) {
        if count < 32 {
            sink.append(0xA0 | UInt8(count))
        } else if count <= 0xFFFF {
            sink.append(0xDA)
            appendBigEndian(UInt64(count), width: 2, to: &sink)
        } else {
            sink.append(0xDB)
            appendBigEndian(UInt64(count), width: 4, to: &sink)
        }
    }

    private static func appendContainerHeader(
        count: Int, fix: UInt8, wide16: UInt8, wide32: UInt8, to sink: inout some ByteSink
    ) {
        if count < 16 {
            sink.append(fix | UInt8(count))
        } else if count <= 0xFFFF {
            sink.append(wide16)
            appendBigEndian(UInt64(count), width: 2, to: &sink)
        } else {
            sink.append(wide32)
            appendBigEndian(UInt64(count), width: 4, to: &sink)
        }
    }

    static func appendBigEndian(_ value: UInt64, width: Int, to sink: inout some ByteSink) {
        for shift in stride(from: (width - 1) * 8, through: 0, by: -8) {
            sink.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }
}
