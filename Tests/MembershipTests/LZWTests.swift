import TestSupport
import Testing
import Wire

@testable import Membership

/// Go's compress/lzw as memberlist uses it, and the compress message around it.
///
/// The vectors were made by the real Go code: Tests/MemberlistPeer/vectors/main.go, run once
/// with Debian's Go 1.19 and hashicorp/go-msgpack (`GOPATH=/usr/share/gocode GO111MODULE=off
/// go run ./Tests/MemberlistPeer/vectors`), its output pasted here.
@Suite("LZW and compress messages")
struct LZWTests {
    static let small = Array("memberlist memberlist memberlist: TOBEORNOTTOBEORTOBEORNOT, lbsim lbsim lbsim".utf8)
    static let smallLZW = hex(
        """
        00db946923a68c1c3669e6d0012190a041840a190e2c7830211d1d20a83c1152e48914274fa868e4e87164c78f2159806023664e9a36
        2b5bbe8ce9b24d40
        """)
    static let smallCompressMessage = hex(
        """
        0982a4416c676f00a3427566da003e00db946923a68c1c3669e6d0012190a041840a190e2c7830211d1d20a83c1152e48914274fa868
        e4e87164c78f2159806023664e9a362b5bbe8ce9b24d40
        """)

    /// The generator Tests/MemberlistPeer/vectors uses: a linear congruential generator, each byte from the
    /// state's top bits, over `alphabet` letters from "a" (256: any byte).
    static func generated(_ count: Int, alphabet: UInt32) -> [UInt8] {
        var state: UInt32 = 1
        return (0..<count).map { _ in
            state = state &* 1_664_525 &+ 1_013_904_223
            return alphabet == 256 ? UInt8(state >> 24) : UInt8(97 + (state >> 24) % alphabet)
        }
    }

    @Test func encodesAsGoDoes() {
        #expect(LZW.encode([]) == [0x00, 0x03, 0x02])
        #expect(LZW.encode(Self.small) == Self.smallLZW)
    }

    /// Long inputs: the codes widen to 12 bits and the table fills and starts over (several
    /// times for the random bytes). Go's output is pinned by length and CRC-32.
    @Test(arguments: [(30000, UInt32(6), 11717, UInt32(0xC5FD_CFEF)), (12000, 256, 16353, 0xAA80_6213)])
    func longInputsMatchGo(count: Int, alphabet: UInt32, length: Int, crc: UInt32) throws {
        let input = Self.generated(count, alphabet: alphabet)
        let encoded = LZW.encode(input)
        #expect(encoded.count == length)
        #expect(CRC32.checksum(encoded) == crc)
        #expect(try LZW.decode(encoded) == input)
    }

    @Test func decodesGosBytes() throws {
        #expect(try LZW.decode([0x00, 0x03, 0x02]) == [])
        #expect(try LZW.decode(Self.smallLZW) == Self.small)
    }

    @Test func roundTripsRandomInputs() throws {
        var rng = SplitMix64(seed: 9)
        for _ in 0..<200 {
            let count = Int(rng.next() % 6000)
            let alphabet = [2, 5, 40, 256][Int(rng.next() % 4)]
            let input = (0..<count).map { _ in UInt8(rng.next() % UInt64(alphabet)) }
            #expect(try LZW.decode(LZW.encode(input)) == input)
        }
    }

    @Test func refusesBrokenInput() {
        // Cut before the end code.
        #expect(throws: LZW.DecodeError.missingEnd) { try LZW.decode(Array(Self.smallLZW.dropLast(3))) }
        // A first code past anything defined (9 bits of 0x1FF after the clear code).
        #expect(throws: LZW.DecodeError.invalidCode(511)) { try LZW.decode([0x00, 0xFF, 0x03]) }
        #expect(throws: LZW.DecodeError.tooLarge(limit: 10)) { try LZW.decode(Self.smallLZW, limit: 10) }
    }

    @Test func wrapsAsCompressPayloadDoes() throws {
        #expect(Compression.wrap(Self.small) == Self.smallCompressMessage)
        #expect(try Compression.unwrap(body: Self.smallCompressMessage.dropFirst()) == Self.small)
    }

    /// rawSendMsgPacket keeps the compressed form only when it is shorter.
    @Test func wrapsOnlyWhenSmaller() {
        let ack = Message.ack(Ack(seqNo: 7)).encoded
        #expect(Compression.wrapIfSmaller(ack) == ack)
        let repetitive = Packet.compound(
            Array(
                repeating: Message.suspect(Suspect(incarnation: 3, node: "node-c", from: "node-a")).encoded,
                count: 20))
        let wrapped = Compression.wrapIfSmaller(repetitive)
        #expect(wrapped.first == MessageType.compress.rawValue && wrapped.count < repetitive.count)
    }

    /// A compressed packet (behind a CRC, as memberlist sends to protocol-5 members) is read
    /// like the packet inside it.
    @Test func packetsDecompressOnReceipt() {
        let messages: [Message] = [
            .alive(
                Alive(
                    incarnation: 1, node: "node-a", address: MessageTests.a, port: 7946,
                    vsn: [1, 5, 2, 0, 0, 0])),
            .suspect(Suspect(incarnation: 2, node: "node-c", from: "node-a")),
        ]
        let packet = Packet.withCRC(Compression.wrap(Packet.compound(messages.map(\.encoded))))
        let contents = Packet.decode(packet)
        #expect(contents.errors.isEmpty)
        #expect(contents.messages == messages)
        let broken = Packet.decode(
            [MessageType.compress.rawValue, 0x82, 0xA4] + Array("Algo".utf8) + [0x01, 0xA3] + Array("Buf".utf8) + [0xC0]
        )
        #expect(broken.errors == [.compression(.unknownAlgorithm(1))])
    }

    /// Compression stays off unless configured, so the simulator's bytes do not change.
    @Test func compressionIsOffByDefault() {
        #expect(MembershipConfig.lan.enableCompression == false)
        #expect(MembershipConfig().enableCompression == false)
        #expect(MembershipConfig.liveLAN.enableCompression == true)
        #expect(MembershipConfig.liveLAN == MembershipConfig(enableCompression: true))
    }
}
