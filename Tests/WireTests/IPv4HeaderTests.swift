import TestSupport
import Testing

@testable import Wire

@Suite("IPv4Header")
struct IPv4HeaderTests {
    /// A real datagram (starting at the IPv4 header) and the header it must parse to.
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var datagram: [UInt8]
        var header: IPv4Header
        var testDescription: String { name }
    }

    /// The classic example (Wikipedia, "IPv4 header checksum"): UDP from 192.168.0.1 to
    /// 192.168.0.199, total length 115, checksum 0xb861. The 95 data bytes are zeros here.
    static let textbook = hex("4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7") + [UInt8](repeating: 0, count: 95)

    static let cases: [Case] = [
        Case(
            name: "Linux TCP SYN",
            datagram: Array(Captured.tcpSYN[14...]),
            header: IPv4Header(
                differentiatedServices: 0, totalLength: 60, identification: 0x89C9,
                dontFragment: true, moreFragments: false, fragmentOffset: 0, timeToLive: 64,
                protocol: .tcp, headerChecksum: 0x0AB8, source: Captured.ipA, destination: Captured.ipB)),
        Case(
            name: "Linux TCP SYN-ACK",
            datagram: Array(Captured.tcpSYNACK[14...]),
            header: IPv4Header(
                totalLength: 60, identification: 0, dontFragment: true, timeToLive: 64,
                protocol: .tcp, headerChecksum: 0x9481, source: Captured.ipB, destination: Captured.ipA)),
        Case(
            name: "UDP with Record Route",
            datagram: Array(Captured.udpWithOptions[14...]),
            header: IPv4Header(
                totalLength: 45, identification: 0x9602, dontFragment: true, timeToLive: 64,
                protocol: .udp, headerChecksum: 0xF1A4, source: Captured.ipA, destination: Captured.ipB,
                options: hex("070b 080a c8c8 3200 0000 0000"))),
        Case(
            name: "ICMP unreachable, tos 0xc0, options",
            datagram: Array(Captured.icmpUnreachable[14...]),
            header: IPv4Header(
                differentiatedServices: 0xC0, totalLength: 85, identification: 0xD2A4, dontFragment: false,
                timeToLive: 64, protocol: .icmp, headerChecksum: 0xAF57,
                source: Captured.ipB, destination: Captured.ipA,
                options: hex("070b 0c0a c8c8 320a c8c8 7800"))),
        Case(
            name: "textbook 0xb861",
            datagram: textbook,
            header: IPv4Header(
                totalLength: 115, identification: 0, dontFragment: true, timeToLive: 64,
                protocol: .udp, headerChecksum: 0xB861,
                source: IPv4Address(192, 168, 0, 1), destination: IPv4Address(192, 168, 0, 199))),
    ]

    @Test(arguments: cases)
    func parsesRealHeader(_ c: Case) throws {
        let header = try IPv4Header.parse(c.datagram)
        let expected = c.header
        #expect(header.differentiatedServices == expected.differentiatedServices)
        #expect(header.totalLength == expected.totalLength)
        #expect(header.identification == expected.identification)
        #expect(header.reservedFlag == false)
        #expect(header.dontFragment == expected.dontFragment)
        #expect(header.moreFragments == expected.moreFragments)
        #expect(header.fragmentOffset == expected.fragmentOffset)
        #expect(header.timeToLive == expected.timeToLive)
        #expect(header.protocol == expected.protocol)
        #expect(header.headerChecksum == expected.headerChecksum)
        #expect(header.source == expected.source)
        #expect(header.destination == expected.destination)
        #expect(header.options == expected.options)
        #expect(header == expected)
        #expect(header.headerLength == Int(c.datagram[0] & 0x0F) * 4)
        #expect(header.payloadLength == Int(header.totalLength) - header.headerLength)
        #expect(header.verifyChecksum())
        #expect(header.computedChecksum == expected.headerChecksum)
    }

    @Test(arguments: cases)
    func emitsRealHeaderByteForByte(_ c: Case) {
        var header = c.header
        header.headerChecksum = 0x1234  // ignored: emit computes the checksum
        var bytes: [UInt8] = []
        header.emit(into: &bytes)
        #expect(bytes.count == c.header.headerLength)
        #expect(bytes == Array(c.datagram.prefix(c.header.headerLength)))
    }

    @Test func textbookChecksum() throws {
        var header = try IPv4Header.parse(Self.textbook)
        #expect(header.headerChecksum == 0xB861)
        #expect(header.computedChecksum == 0xB861)
        #expect(InternetChecksum.checksum(Array(Self.textbook.prefix(20))) == 0)
        var zeroed = Array(Self.textbook.prefix(20))
        zeroed[10] = 0
        zeroed[11] = 0
        #expect(InternetChecksum.checksum(zeroed) == 0xB861)
        header.headerChecksum = 0xB862
        #expect(!header.verifyChecksum())
    }

    /// The datagram quoted inside the ICMP error: the receiving host wrote its own address
    /// into the Record Route option before quoting it, without redoing the checksum, so
    /// tcpdump reports "bad cksum f1a4 (->acd1)". A real bad checksum.
    @Test func quotedDatagramHasRealBadChecksum() throws {
        let quoted = Array(Captured.icmpUnreachable[(14 + 32 + 8)...])
        let header = try IPv4Header.parse(quoted)
        #expect(header.headerChecksum == 0xF1A4)
        #expect(!header.verifyChecksum())
        #expect(header.computedChecksum == 0xACD1)
    }

    @Test func everySingleBitFlipFailsTheChecksum() throws {
        let datagram = Array(Captured.udpWithOptions[14...])
        // Bytes 4..<32: identification through options, where a flip still parses.
        for byte in 4..<32 {
            for bit in 0..<8 {
                var flipped = datagram
                flipped[byte] ^= 1 << bit
                let header = try IPv4Header.parse(flipped)
                #expect(!header.verifyChecksum(), "byte \(byte) bit \(bit)")
            }
        }
    }

    @Test func reservedFlagIsKept() throws {
        var header = Self.cases[0].header
        header.reservedFlag = true
        var bytes: [UInt8] = []
        header.emit(into: &bytes)
        bytes += [UInt8](repeating: 0, count: 40)
        #expect(bytes[6] == 0xC0)
        let parsed = try IPv4Header.parse(bytes)
        #expect(parsed.reservedFlag)
        #expect(parsed.verifyChecksum())
    }

    @Test func ethernetPaddingAfterTotalLengthIsAllowed() throws {
        let padded = Array(Captured.udpWithOptions[14...]) + [0, 0, 0, 0, 0, 0]
        let header = try IPv4Header.parse(padded)
        #expect(header.totalLength == 45)
        #expect(header.payloadLength == 13)
    }

    @Test func randomRoundTrip() throws {
        var rng = SplitMix64(seed: 0x4950_7634_4844)
        for _ in 0..<5_000 {
            let options = rng.bytes(4 * Int.random(in: 0...10, using: &rng))
            let payload = rng.bytes(Int.random(in: 0...64, using: &rng))
            var header = IPv4Header(
                differentiatedServices: rng.u8(),
                totalLength: UInt16(20 + options.count + payload.count),
                identification: rng.u16(),
                reservedFlag: rng.bool(),
                dontFragment: rng.bool(),
                moreFragments: rng.bool(),
                fragmentOffset: UInt16.random(in: 0...0x1FFF, using: &rng),
                timeToLive: rng.u8(),
                protocol: IPProtocol(rawValue: rng.u8()),
                headerChecksum: rng.u16(),
                source: rng.ipv4(),
                destination: rng.ipv4(),
                options: options)
            var bytes: [UInt8] = []
            header.emit(into: &bytes)
            #expect(bytes.count == header.headerLength)
            bytes += payload
            let parsed = try IPv4Header.parse(bytes)
            #expect(parsed.verifyChecksum())
            #expect(InternetChecksum.checksum(Array(bytes.prefix(header.headerLength))) == 0)
            header.headerChecksum = parsed.headerChecksum
            #expect(parsed == header)
        }
    }

    @Test func optionsArePaddedToFourBytes() throws {
        let header = IPv4Header(
            totalLength: 24, protocol: .udp, source: Captured.ipA, destination: Captured.ipB, options: [0x94, 0x04])
        #expect(header.headerLength == 24)
        var bytes: [UInt8] = []
        header.emit(into: &bytes)
        #expect(bytes.count == 24)
        #expect(bytes[0] == 0x46)
        #expect(Array(bytes[20...]) == [0x94, 0x04, 0x00, 0x00])
        let parsed = try IPv4Header.parse(bytes)
        #expect(parsed.options == [0x94, 0x04, 0x00, 0x00])
        #expect(parsed.verifyChecksum())
        // The checksum computed from the unpadded options matches the padded bytes.
        #expect(parsed.headerChecksum == header.computedChecksum)
    }

    /// Every prefix shorter than Total Length is truncated: below 20 bytes the fixed header
    /// is missing, below IHL × 4 the options are, below Total Length the data is.
    @Test(arguments: cases)
    func everyTruncationIsRejected(_ c: Case) {
        let headerLength = c.header.headerLength
        let totalLength = Int(c.header.totalLength)
        for length in 0..<totalLength {
            let needed = length < 20 ? 20 : length < headerLength ? headerLength : totalLength
            #expect(throws: WireError.truncated(header: "IPv4", needed: needed, available: length)) {
                try IPv4Header.parse(Array(c.datagram.prefix(length)))
            }
        }
    }

    @Test(arguments: [
        (UInt8(0x44), "IHL 4"), (0x40, "IHL 0"), (0x65, "version 6"), (0x05, "version 0"), (0xF5, "version 15"),
    ])
    func rejectsBadVersionAndIHL(firstByte: UInt8, what: String) {
        var datagram = Array(Captured.tcpSYN[14...])
        datagram[0] = firstByte
        let error = #expect(throws: WireError.self, "\(what)") { try IPv4Header.parse(datagram) }
        #expect(isMalformed(error), "\(what): \(String(describing: error))")
    }

    /// Case 0 has a 20-byte header; case 2, the UDP datagram with Record Route, has 32.
    @Test(arguments: [(0, UInt16(19)), (0, 0), (2, 31), (2, 20)])
    func rejectsTotalLengthShorterThanHeader(caseIndex: Int, totalLength: UInt16) {
        var datagram = Self.cases[caseIndex].datagram
        datagram[2] = UInt8(totalLength >> 8)
        datagram[3] = UInt8(totalLength & 0xFF)
        let error = #expect(throws: WireError.self) { try IPv4Header.parse(datagram) }
        #expect(isMalformed(error), "\(String(describing: error))")
    }

    @Test func protocolNames() {
        #expect(IPProtocol.tcp.rawValue == 6)
        #expect(IPProtocol.udp.rawValue == 17)
        #expect(IPProtocol.icmpv6.rawValue == 58)
        #expect(IPProtocol.tcp.description == "TCP")
        #expect(IPProtocol.udp.description == "UDP")
        #expect(IPProtocol.icmp.description == "ICMP")
        #expect(IPProtocol.icmpv6.description == "ICMPv6")
        #expect(IPProtocol(rawValue: 132).description == "132")
    }

    @Test func printsLikeTcpdump() {
        #expect(Self.cases[0].header.description == "10.200.200.50 > 10.200.200.120: TCP, ttl 64, id 35273, length 60")
    }
}
