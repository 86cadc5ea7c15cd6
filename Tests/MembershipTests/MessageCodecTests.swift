import TestSupport
import Testing
import Wire

@testable import Membership

/// The streaming codec (`Message.encoded`, `Message.decodeBody`, `MessagePackCursor`) against
/// the value-tree one it replaced on the packet path (`MessagePackValue`, `FieldReader`): the
/// same bytes out, and for any bytes in, the same message or the same error.
@Suite("Streaming codec agrees with the value trees")
struct MessageCodecTests {
    static let bodyTypes: [MessageType] = [.ping, .indirectPing, .ack, .nack, .suspect, .alive, .dead, .pushPull]

    // MARK: - Encoding

    @Test func encoderMatchesTheValueTreesOnTheVectors() {
        for (message, _) in MessageTests.known {
            #expect(message.encoded == treeEncoded(message), "\(message.type)")
        }
    }

    @Test func encoderMatchesTheValueTreesOnRandomMessages() {
        var rng = SplitMix64(seed: 0x454E_4344)
        for _ in 0..<3_000 {
            let message = randomMessage(&rng)
            #expect(message.encoded == treeEncoded(message), "\(message)")
        }
    }

    /// A push/pull written straight from a member list is the one its `pushState`s make.
    @Test func pushPullFromTheMemberListMatches() {
        var rng = SplitMix64(seed: 0x5050_4D4C)
        for _ in 0..<300 {
            let members = (0..<Int(rng.next() % 40)).map { index in
                NodeState(
                    name: "m\(index)-" + randomText(&rng),
                    address: IPv4Address(rawValue: UInt32(truncatingIfNeeded: rng.next())),
                    port: UInt16(truncatingIfNeeded: rng.next()), meta: randomBytes(&rng, maximum: 40),
                    incarnation: UInt32(truncatingIfNeeded: rng.next()), state: randomState(&rng),
                    stateChange: Int64(rng.next() % 1_000), vsn: randomVersions(&rng))
            }
            let join = rng.next() & 1 == 1
            let isReply = rng.next() & 1 == 1
            let expected = Message.pushPull(PushPull(join: join, isReply: isReply, nodes: members.map(\.pushState)))
                .encoded
            #expect(
                PushPull.encoded(
                    join: join, isReply: isReply, count: members.count,
                    entries: PushPull.encodedEntries(of: members)) == expected)
        }
    }

    // MARK: - Decoding

    @Test func decoderMatchesTheValueTreesOnEveryPrefixOfTheVectors() {
        for (message, text) in MessageTests.known {
            let body = Array(hex(text).dropFirst())
            #expect(streamingDecode(message.type, body) == .success(message))
            for length in 0...body.count {
                let prefix = Array(body.prefix(length))
                let streamed = streamingDecode(message.type, prefix)
                #expect(
                    streamed == treeDecode(message.type, prefix), "\(message.type), \(length) of \(body.count) bytes")
                if length < body.count, case .success = streamed {
                    Issue.record("\(message.type): a \(length)-byte prefix decoded")
                }
            }
        }
    }

    @Test func randomMessagesRoundTripAndEveryTruncationThrows() {
        var rng = SplitMix64(seed: 0x5254_5250)
        for round in 0..<1_500 {
            let message = randomMessage(&rng)
            let body = Array(message.encoded.dropFirst())
            #expect(streamingDecode(message.type, body) == .success(message))
            // Every prefix of a few of them (the push/pulls are long).
            guard round % 5 == 0 else { continue }
            for length in 0..<body.count {
                let prefix = Array(body.prefix(length))
                let streamed = streamingDecode(message.type, prefix)
                guard case .failure = streamed else {
                    Issue.record("\(message.type): a \(length)-byte prefix of \(body.count) decoded")
                    continue
                }
                #expect(streamed == treeDecode(message.type, prefix))
            }
        }
    }

    /// Real messages with bytes changed, inserted or cut, read as every body type.
    @Test func decoderMatchesTheValueTreesOnDamagedMessages() {
        var rng = SplitMix64(seed: 0x4441_4D47)
        var failures = 0
        for _ in 0..<20_000 {
            var body = Array(randomMessage(&rng, maximumMembers: 3).encoded.dropFirst())
            for _ in 0..<(1 + Int(rng.next() % 3)) where !body.isEmpty {
                let at = Int(rng.next() % UInt64(body.count))
                switch rng.next() % 4 {
                case 0: body.insert(UInt8(truncatingIfNeeded: rng.next()), at: at)
                case 1: body.removeSubrange(at...)
                default: body[at] = interestingByte(&rng)
                }
            }
            let type = Self.bodyTypes[Int(rng.next() % UInt64(Self.bodyTypes.count))]
            let streamed = streamingDecode(type, body)
            if case .failure = streamed { failures += 1 }
            #expect(streamed == treeDecode(type, body), "\(type): \(body)")
        }
        #expect(failures > 5_000)
    }

    /// Bodies go-msgpack would take but memberlist never writes: keys in any order, repeated
    /// or unknown, integers of every width and sign, byte strings as bin or arrays, 16-byte
    /// addresses, nested junk; and wrong kinds of value in every field.
    @Test func decoderMatchesTheValueTreesOnLenientAndWrongFields() {
        var rng = SplitMix64(seed: 0x4C45_4E49)
        let keys: [MessageType: [String]] = [
            .ping: Ping.Field.keys.names, .indirectPing: IndirectPing.Field.keys.names, .ack: Ack.Field.keys.names,
            .nack: Nack.Field.keys.names, .suspect: AccusationField.keys.names, .dead: AccusationField.keys.names,
            .alive: Alive.Field.keys.names, .pushPull: PushPull.HeaderField.keys.names,
        ]
        var successes = 0
        for _ in 0..<30_000 {
            let type = Self.bodyTypes[Int(rng.next() % UInt64(Self.bodyTypes.count))]
            let names = keys[type]! + ["Extra", "nOde", "Seq", "é"]
            var body = randomStruct(&rng, keys: names).encoded
            if type == .pushPull {
                // The header, then member entries (some of them well-formed).
                let members = Int(rng.next() % 3)
                body =
                    MessagePackValue.map([
                        MessagePackEntry("Join", rng.next() & 1 == 1 ? .bool(true) : randomFieldValue(&rng)),
                        MessagePackEntry("Nodes", rng.next() % 4 == 0 ? randomFieldValue(&rng) : .int(Int64(members))),
                        MessagePackEntry("UserStateLen", rng.next() % 4 == 0 ? randomFieldValue(&rng) : .uint(0)),
                    ]).encoded
                for _ in 0..<members {
                    if rng.next() & 1 == 1 {
                        body += randomPushNodeState(&rng).msgpack.encoded
                    } else {
                        body += randomStruct(&rng, keys: PushNodeState.Field.keys.names + ["Other"]).encoded
                    }
                }
            }
            let streamed = streamingDecode(type, body)
            if case .success = streamed { successes += 1 }
            #expect(streamed == treeDecode(type, body), "\(type): \(body)")
        }
        #expect(successes > 1_000)
    }

    @Test func keysMustBeUTF8StringsAsInTheValueTrees() {
        // A map key that is an integer, an array (checked whole first), a map, invalid UTF-8.
        let bodies = ["8101c0", "8192c0c0c0", "8191dc", "8181a161c0c0", "81a2c328c0", "82a44e6f6465a16181c3c0c0"]
        for text in bodies {
            for type in Self.bodyTypes {
                #expect(streamingDecode(type, hex(text)) == treeDecode(type, hex(text)), "\(type) \(text)")
            }
        }
        #expect(
            streamingDecode(.nack, hex("81a2c328c0")) == .failure(.malformed(offset: 1, reason: "map key is not UTF-8"))
        )
    }

    @Test func nestingIsBoundedAsInTheValueTrees() {
        for depth in [30, 31, 32, 33, 1_000] {
            // A field of the ping nested `depth` arrays deep, and an unknown key's value.
            for key in ["Node", "Zzz"] {
                let body =
                    [0x81] + MessagePackValue.string(key).encoded + [UInt8](repeating: 0x91, count: depth) + [0xC0]
                #expect(streamingDecode(.ping, body) == treeDecode(.ping, body), "\(key) at \(depth)")
            }
        }
    }

    // MARK: - The cursor

    /// Skipping a value reads exactly the bytes `MessagePackReader` reads for it, and fails
    /// exactly where it fails.
    @Test func skippingAgreesWithTheReader() {
        var rng = SplitMix64(seed: 0x534B_4950)
        for _ in 0..<5_000 {
            var bytes = randomStruct(&rng, keys: ["a", "b", "é"]).encoded
            if rng.next() % 3 == 0, !bytes.isEmpty {
                bytes[Int(rng.next() % UInt64(bytes.count))] = interestingByte(&rng)
            }
            if rng.next() % 3 == 0 { bytes = Array(bytes.prefix(Int(rng.next() % UInt64(bytes.count + 1)))) }
            var reader = MessagePackReader(bytes)
            let expected: Result<Int, MessagePackError>
            do {
                _ = try reader.next()
                expected = .success(reader.offset)
            } catch {
                expected = .failure(error)
            }
            let skipped = bytes.withUnsafeBufferPointer { buffer -> Result<Int, MessagePackError> in
                var cursor = MessagePackCursor(buffer)
                do throws(MessagePackError) {
                    try cursor.skipValue(depth: 0)
                    return .success(cursor.offset)
                } catch {
                    return .failure(error)
                }
            }
            #expect(skipped == expected, "\(bytes)")
        }
    }

    @Test func fieldTablesNameEveryField() {
        #expect(Ping.Field.keys.names.count == Ping.Field.allCases.count)
        #expect(IndirectPing.Field.keys.names.count == IndirectPing.Field.allCases.count)
        #expect(Ack.Field.keys.names.count == Ack.Field.allCases.count)
        #expect(Nack.Field.keys.names.count == Nack.Field.allCases.count)
        #expect(AccusationField.keys.names.count == AccusationField.allCases.count)
        #expect(Alive.Field.keys.names.count == Alive.Field.allCases.count)
        #expect(PushNodeState.Field.keys.names.count == PushNodeState.Field.allCases.count)
        #expect(PushPull.HeaderField.keys.names.count == PushPull.HeaderField.allCases.count)
        // Sorted as go-msgpack writes them (the decoder looks for the next key first).
        for names in [
            Ping.Field.keys.names, IndirectPing.Field.keys.names, Alive.Field.keys.names,
            PushNodeState.Field.keys.names, PushPull.HeaderField.keys.names,
        ] {
            #expect(names == names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
        }
    }

    // MARK: - The two codecs

    func streamingDecode(_ type: MessageType, _ body: [UInt8]) -> Result<Message, MessagePackError> {
        do {
            return .success(try Message.decodeBody(type, body[...]))
        } catch {
            return .failure(error)
        }
    }

    func treeDecode(_ type: MessageType, _ body: [UInt8]) -> Result<Message, MessagePackError> {
        do {
            if type == .pushPull {
                var reader = MessagePackReader(body)
                return .success(.pushPull(try PushPull(reading: &reader)))
            }
            let value = try MessagePackValue.decode(body)
            switch type {
            case .ping: return .success(.ping(try Ping(msgpack: value)))
            case .indirectPing: return .success(.indirectPing(try IndirectPing(msgpack: value)))
            case .ack: return .success(.ack(try Ack(msgpack: value)))
            case .nack: return .success(.nack(try Nack(msgpack: value)))
            case .suspect: return .success(.suspect(try Suspect(msgpack: value)))
            case .alive: return .success(.alive(try Alive(msgpack: value)))
            case .dead: return .success(.dead(try Dead(msgpack: value)))
            default: preconditionFailure("not a body type: \(type)")
            }
        } catch {
            return .failure(error)
        }
    }

    func treeEncoded(_ message: Message) -> [UInt8] {
        var bytes = [message.type.rawValue]
        switch message {
        case .ping(let m): m.msgpack.encode(into: &bytes)
        case .indirectPing(let m): m.msgpack.encode(into: &bytes)
        case .ack(let m): m.msgpack.encode(into: &bytes)
        case .nack(let m): m.msgpack.encode(into: &bytes)
        case .suspect(let m): m.msgpack.encode(into: &bytes)
        case .alive(let m): m.msgpack.encode(into: &bytes)
        case .dead(let m): m.msgpack.encode(into: &bytes)
        case .pushPull(let m):
            m.header.encode(into: &bytes)
            for node in m.nodes { node.msgpack.encode(into: &bytes) }
        }
        return bytes
    }

    // MARK: - Random input

    func randomMessage(_ rng: inout SplitMix64, maximumMembers: Int = 30) -> Message {
        func address() -> IPv4Address { IPv4Address(rawValue: UInt32(truncatingIfNeeded: rng.next())) }
        func optionalAddress() -> IPv4Address? { rng.next() % 3 == 0 ? nil : address() }
        func seq() -> UInt32 {
            [0, 1, 127, 128, 255, 256, 65535, 65536, .max][Int(rng.next() % 9)] &+ UInt32(rng.next() % 3)
        }
        func port() -> UInt16 { rng.next() % 4 == 0 ? 0 : UInt16(truncatingIfNeeded: rng.next()) }
        switch rng.next() % 8 {
        case 0:
            return .ping(
                Ping(
                    seqNo: seq(), node: randomText(&rng), sourceAddress: optionalAddress(), sourcePort: port(),
                    sourceNode: randomText(&rng)))
        case 1:
            return .indirectPing(
                IndirectPing(
                    seqNo: seq(), target: address(), port: port(), node: randomText(&rng),
                    nack: rng.next() & 1 == 1, sourceAddress: optionalAddress(), sourcePort: port(),
                    sourceNode: randomText(&rng)))
        case 2: return .ack(Ack(seqNo: seq(), payload: randomBytes(&rng, maximum: 300)))
        case 3: return .nack(Nack(seqNo: seq()))
        case 4: return .suspect(Suspect(incarnation: seq(), node: randomText(&rng), from: randomText(&rng)))
        case 5: return .dead(Dead(incarnation: seq(), node: randomText(&rng), from: randomText(&rng)))
        case 6:
            return .alive(
                Alive(
                    incarnation: seq(), node: randomText(&rng), address: address(), port: port(),
                    meta: randomBytes(&rng, maximum: 40), vsn: randomVersions(&rng)))
        default:
            let count = Int(rng.next() % UInt64(maximumMembers + 1))
            return .pushPull(
                PushPull(
                    join: rng.next() & 1 == 1, isReply: rng.next() & 1 == 1,
                    nodes: (0..<count).map { _ in randomPushNodeState(&rng) }))
        }
    }

    func randomPushNodeState(_ rng: inout SplitMix64) -> PushNodeState {
        PushNodeState(
            name: randomText(&rng), address: IPv4Address(rawValue: UInt32(truncatingIfNeeded: rng.next())),
            port: UInt16(truncatingIfNeeded: rng.next()), meta: randomBytes(&rng, maximum: 40),
            incarnation: UInt32(truncatingIfNeeded: rng.next() >> UInt64(rng.next() % 64)),
            state: randomState(&rng), vsn: randomVersions(&rng))
    }

    func randomState(_ rng: inout SplitMix64) -> MemberState {
        [.alive, .suspect, .dead, .left][Int(rng.next() % 4)]
    }

    /// Names of 0 to 40 characters (so both sides of the fixstr limit), some not ASCII.
    func randomText(_ rng: inout SplitMix64) -> String {
        let length = Int(rng.next() % 41)
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789-.é")
        return String((0..<length).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })
    }

    func randomBytes(_ rng: inout SplitMix64, maximum: Int) -> [UInt8] {
        let length = rng.next() % 3 == 0 ? 0 : Int(rng.next() % UInt64(maximum + 1))
        return (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    }

    func randomVersions(_ rng: inout SplitMix64) -> [UInt8] {
        switch rng.next() % 4 {
        case 0, 1: return [1, 5, 2, 0, 0, 0]
        case 2: return []
        default: return randomBytes(&rng, maximum: 8)
        }
    }

    /// A map with some of `keys` (in any order, possibly repeated) holding any kind of value.
    func randomStruct(_ rng: inout SplitMix64, keys: [String]) -> MessagePackValue {
        .map(
            (0..<Int(rng.next() % 9)).map { _ in
                MessagePackEntry(keys[Int(rng.next() % UInt64(keys.count))], randomFieldValue(&rng))
            })
    }

    func randomFieldValue(_ rng: inout SplitMix64, depth: Int = 0) -> MessagePackValue {
        switch rng.next() % 16 {
        case 0: return .nil
        case 1: return .bool(rng.next() & 1 == 1)
        case 2, 3: return .uint(rng.next() >> UInt64(rng.next() % 64))
        case 4: return .int(Int64(bitPattern: rng.next()) >> Int64(rng.next() % 64))
        case 5: return .int(Int64(rng.next() % 300))
        case 6, 7: return .raw(randomBytes(&rng, maximum: 40))
        case 8:
            return .raw(
                [[1, 5, 2, 0, 0, 0], [192, 0, 2, 1], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 10, 0, 0, 1]][
                    Int(rng.next() % 3)])
        case 9: return .binary(randomBytes(&rng, maximum: 20))
        case 10: return .string(randomText(&rng))
        case 11: return .array((0..<Int(rng.next() % 6)).map { _ in .uint(rng.next() % 300) })
        case 12: return .array((0..<Int(rng.next() % 6)).map { _ in .int(Int64(rng.next() % 300) - 20) })
        case 13 where depth < 3:
            return .array((0..<Int(rng.next() % 4)).map { _ in randomFieldValue(&rng, depth: depth + 1) })
        case 14 where depth < 3: return randomStruct(&rng, keys: ["x", "Node", "é"])
        default: return .uint(UInt64(rng.next() % 4))
        }
    }

    /// A byte that means something to MessagePack more often than chance would have it.
    func interestingByte(_ rng: inout SplitMix64) -> UInt8 {
        let special: [UInt8] = [
            0x00, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xC3, 0xC4, 0xC6,
            0xCC, 0xCF, 0xD0, 0xD3, 0xD9, 0xDA, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF, 0xE0, 0xFF,
        ]
        return rng.next() & 1 == 1
            ? special[Int(rng.next() % UInt64(special.count))] : UInt8(truncatingIfNeeded: rng.next())
    }
}
