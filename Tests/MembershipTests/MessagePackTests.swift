import TestSupport
import Testing

@testable import Membership

@Suite("MessagePack")
struct MessagePackTests {
    /// Encodings checked against Python's msgpack 1.2.4 (`packb(..., use_bin_type=False)`,
    /// the old-spec raw strings go-msgpack's default handle writes) and the MessagePack spec.
    static let known: [(MessagePackValue, String)] = [
        (.nil, "c0"),
        (.bool(false), "c2"),
        (.bool(true), "c3"),
        (.uint(0), "00"),
        (.uint(127), "7f"),
        (.uint(128), "cc80"),
        (.uint(255), "ccff"),
        (.uint(256), "cd0100"),
        (.uint(7946), "cd1f0a"),
        (.uint(65536), "ce00010000"),
        (.uint(4_294_967_295), "ceffffffff"),
        (.uint(4_294_967_296), "cf0000000100000000"),
        (.int(0), "00"),
        (.int(3), "03"),
        (.int(-1), "ff"),
        (.int(-32), "e0"),
        (.int(-33), "d0df"),
        (.int(-128), "d080"),
        // go-msgpack writes a positive Go int above 127 in a signed width (no uint8).
        (.int(128), "d10080"),
        (.int(-129), "d1ff7f"),
        (.int(40000), "d200009c40"),
        (.int(-2_147_483_649), "d3ffffffff7fffffff"),
        (.string(""), "a0"),
        (.string("node-a"), "a66e6f64652d61"),
        (.raw([192, 0, 2, 10]), "a4c000020a"),
        (.raw([UInt8](repeating: 0x41, count: 32)), "da0020" + String(repeating: "41", count: 32)),
        (.binary([1, 2]), "c4020102"),
        (.array([]), "90"),
        (.array([.uint(1), .string("a")]), "9201a161"),
        (.map([]), "80"),
        (.map([MessagePackEntry("SeqNo", .uint(1))]), "81a55365714e6f01"),
    ]

    @Test func knownEncodings() {
        for (value, expected) in Self.known {
            #expect(value.encoded == hex(expected), "\(value)")
        }
    }

    @Test func knownEncodingsDecode() throws {
        for (value, bytes) in Self.known {
            var expected = value
            // Signed values 0...127 share the positive fixnum with unsigned ones.
            if case .int(let v) = value, (0...127).contains(v) { expected = .uint(UInt64(v)) }
            #expect(try MessagePackValue.decode(hex(bytes)) == expected, "\(bytes)")
        }
    }

    /// A memberlist ping body as Python's msgpack writes the same map: the keys in
    /// go-msgpack's sorted order, the address as four raw bytes, the port as uint16.
    @Test func pingBodyMatchesAnIndependentEncoder() {
        let body = MessagePackValue.map([
            MessagePackEntry("Node", .string("node-b")),
            MessagePackEntry("SeqNo", .uint(1)),
            MessagePackEntry("SourceAddr", .raw([192, 0, 2, 10])),
            MessagePackEntry("SourceNode", .string("node-a")),
            MessagePackEntry("SourcePort", .uint(7946)),
        ])
        #expect(
            body.encoded
                == hex(
                    """
                    85a44e6f6465a66e6f64652d62a55365714e6f01aa536f7572636541646472a4c000020aaa536f757263654e6f6465a66e6f64
                    652d61aa536f75726365506f7274cd1f0a
                    """))
    }

    @Test func newSpecStringsAndWideContainersDecode() throws {
        #expect(try MessagePackValue.decode(hex("d903616263")) == .raw(Array("abc".utf8)))
        #expect(try MessagePackValue.decode(hex("c500020102")) == .binary([1, 2]))
        #expect(try MessagePackValue.decode(hex("c60000000103")) == .binary([3]))
        #expect(try MessagePackValue.decode(hex("dc00020102")) == .array([.uint(1), .uint(2)]))
        #expect(try MessagePackValue.decode(hex("dd000000010c")) == .array([.uint(12)]))
        #expect(try MessagePackValue.decode(hex("de0001a1610c")) == .map([MessagePackEntry("a", .uint(12))]))
        #expect(try MessagePackValue.decode(hex("df00000001a1610c")) == .map([MessagePackEntry("a", .uint(12))]))
        #expect(try MessagePackValue.decode(hex("d1ff7f")) == .int(-129))
    }

    @Test func seededRoundTrip() throws {
        var rng = SplitMix64(seed: 0x4D50_4B31)
        for _ in 0..<1_000 {
            let value = randomValue(&rng, depth: 0)
            let bytes = value.encoded
            var reader = MessagePackReader(bytes)
            #expect(try reader.next() == normalized(value))
            #expect(reader.remaining == 0)
        }
    }

    /// Every prefix of a valid encoding is rejected as truncated, never misread.
    @Test func everyTruncationIsRejected() {
        var rng = SplitMix64(seed: 0x5452_554E)
        var tested = 0
        while tested < 200 {
            let bytes = randomValue(&rng, depth: 0, large: false).encoded
            guard bytes.count <= 600 else { continue }
            tested += 1
            for length in 0..<bytes.count {
                do {
                    let value = try MessagePackValue.decode(Array(bytes.prefix(length)))
                    Issue.record("prefix \(length) of \(bytes.count) bytes decoded as \(value)")
                } catch {
                    if case .truncated = error { continue }
                    Issue.record("prefix \(length) of \(bytes.count) bytes: \(error)")
                }
            }
        }
    }

    @Test func garbageThrowsOrDecodesButNeverTraps() {
        var rng = SplitMix64(seed: 0x4741_5242)
        var threw = 0
        for _ in 0..<20_000 {
            let count = Int(rng.next() % 64)
            let bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            do {
                var reader = MessagePackReader(bytes)
                while reader.remaining > 0 { _ = try reader.next() }
            } catch {
                threw += 1
            }
        }
        #expect(threw > 1_000)
    }

    @Test func rejectsUnsupportedTypes() {
        for byte: UInt8 in [0xC1, 0xCA, 0xCB, 0xC7, 0xC8, 0xC9, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8] {
            #expect(throws: MessagePackError.unsupported(offset: 0, typeByte: byte)) {
                try MessagePackValue.decode([byte, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
            }
        }
    }

    @Test func rejectsLyingCountsWithoutAllocating() {
        #expect(throws: MessagePackError.truncated(offset: 5, needed: 0xFFFF_FFFF, available: 0)) {
            try MessagePackValue.decode(hex("ddffffffff"))
        }
        #expect(throws: MessagePackError.self) { try MessagePackValue.decode(hex("dfffffffff01")) }
        #expect(throws: MessagePackError.truncated(offset: 5, needed: 0xFFFF_FFFF, available: 1)) {
            try MessagePackValue.decode(hex("dbffffffff41"))
        }
    }

    @Test func rejectsDeepNesting() {
        let bytes = [UInt8](repeating: 0x91, count: 10_000) + [0xC0]
        #expect(throws: MessagePackError.tooDeep(offset: MessagePackReader.maximumDepth)) {
            try MessagePackValue.decode(bytes)
        }
        let shallow = [UInt8](repeating: 0x91, count: MessagePackReader.maximumDepth) + [0xC0]
        #expect(throws: Never.self) { try MessagePackValue.decode(shallow) }
    }

    @Test func rejectsNonStringKeys() {
        #expect(throws: MessagePackError.malformed(offset: 1, reason: "map key is not a string")) {
            try MessagePackValue.decode(hex("810101"))
        }
        #expect(throws: MessagePackError.malformed(offset: 1, reason: "map key is not UTF-8")) {
            try MessagePackValue.decode(hex("81a1ff01"))
        }
    }

    // MARK: - Helpers

    /// A random value; `large` allows a top-level string or byte array of up to 70,000 bytes.
    private func randomValue(_ rng: inout SplitMix64, depth: Int, large: Bool = true) -> MessagePackValue {
        let choice = Int(rng.next() % (depth < 3 ? 10 : 7))
        switch choice {
        case 0: return .nil
        case 1: return .bool(rng.next() & 1 == 1)
        case 2:
            let widths: [UInt64] = [0x7F, 0xFF, 0xFFFF, 0xFFFF_FFFF, .max]
            let width = widths[Int(rng.next() % 5)]
            return .uint(width == .max ? rng.next() : rng.next() % (width + 1))
        case 3:
            let magnitude = Int64(bitPattern: rng.next()) >> Int64(rng.next() % 63)
            return .int(magnitude)
        case 4: return .raw(bytes(&rng, count: lengths(&rng, large: large && depth == 0)))
        case 5: return .binary(bytes(&rng, count: lengths(&rng, large: large && depth == 0)))
        case 6: return .string(String(repeating: "é", count: Int(rng.next() % 20)))
        case 7, 8:
            return .array((0..<Int(rng.next() % 20)).map { _ in randomValue(&rng, depth: depth + 1, large: large) })
        default:
            return .map(
                (0..<Int(rng.next() % 18)).map { index in
                    MessagePackEntry(
                        "k\(index)-\(rng.next() % 1000)", randomValue(&rng, depth: depth + 1, large: large))
                })
        }
    }

    private func lengths(_ rng: inout SplitMix64, large: Bool) -> Int {
        large ? [0, 1, 31, 32, 255, 256, 70_000][Int(rng.next() % 7)] : [0, 1, 31, 32, 40][Int(rng.next() % 5)]
    }

    private func bytes(_ rng: inout SplitMix64, count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    }

    /// What a value reads back as: non-negative signed values come back unsigned when they
    /// fit a positive fixnum.
    private func normalized(_ value: MessagePackValue) -> MessagePackValue {
        switch value {
        case .int(let v) where (0...127).contains(v): return .uint(UInt64(v))
        case .array(let elements): return .array(elements.map(normalized))
        case .map(let entries): return .map(entries.map { MessagePackEntry($0.key, normalized($0.value)) })
        default: return value
        }
    }
}
