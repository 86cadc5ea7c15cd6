/// memberlist's packet framing around messages (util.go `makeCompoundMessage`,
/// `decodeCompoundMessage`; net.go `rawSendMsgPacket`, `ingestPacket`, `handleCommand`).
public enum Packet {
    /// At most this many messages go in one compound message (its count is one byte).
    public static let maximumCompoundParts = 255

    /// Why a packet, or one message in it, was not processed.
    public enum DecodeError: Error, Equatable, Sendable, CustomStringConvertible {
        case empty
        case unknownType(UInt8)
        /// A known type lbsim does not handle: user, encrypt, error, a nested CRC (and, in
        /// `decodeMessage`, compress).
        case unsupported(MessageType)
        /// The CRC-32 in a `hasCRC` packet does not match the rest of the packet.
        case badChecksum(expected: UInt32, computed: UInt32)
        /// The compound header is cut short (no count byte, or fewer length fields than parts).
        case truncatedCompound(needed: Int, available: Int)
        /// Compound messages inside compound messages, deeper than `maximumNesting`.
        case tooDeep
        /// A push/pull anywhere but as a whole packet.
        case nestedPushPull
        case body(MessageType, MessagePackError)
        /// A compress message that could not be unpacked.
        case compression(Compression.DecodeError)

        public var description: String {
            switch self {
            case .empty: return "missing message type byte"
            case .unknownType(let byte): return "message type \(byte) not supported"
            case .unsupported(let type): return "message type \(type.rawValue) (\(type)) not supported"
            case .badChecksum(let expected, let computed):
                return "invalid checksum for UDP packet: \(String(computed, radix: 16)), \(String(expected, radix: 16))"
            case .truncatedCompound(let needed, let available):
                return "failed to decode compound request: needs \(needed) header bytes, has \(available)"
            case .tooDeep: return "compound messages nested deeper than \(maximumNesting)"
            case .nestedPushPull: return "push/pull inside a compound message"
            case .body(let type, let error): return "failed to decode \(type): \(error)"
            case .compression(let error): return error.description
            }
        }
    }

    /// Compound messages may nest (memberlist recurses without limit); lbsim stops here so
    /// that no packet can exhaust the stack.
    public static let maximumNesting = 8

    /// One compound message holding `parts` (each a whole message with its type byte).
    public static func compound(_ parts: [[UInt8]]) -> [UInt8] {
        precondition(parts.count <= maximumCompoundParts, "a compound message holds at most 255 parts")
        var bytes: [UInt8] = [MessageType.compound.rawValue, UInt8(parts.count)]
        for part in parts {
            precondition(part.count <= 0xFFFF, "a compound part is longer than 65535 bytes")
            bytes.append(UInt8(part.count >> 8))
            bytes.append(UInt8(part.count & 0xFF))
        }
        for part in parts { bytes.append(contentsOf: part) }
        return bytes
    }

    /// As many compound messages as it takes, 255 parts each (`makeCompoundMessages`).
    public static func compounds(_ parts: [[UInt8]]) -> [[UInt8]] {
        stride(from: 0, to: parts.count, by: maximumCompoundParts).map { start in
            compound(Array(parts[start..<min(start + maximumCompoundParts, parts.count)]))
        }
    }

    /// The parts of a compound message's body (after its type byte), and how many parts
    /// were cut off because the packet ended first: memberlist handles the parts that fit
    /// and logs the rest as truncated.
    public static func splitCompound(_ body: ArraySlice<UInt8>) throws(DecodeError) -> (
        parts: [ArraySlice<UInt8>], truncated: Int
    ) {
        guard let count = body.first.map(Int.init) else { throw .truncatedCompound(needed: 1, available: 0) }
        var offset = body.startIndex + 1
        guard body.endIndex - offset >= count * 2 else {
            throw .truncatedCompound(needed: 1 + count * 2, available: body.count)
        }
        var lengths: [Int] = []
        for _ in 0..<count {
            lengths.append(Int(body[offset]) << 8 | Int(body[offset + 1]))
            offset += 2
        }
        var parts: [ArraySlice<UInt8>] = []
        for (index, length) in lengths.enumerated() {
            guard body.endIndex - offset >= length else { return (parts, count - index) }
            parts.append(body[offset..<offset + length])
            offset += length
        }
        return (parts, 0)
    }

    /// `packet` behind a CRC header (type 12, then the CRC-32 of `packet`, big-endian), as
    /// memberlist sends to members whose protocol maximum is 5 or more.
    public static func withCRC(_ packet: [UInt8]) -> [UInt8] {
        let crc = CRC32.checksum(packet)
        return [
            MessageType.hasCRC.rawValue, UInt8(crc >> 24), UInt8(truncatingIfNeeded: crc >> 16),
            UInt8(truncatingIfNeeded: crc >> 8), UInt8(truncatingIfNeeded: crc),
        ] + packet
    }

    /// What a received packet holds: the messages in the order they appear (compounds
    /// flattened, a CRC checked and stripped) and, for each message or packet that could not
    /// be used, why: memberlist logs those and carries on with the rest.
    public struct Contents: Sendable, Equatable {
        public var messages: [Message] = []
        public var errors: [DecodeError] = []
        /// Compound parts lost because the packet ended before them.
        public var truncatedParts = 0
    }

    /// Reads a whole UDP payload. Never throws: problems are listed in `errors`.
    public static func decode(_ packet: [UInt8]) -> Contents {
        var contents = Contents()
        var body = packet[...]
        // ingestPacket: a CRC header is only looked for at the start of the packet.
        if body.count >= 5, body[body.startIndex] == MessageType.hasCRC.rawValue {
            let start = body.startIndex
            let expected =
                UInt32(body[start + 1]) << 24 | UInt32(body[start + 2]) << 16
                | UInt32(body[start + 3]) << 8 | UInt32(body[start + 4])
            body = body[(start + 5)...]
            let computed = CRC32.checksum(body)
            guard computed == expected else {
                contents.errors.append(.badChecksum(expected: expected, computed: computed))
                return contents
            }
        }
        // A push/pull is lbsim's stand-in for a TCP stream: only ever a packet of its own.
        if body.first == MessageType.pushPull.rawValue {
            do {
                contents.messages.append(try Message.decodeBody(.pushPull, body.dropFirst()))
            } catch {
                contents.errors.append(.body(.pushPull, error))
            }
            return contents
        }
        command(body, depth: 0, into: &contents)
        return contents
    }

    /// handleCommand: one message, or a compound of them, appended to `contents`.
    private static func command(_ bytes: ArraySlice<UInt8>, depth: Int, into contents: inout Contents) {
        guard let typeByte = bytes.first else {
            contents.errors.append(.empty)
            return
        }
        guard let type = MessageType(rawValue: typeByte) else {
            contents.errors.append(.unknownType(typeByte))
            return
        }
        let body = bytes.dropFirst()
        switch type {
        case .compound:
            guard depth < maximumNesting else {
                contents.errors.append(.tooDeep)
                return
            }
            do {
                let (parts, truncated) = try splitCompound(body)
                contents.truncatedParts += truncated
                for part in parts { command(part, depth: depth + 1, into: &contents) }
            } catch {
                contents.errors.append(error)
            }
        case .pushPull:
            contents.errors.append(.nestedPushPull)
        case .compress:
            // handleCompressed: the message inside is handled like one that came on its own
            // (a compound, typically), one level deeper.
            guard depth < maximumNesting else {
                contents.errors.append(.tooDeep)
                return
            }
            do {
                command(try Compression.unwrap(body: body)[...], depth: depth + 1, into: &contents)
            } catch {
                contents.errors.append(.compression(error))
            }
        case .ping, .indirectPing, .ack, .nack, .suspect, .alive, .dead:
            do {
                contents.messages.append(try Message.decodeBody(type, body))
            } catch {
                contents.errors.append(.body(type, error))
            }
        case .user, .encrypt, .hasCRC, .error:
            contents.errors.append(.unsupported(type))
        }
    }

    /// Decodes one message that is not compound: its type byte, then its body. Throws on
    /// anything else, including trailing compound framing or a CRC header.
    public static func decodeMessage(_ bytes: [UInt8]) throws(DecodeError) -> Message {
        guard let typeByte = bytes.first else { throw .empty }
        guard let type = MessageType(rawValue: typeByte) else { throw .unknownType(typeByte) }
        switch type {
        case .ping, .indirectPing, .ack, .nack, .suspect, .alive, .dead, .pushPull:
            do {
                return try Message.decodeBody(type, bytes.dropFirst())
            } catch {
                throw .body(type, error)
            }
        default:
            throw .unsupported(type)
        }
    }
}

/// CRC-32 with the IEEE polynomial (reflected 0xEDB88320), as Go's `crc32.ChecksumIEEE`.
public enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    public static func checksum<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        // Every packet to a protocol-5 member is summed, on both ends: the table is read
        // without a bounds check per byte (the index is masked to 0...255, the table's size).
        table.withUnsafeBufferPointer { table in
            var crc: UInt32 = 0xFFFF_FFFF
            for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
            return ~crc
        }
    }
}
