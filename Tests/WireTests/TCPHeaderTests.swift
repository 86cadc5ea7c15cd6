import TestSupport
import Testing

@testable import Wire

@Suite("TCPFlags")
struct TCPFlagsTests {
    static let printed: [(TCPFlags, String)] = [
        (.syn, "[S]"),
        ([.syn, .ack], "[S.]"),
        (.ack, "[.]"),
        ([.psh, .ack], "[P.]"),
        ([.fin, .ack], "[F.]"),
        ([.rst, .ack], "[R.]"),
        (.rst, "[R]"),
        ([.syn, .ece, .cwr], "[SEW]"),
        ([], "[none]"),
        (TCPFlags(rawValue: 0xFF), "[FSRP.UEW]"),
    ]

    @Test(arguments: printed)
    func printsLikeTcpdump(flags: TCPFlags, printed: String) {
        #expect(flags.description == printed)
    }

    @Test func bitValues() {
        let expected: [(TCPFlags, UInt8)] = [
            (.fin, 0x01), (.syn, 0x02), (.rst, 0x04), (.psh, 0x08),
            (.ack, 0x10), (.urg, 0x20), (.ece, 0x40), (.cwr, 0x80),
        ]
        for (flag, bit) in expected { #expect(flag.rawValue == bit) }
    }
}

@Suite("TCPHeader")
struct TCPHeaderTests {
    /// A real frame, the TCP header it carries, and the TCP payload.
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var frame: [UInt8]
        var header: TCPHeader
        var payload: [UInt8]
        var source: IPv4Address
        var destination: IPv4Address
        var testDescription: String { name }
        /// The TCP segment: everything after a 20-byte IPv4 header.
        var segment: [UInt8] { Array(frame[34...]) }
    }

    static let synOptions = hex("0204 05b4 0402 080a b435 cb01 0000 0000 0103 030a")

    static let cases: [Case] = [
        Case(
            name: "SYN",
            frame: Captured.tcpSYN,
            header: TCPHeader(
                sourcePort: 44622, destinationPort: 80, sequenceNumber: 503_982_202, acknowledgmentNumber: 0,
                flags: .syn, window: 64240, checksum: 0x3277, urgentPointer: 0, options: synOptions),
            payload: [], source: Captured.ipA, destination: Captured.ipB),
        Case(
            name: "SYN-ACK",
            frame: Captured.tcpSYNACK,
            header: TCPHeader(
                sourcePort: 80, destinationPort: 44622, sequenceNumber: 2_266_909_891,
                acknowledgmentNumber: 503_982_203,
                flags: [.syn, .ack], window: 65160, checksum: 0x9211,
                options: hex("0204 05b4 0402 080a a7a7 2133 b435 cb01 0103 030a")),
            payload: [], source: Captured.ipB, destination: Captured.ipA),
        Case(
            name: "PSH with HTTP request",
            frame: Captured.tcpPSH,
            header: TCPHeader(
                sourcePort: 44622, destinationPort: 80, sequenceNumber: 0x1E0A_287B, acknowledgmentNumber: 0x871E_4CC4,
                flags: [.psh, .ack], window: 63, checksum: 0xE070,
                options: hex("0101 080a b435 cb01 a7a7 2133")),
            payload: Array("GET / HTTP/1.0\r\n\r\n".utf8), source: Captured.ipA, destination: Captured.ipB),
        Case(
            name: "RST",
            frame: Captured.tcpRST,
            header: TCPHeader(
                sourcePort: 80, destinationPort: 44622, sequenceNumber: 0x871E_4CC4, acknowledgmentNumber: 0x1E0A_288E,
                flags: [.rst, .ack], window: 64, checksum: 0xAD8A,
                options: hex("0101 080a a7a7 32bb b435 cb01")),
            payload: [], source: Captured.ipB, destination: Captured.ipA),
    ]

    @Test(arguments: cases)
    func parsesRealHeader(_ c: Case) throws {
        let header = try TCPHeader.parse(c.segment)
        let expected = c.header
        #expect(header.sourcePort == expected.sourcePort)
        #expect(header.destinationPort == expected.destinationPort)
        #expect(header.sequenceNumber == expected.sequenceNumber)
        #expect(header.acknowledgmentNumber == expected.acknowledgmentNumber)
        #expect(header.flags == expected.flags)
        #expect(header.window == expected.window)
        #expect(header.checksum == expected.checksum)
        #expect(header.urgentPointer == expected.urgentPointer)
        #expect(header.options == expected.options)
        #expect(header == expected)
        #expect(header.headerLength == Int(c.segment[12] >> 4) * 4)
        #expect(Array(c.segment[header.headerLength...]) == c.payload)
    }

    @Test(arguments: cases)
    func verifiesRealChecksum(_ c: Case) {
        #expect(TCPHeader.verifyChecksum(source: c.source, destination: c.destination, segment: c.segment))
        // The pseudo header matters: the same bytes to another address fail.
        #expect(
            !TCPHeader.verifyChecksum(source: c.source, destination: IPv4Address(10, 200, 200, 121), segment: c.segment)
        )
    }

    @Test(arguments: cases)
    func emitsRealSegmentByteForByte(_ c: Case) {
        var header = c.header
        header.checksum = 0  // ignored: emit computes it
        var bytes: [UInt8] = [0xEE, 0xEE]
        header.emit(into: &bytes, source: c.source, destination: c.destination, payload: c.payload)
        #expect(Array(bytes.prefix(2)) == [0xEE, 0xEE], "emit appends")
        #expect(Array(bytes[2...]) == c.segment)
    }

    @Test func everySingleBitFlipFailsTheChecksum() {
        let c = Self.cases[2]
        for byte in c.segment.indices {
            for bit in 0..<8 {
                var flipped = c.segment
                flipped[byte] ^= 1 << bit
                #expect(
                    !TCPHeader.verifyChecksum(source: c.source, destination: c.destination, segment: flipped),
                    "byte \(byte) bit \(bit)")
            }
        }
    }

    @Test func randomRoundTrip() throws {
        var rng = SplitMix64(seed: 0x5443_5031)
        for _ in 0..<5_000 {
            var header = TCPHeader(
                sourcePort: rng.u16(), destinationPort: rng.u16(),
                sequenceNumber: rng.u32(), acknowledgmentNumber: rng.u32(),
                flags: TCPFlags(rawValue: rng.u8()), window: rng.u16(), checksum: rng.u16(),
                urgentPointer: rng.u16(), options: rng.bytes(4 * Int.random(in: 0...10, using: &rng)))
            let payload = rng.bytes(Int.random(in: 0...100, using: &rng))
            let source = rng.ipv4()
            let destination = rng.ipv4()
            var segment: [UInt8] = []
            header.emit(into: &segment, source: source, destination: destination, payload: payload)
            #expect(segment.count == header.headerLength + payload.count)
            #expect(TCPHeader.verifyChecksum(source: source, destination: destination, segment: segment))
            let parsed = try TCPHeader.parse(segment)
            header.checksum = parsed.checksum
            #expect(parsed == header)
            #expect(Array(segment[parsed.headerLength...]) == payload)
        }
    }

    @Test func optionsArePaddedToFourBytes() throws {
        let header = TCPHeader(sourcePort: 1, destinationPort: 2, flags: .syn, options: [0x02, 0x04, 0x05, 0xB4, 0x01])
        #expect(header.headerLength == 28)
        var bytes: [UInt8] = []
        header.emit(into: &bytes, source: Captured.ipA, destination: Captured.ipB)
        #expect(bytes.count == 28)
        #expect(bytes[12] == 0x70)
        let parsed = try TCPHeader.parse(bytes)
        #expect(parsed.options == [0x02, 0x04, 0x05, 0xB4, 0x01, 0, 0, 0])
        #expect(TCPHeader.verifyChecksum(source: Captured.ipA, destination: Captured.ipB, segment: bytes))
    }

    /// Every prefix shorter than the header: below 20 bytes the fixed part is missing,
    /// below Data Offset × 4 the options are.
    @Test(arguments: cases)
    func everyTruncationIsRejected(_ c: Case) {
        let headerLength = c.header.headerLength
        for length in 0..<headerLength {
            let needed = length < 20 ? 20 : headerLength
            #expect(throws: WireError.truncated(header: "TCP", needed: needed, available: length)) {
                try TCPHeader.parse(Array(c.segment.prefix(length)))
            }
        }
    }

    @Test(arguments: [UInt8(0), 1, 4])
    func rejectsDataOffsetBelowFive(dataOffset: UInt8) {
        var segment = Self.cases[0].segment
        segment[12] = dataOffset << 4
        #expect(throws: WireError.malformed(header: "TCP", reason: "data offset \(dataOffset), below the minimum of 5"))
        {
            try TCPHeader.parse(segment)
        }
    }

    @Test func printsLikeTcpdump() {
        #expect(Self.cases[0].header.description == "44622 > 80: Flags [S], seq 503982202, win 64240")
        #expect(Self.cases[1].header.description == "80 > 44622: Flags [S.], seq 2266909891, ack 503982203, win 65160")
    }
}
