import TestSupport
import Testing
import Wire

@testable import Membership

@Suite("Messages and packets")
struct MessageTests {
    static let a = IPv4Address(192, 0, 2, 10)
    static let c = IPv4Address(192, 0, 2, 30)

    /// Each message as memberlist sends it: the type byte (net.go's numbering), then the
    /// struct as go-msgpack writes it (keys sorted, old-spec raw strings and byte slices,
    /// nil for an empty slice). The bodies were cross-checked with Python's msgpack
    /// (`use_bin_type=False`), an encoder independent of this one.
    static let known: [(Message, String)] = [
        (
            .ping(Ping(seqNo: 1, node: "node-b", sourceAddress: a, sourcePort: 7946, sourceNode: "node-a")),
            """
            0085a44e6f6465a66e6f64652d62a55365714e6f01aa536f7572636541646472a4c000020aaa536f757263654e6f6465a66e6f64
            652d61aa536f75726365506f7274cd1f0a
            """
        ),
        (
            .alive(Alive(incarnation: 1, node: "node-a", address: a, port: 7946, vsn: [1, 5, 2, 0, 0, 0])),
            """
            0486a441646472a4c000020aab496e6361726e6174696f6e01a44d657461c0a44e6f6465a66e6f64652d61a4506f7274cd1f0a
            a356736ea6010502000000
            """
        ),
        (
            .indirectPing(
                IndirectPing(
                    seqNo: 300, target: c, port: 7946, node: "node-c", nack: true,
                    sourceAddress: a, sourcePort: 7946, sourceNode: "node-a")),
            """
            0188a44e61636bc3a44e6f6465a66e6f64652d63a4506f7274cd1f0aa55365714e6fcd012caa536f7572636541646472a4c000020a
            aa536f757263654e6f6465a66e6f64652d61aa536f75726365506f7274cd1f0aa6546172676574a4c000021e
            """
        ),
        (.ack(Ack(seqNo: 70000)), "0282a75061796c6f6164c0a55365714e6fce00011170"),
        (.nack(Nack(seqNo: 5)), "0b81a55365714e6f05"),
        (
            .suspect(Suspect(incarnation: 2, node: "node-c", from: "node-a")),
            "0383a446726f6da66e6f64652d61ab496e6361726e6174696f6e02a44e6f6465a66e6f64652d63"
        ),
        (
            .dead(Dead(incarnation: 7, node: "node-c", from: "node-c")),
            "0583a446726f6da66e6f64652d63ab496e6361726e6174696f6e07a44e6f6465a66e6f64652d63"
        ),
        (
            .pushPull(
                PushPull(
                    join: true, isReply: false,
                    nodes: [
                        PushNodeState(
                            name: "node-a", address: a, port: 7946, incarnation: 1, state: .alive,
                            vsn: [1, 5, 2, 0, 0, 0])
                    ])),
            """
            0683a44a6f696ec3a54e6f64657301ac5573657253746174654c656e0087a441646472a4c000020aab496e6361726e6174696f6e01
            a44d657461c0a44e616d65a66e6f64652d61a4506f7274cd1f0aa5537461746500a356736ea6010502000000
            """
        ),
    ]

    @Test func encodesAsMemberlist() {
        for (message, expected) in Self.known {
            #expect(message.encoded == hex(expected), "\(message.type)")
        }
    }

    @Test func decodesWhatItEncodes() throws {
        for (message, bytes) in Self.known {
            #expect(try Packet.decodeMessage(hex(bytes)) == message, "\(message.type)")
        }
    }

    @Test func messageTypesAreMemberlists() {
        let numbers: [(MessageType, UInt8)] = [
            (.ping, 0), (.indirectPing, 1), (.ack, 2), (.suspect, 3), (.alive, 4), (.dead, 5), (.pushPull, 6),
            (.compound, 7), (.user, 8), (.compress, 9), (.encrypt, 10), (.nack, 11), (.hasCRC, 12), (.error, 13),
        ]
        for (type, number) in numbers { #expect(type.rawValue == number, "\(type)") }
    }

    @Test func decodingIsLenientLikeGo() throws {
        // Keys in any order, unknown keys skipped, missing ones zero, a 16-byte IPv4 address.
        let body = MessagePackValue.map([
            MessagePackEntry("Extra", .array([.nil])),
            MessagePackEntry("SeqNo", .int(9)),
            MessagePackEntry("SourceAddr", .binary([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 192, 0, 2, 10])),
        ])
        let decoded = try Packet.decodeMessage([0] + body.encoded)
        #expect(decoded == .ping(Ping(seqNo: 9, node: "", sourceAddress: Self.a)))
    }

    @Test func badFieldsThrow() {
        let cases: [(MessagePackValue, String)] = [
            (.map([MessagePackEntry("SeqNo", .int(-1))]), "SeqNo"),
            (.map([MessagePackEntry("SeqNo", .uint(1 << 32))]), "SeqNo"),
            (.map([MessagePackEntry("Node", .uint(1))]), "Node"),
            (.map([MessagePackEntry("SourceAddr", .raw([1, 2, 3]))]), "SourceAddr"),
        ]
        for (body, field) in cases {
            #expect {
                try Packet.decodeMessage([0] + body.encoded)
            } throws: { error in
                guard case .body(.ping, .badField(_, let name, _))? = error as? Packet.DecodeError else { return false }
                return name == field
            }
        }
        #expect(throws: Packet.DecodeError.self) { try Packet.decodeMessage([0] + MessagePackValue.array([]).encoded) }
        #expect(throws: Packet.DecodeError.self) {
            try Packet.decodeMessage([4] + MessagePackValue.map([MessagePackEntry("Node", .string("x"))]).encoded)
        }
    }

    @Test func everyTruncatedMessageThrows() {
        for (_, text) in Self.known {
            let bytes = hex(text)
            for length in 0..<bytes.count {
                #expect(throws: Packet.DecodeError.self) { try Packet.decodeMessage(Array(bytes.prefix(length))) }
            }
        }
    }

    @Test func unknownAndUnsupportedTypes() {
        #expect(throws: Packet.DecodeError.empty) { try Packet.decodeMessage([]) }
        #expect(throws: Packet.DecodeError.unknownType(14)) { try Packet.decodeMessage([14, 0x80]) }
        #expect(throws: Packet.DecodeError.unsupported(.compress)) { try Packet.decodeMessage([9, 0x80]) }
        #expect(Packet.decode([8, 1, 2]).errors == [.unsupported(.user)])
        #expect(Packet.decode([244, 1]).errors == [.unknownType(244)])
    }

    // MARK: - Compound and CRC

    @Test func compoundLayout() {
        let parts: [[UInt8]] = [[0xAA], [0xBB, 0xCC], []]
        #expect(Packet.compound(parts) == [7, 3, 0, 1, 0, 2, 0, 0, 0xAA, 0xBB, 0xCC])
        let many = (0..<300).map { [UInt8(truncatingIfNeeded: $0)] }
        let compounds = Packet.compounds(many)
        #expect(compounds.count == 2)
        #expect(compounds[0][1] == 255 && compounds[1][1] == 45)
    }

    @Test func compoundDecodesEveryPartInOrder() {
        let messages: [Message] = Self.known.map(\.0).filter { $0.type != .pushPull }
        let packet = Packet.compound(messages.map(\.encoded))
        let contents = Packet.decode(packet)
        #expect(contents.messages == messages)
        #expect(contents.errors.isEmpty)
        #expect(contents.truncatedParts == 0)
    }

    /// memberlist handles the parts that arrived whole and counts the rest as truncated.
    @Test func truncatedCompoundKeepsTheWholeParts() {
        let first = Message.nack(Nack(seqNo: 1)).encoded
        let second = Message.nack(Nack(seqNo: 2)).encoded
        let packet = Packet.compound([first, second])
        let contents = Packet.decode(Array(packet.dropLast()))
        #expect(contents.messages == [.nack(Nack(seqNo: 1))])
        #expect(contents.truncatedParts == 1)
        #expect(Packet.decode([7]).errors == [.truncatedCompound(needed: 1, available: 0)])
        #expect(Packet.decode([7, 2, 0]).errors == [.truncatedCompound(needed: 5, available: 2)])
    }

    @Test func oneBadPartDoesNotSpoilTheOthers() {
        let good = Message.nack(Nack(seqNo: 1)).encoded
        let contents = Packet.decode(Packet.compound([[0, 0xC1], good, [99]]))
        #expect(contents.messages == [.nack(Nack(seqNo: 1))])
        #expect(contents.errors.count == 2)
    }

    @Test func crcIsIEEE() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([UInt8]()) == 0)
    }

    @Test func crcWrappedPacketsAreCheckedAndUnwrapped() {
        let inner = Packet.compound([Message.nack(Nack(seqNo: 1)).encoded, Message.ack(Ack(seqNo: 2)).encoded])
        let wrapped = Packet.withCRC(inner)
        #expect(wrapped[0] == 12)
        #expect(Array(wrapped[5...]) == inner)
        #expect(Packet.decode(wrapped).messages == [.nack(Nack(seqNo: 1)), .ack(Ack(seqNo: 2))])
        var corrupted = wrapped
        corrupted[corrupted.count - 1] ^= 1
        let contents = Packet.decode(corrupted)
        #expect(contents.messages.isEmpty)
        guard case .badChecksum? = contents.errors.first else {
            Issue.record("expected a checksum error, got \(contents.errors)")
            return
        }
        // A CRC header inside a compound is not looked for (memberlist's handleCommand).
        #expect(Packet.decode(Packet.compound([wrapped])).errors == [.unsupported(.hasCRC)])
    }

    @Test func pushPullOnlyStandsAlone() {
        let exchange = Message.pushPull(PushPull(join: false, isReply: true, nodes: []))
        #expect(Packet.decode(exchange.encoded).messages == [exchange])
        #expect(Packet.decode(Packet.compound([exchange.encoded])).errors == [.nestedPushPull])
        // The Reply key is lbsim's own; a request leaves it out.
        let request = Message.pushPull(PushPull(join: false, isReply: false, nodes: [])).encoded
        #expect(!request.containsSubsequence(Array("Reply".utf8)))
        #expect(exchange.encoded.containsSubsequence(Array("Reply".utf8)))
    }

    @Test func nestingIsBounded() {
        var packet = Message.nack(Nack(seqNo: 1)).encoded
        for _ in 0..<Packet.maximumNesting { packet = Packet.compound([packet]) }
        #expect(Packet.decode(packet).messages == [.nack(Nack(seqNo: 1))])
        packet = Packet.compound([packet])
        #expect(Packet.decode(packet).errors == [.tooDeep])
        // 10,000 properly framed layers: each compound's one part is the rest of the packet.
        let inner = Message.nack(Nack(seqNo: 1)).encoded
        let layers = 10_000
        var deep: [UInt8] = []
        for layer in 0..<layers {
            let partLength = 4 * (layers - layer - 1) + inner.count
            deep += [7, 1, UInt8(partLength >> 8), UInt8(partLength & 0xFF)]
        }
        deep += inner
        #expect(Packet.decode(deep).errors == [.tooDeep])
    }

    @Test func garbagePacketsNeverTrap() {
        var rng = SplitMix64(seed: 0x504B_5447)
        var seeds = Self.known.map { hex($0.1) }
        seeds.append(Packet.withCRC(Packet.compound(seeds.dropLast())))
        for round in 0..<20_000 {
            var bytes = seeds[round % seeds.count]
            // Flip, cut or splice a few bytes of a real packet, or make one up.
            switch rng.next() % 4 {
            case 0: bytes = (0..<Int(rng.next() % 80)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            case 1: bytes = Array(bytes.prefix(Int(rng.next() % UInt64(bytes.count + 1))))
            default:
                for _ in 0..<(1 + Int(rng.next() % 4)) where !bytes.isEmpty {
                    bytes[Int(rng.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: rng.next())
                }
            }
            _ = Packet.decode(bytes)
            _ = try? Packet.decodeMessage(bytes)
        }
    }

    @Test func memberlistDropsGarbageWithAReason() {
        var node = Memberlist(name: "node-a", address: Self.a, generator: SplitMix64(seed: 1), now: 0)
        _ = node.tick(now: 0)
        let output = node.receive([0x07, 0x09, 0x00], from: Self.c, port: 7946, now: 5)
        #expect(output.datagrams.isEmpty)
        #expect(output.discarded.count == 1)
        #expect(output.discarded.first?.contains("compound") == true)
    }
}

extension Array where Element: Equatable {
    func containsSubsequence(_ needle: [Element]) -> Bool {
        guard needle.count <= count else { return false }
        return (0...(count - needle.count)).contains { Array(self[$0..<$0 + needle.count]) == needle }
    }
}
