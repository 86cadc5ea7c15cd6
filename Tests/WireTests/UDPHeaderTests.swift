import Foundation
import TestSupport
import Testing

@testable import Wire

/// UDP datagrams captured with tcpdump on the receiving end of a veth pair between two
/// network namespaces: host A 52:54:00:12:34:56 / 192.0.2.10, host B 52:54:00:ab:cd:ef /
/// 192.0.2.20, both bound to port 7946 (memberlist's). Transmit checksum offload was switched
/// off on both ends (the ETHTOOL_STXCSUM ioctl), so the checksums are final, and
/// `tcpdump -vv` reported "[udp sum ok]" for both. veth does not pad, so neither is 60 bytes.
enum CapturedUDP {
    /// `192.0.2.10.7946 > 192.0.2.20.7946: [udp sum ok] UDP, length 23`, payload
    /// `ping from lbsim node-a!` (odd length), IPv4 id 11880 (0x2e68), DF, ttl 64,
    /// header checksum 0x8833, UDP checksum 0xf093.
    static let ping = hex(
        """
        5254 00ab cdef 5254 0012 3456 0800 4500
        0033 2e68 4000 4011 8833 c000 020a c000
        0214 1f0a 1f0a 001f f093 7069 6e67 2066
        726f 6d20 6c62 7369 6d20 6e6f 6465 2d61
        21
        """)
    /// The answer: `192.0.2.20.7946 > 192.0.2.10.7946: [udp sum ok] UDP, length 21`,
    /// payload `ack from lbsim node-b`, IPv4 id 4665 (0x1239), UDP checksum 0x57d0.
    static let ack = hex(
        """
        5254 0012 3456 5254 00ab cdef 0800 4500
        0031 1239 4000 4011 a464 c000 0214 c000
        020a 1f0a 1f0a 001d 57d0 6163 6b20 6672
        6f6d 206c 6273 696d 206e 6f64 652d 62
        """)

    static let macA = MACAddress(0x52, 0x54, 0x00, 0x12, 0x34, 0x56)
    static let macB = MACAddress(0x52, 0x54, 0x00, 0xab, 0xcd, 0xef)
    static let ipA = IPv4Address(192, 0, 2, 10)
    static let ipB = IPv4Address(192, 0, 2, 20)
}

@Suite("UDPHeader")
struct UDPHeaderTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var frame: [UInt8]
        var header: UDPHeader
        var payload: String
        var identification: UInt16
        var source: (mac: MACAddress, ip: IPv4Address)
        var destination: (mac: MACAddress, ip: IPv4Address)
        var testDescription: String { name }
        /// The UDP datagram: everything after the 20-byte IPv4 header.
        var datagram: [UInt8] { Array(frame[34...]) }
    }

    static let cases: [Case] = [
        Case(
            name: "ping A to B",
            frame: CapturedUDP.ping,
            header: UDPHeader(sourcePort: 7946, destinationPort: 7946, length: 31, checksum: 0xF093),
            payload: "ping from lbsim node-a!", identification: 0x2E68,
            source: (CapturedUDP.macA, CapturedUDP.ipA), destination: (CapturedUDP.macB, CapturedUDP.ipB)),
        Case(
            name: "ack B to A",
            frame: CapturedUDP.ack,
            header: UDPHeader(sourcePort: 7946, destinationPort: 7946, length: 29, checksum: 0x57D0),
            payload: "ack from lbsim node-b", identification: 0x1239,
            source: (CapturedUDP.macB, CapturedUDP.ipB), destination: (CapturedUDP.macA, CapturedUDP.ipA)),
    ]

    @Test(arguments: cases)
    func parsesRealHeader(_ c: Case) throws {
        let header = try UDPHeader.parse(c.datagram)
        #expect(header.sourcePort == c.header.sourcePort)
        #expect(header.destinationPort == c.header.destinationPort)
        #expect(header.length == c.header.length)
        #expect(header.checksum == c.header.checksum)
        #expect(header == c.header)
        #expect(header.payloadLength == c.payload.utf8.count)
        #expect(Array(c.datagram[UDPHeader.length...]) == Array(c.payload.utf8))
        #expect(header.description == "7946 > 7946: UDP, length \(c.payload.utf8.count)")
    }

    @Test(arguments: cases)
    func verifiesRealChecksum(_ c: Case) {
        #expect(UDPHeader.verifyChecksum(source: c.source.ip, destination: c.destination.ip, datagram: c.datagram))
        // The pseudo header counts: the same bytes addressed elsewhere fail.
        #expect(
            !UDPHeader.verifyChecksum(
                source: c.source.ip, destination: IPv4Address(192, 0, 2, 21), datagram: c.datagram))
        // Ethernet padding after the datagram is not covered.
        #expect(
            UDPHeader.verifyChecksum(
                source: c.source.ip, destination: c.destination.ip, datagram: c.datagram + [0, 0, 0, 7]))
    }

    @Test(arguments: cases)
    func emitsRealDatagramByteForByte(_ c: Case) {
        var bytes: [UInt8] = [0xEE]
        UDPHeader(sourcePort: 7946, destinationPort: 7946, length: 0, checksum: 0x1234)
            .emit(into: &bytes, source: c.source.ip, destination: c.destination.ip, payload: Array(c.payload.utf8))
        #expect(bytes.first == 0xEE, "emit appends")
        #expect(Array(bytes.dropFirst()) == c.datagram)
    }

    @Test(arguments: cases)
    func builderMakesTheCapturedFrame(_ c: Case) {
        let frame = EthernetFrame.ipv4UDP(
            destination: c.destination.mac, source: c.source.mac,
            ipSource: c.source.ip, ipDestination: c.destination.ip, identification: c.identification,
            sourcePort: 7946, destinationPort: 7946, payload: Array(c.payload.utf8))
        #expect(frame == c.frame)
    }

    @Test func everySingleBitFlipFailsTheChecksum() {
        let c = Self.cases[0]
        for byte in c.datagram.indices where byte != 4 && byte != 5 {
            for bit in 0..<8 {
                var flipped = c.datagram
                flipped[byte] ^= 1 << bit
                if byte == 6 || byte == 7, flipped[6] == 0, flipped[7] == 0 { continue }
                #expect(
                    !UDPHeader.verifyChecksum(source: c.source.ip, destination: c.destination.ip, datagram: flipped),
                    "byte \(byte) bit \(bit)")
            }
        }
    }

    @Test func zeroChecksumFieldMeansNoneAndDoesNotVerify() {
        var datagram = Self.cases[0].datagram
        datagram[6] = 0
        datagram[7] = 0
        #expect(!UDPHeader.verifyChecksum(source: CapturedUDP.ipA, destination: CapturedUDP.ipB, datagram: datagram))
    }

    /// RFC 768: a computed checksum of zero is transmitted as all ones. Pick the payload word
    /// that makes the sum come out to zero, and check the emitted field and that it verifies.
    @Test func computedZeroIsSentAsAllOnes() throws {
        let header = UDPHeader(sourcePort: 40000, destinationPort: 7946)
        var probe: [UInt8] = []
        header.emit(into: &probe, source: CapturedUDP.ipA, destination: CapturedUDP.ipB, payload: [0, 0])
        let withZeroPayload = UInt16(probe[6]) << 8 | UInt16(probe[7])
        let word = withZeroPayload == 0xFFFF ? 0 : withZeroPayload
        var bytes: [UInt8] = []
        header.emit(
            into: &bytes, source: CapturedUDP.ipA, destination: CapturedUDP.ipB,
            payload: [UInt8(word >> 8), UInt8(word & 0xFF)])
        #expect(bytes[6] == 0xFF && bytes[7] == 0xFF)
        #expect(referenceChecksum(bytes, initial: pseudoSum(bytes.count)) == 0)
        #expect(UDPHeader.verifyChecksum(source: CapturedUDP.ipA, destination: CapturedUDP.ipB, datagram: bytes))
        #expect(try UDPHeader.parse(bytes).checksum == 0xFFFF)
    }

    private func pseudoSum(_ length: Int) -> UInt32 {
        InternetChecksum.pseudoHeaderSum(
            source: CapturedUDP.ipA, destination: CapturedUDP.ipB, protocol: .udp, length: length)
    }

    @Test func seededRoundTrip() throws {
        var rng = SplitMix64(seed: 0x5544_5031)
        for _ in 0..<5_000 {
            let payload = rng.bytes(Int.random(in: 0...300, using: &rng))
            let source = rng.ipv4()
            let destination = rng.ipv4()
            var header = UDPHeader(
                sourcePort: rng.u16(), destinationPort: rng.u16(), length: rng.u16(), checksum: rng.u16())
            var datagram: [UInt8] = []
            header.emit(into: &datagram, source: source, destination: destination, payload: payload)
            #expect(datagram.count == UDPHeader.length + payload.count)
            #expect(UDPHeader.verifyChecksum(source: source, destination: destination, datagram: datagram))
            #expect(UInt16(datagram[6]) << 8 | UInt16(datagram[7]) != 0)
            let parsed = try UDPHeader.parse(datagram)
            header.length = UInt16(datagram.count)
            header.checksum = parsed.checksum
            #expect(parsed == header)
            #expect(Array(datagram[UDPHeader.length...]) == payload)
            // The checksum agrees with the slow reference.
            var zeroed = datagram
            zeroed[6] = 0
            zeroed[7] = 0
            let reference = referenceChecksum(
                zeroed,
                initial: InternetChecksum.pseudoHeaderSum(
                    source: source, destination: destination, protocol: .udp, length: datagram.count))
            #expect(parsed.checksum == (reference == 0 ? 0xFFFF : reference))
        }
    }

    /// Every prefix of a real datagram shorter than its Length: below 8 bytes the header is
    /// missing, from 8 on the data Length promises is.
    @Test(arguments: cases)
    func everyTruncationIsRejected(_ c: Case) {
        let length = Int(c.header.length)
        for count in 0..<length {
            let needed = count < 8 ? 8 : length
            #expect(throws: WireError.truncated(header: "UDP", needed: needed, available: count)) {
                try UDPHeader.parse(Array(c.datagram.prefix(count)))
            }
        }
        #expect(throws: Never.self) { try UDPHeader.parse(c.datagram) }
    }

    @Test(arguments: [UInt16(0), 1, 7])
    func rejectsLengthBelowEight(length: UInt16) {
        var datagram = Self.cases[0].datagram
        datagram[4] = UInt8(length >> 8)
        datagram[5] = UInt8(length & 0xFF)
        #expect(throws: WireError.malformed(header: "UDP", reason: "length \(length) shorter than the 8-byte header")) {
            try UDPHeader.parse(datagram)
        }
    }

    @Test func rejectsLengthBeyondTheBuffer() {
        var datagram = Self.cases[0].datagram
        datagram[5] += 1
        #expect(throws: WireError.truncated(header: "UDP", needed: datagram.count + 1, available: datagram.count)) {
            try UDPHeader.parse(datagram)
        }
    }

    @Test func shortFrameIsPaddedTo60AndDecodes() throws {
        let frame = EthernetFrame.ipv4UDP(
            destination: CapturedUDP.macB, source: CapturedUDP.macA,
            ipSource: CapturedUDP.ipA, ipDestination: CapturedUDP.ipB,
            sourcePort: 7946, destinationPort: 7946, payload: [0x00, 0x01, 0x02])
        #expect(frame.count == 60)
        #expect(Array(frame[45...]) == [UInt8](repeating: 0, count: 15))
        let ip = try IPv4Header.parse(Array(frame[14...]))
        #expect(ip.totalLength == 31)
        #expect(ip.protocol == .udp)
        #expect(ip.dontFragment)
        #expect(ip.timeToLive == 64)
        #expect(ip.verifyChecksum())
        let udp = try UDPHeader.parse(Array(frame[34...]))
        #expect(udp.length == 11)
        // The padding is outside Length, so it does not disturb the checksum.
        #expect(
            UDPHeader.verifyChecksum(
                source: CapturedUDP.ipA, destination: CapturedUDP.ipB, datagram: Array(frame[34...])))
    }

    /// tcpdump reads a frame the builder made, written into a pcap by hand (nanosecond magic
    /// 0xa1b23c4d, version 2.4, LINKTYPE_ETHERNET), and finds the UDP checksum correct.
    @Test func tcpdumpDecodesABuiltFrame() throws {
        let tcpdump = try ExternalTool.tcpdump()
        let payload = Array("lbsim memberlist gossip".utf8)
        let frame = EthernetFrame.ipv4UDP(
            destination: CapturedUDP.macB, source: CapturedUDP.macA,
            ipSource: CapturedUDP.ipA, ipDestination: CapturedUDP.ipB, identification: 0x4242,
            sourcePort: 7946, destinationPort: 7947, payload: payload)
        var file: [UInt8] = []
        file.appendLittleEndian(UInt32(0xA1B2_3C4D))  // nanosecond-resolution magic
        file.appendLittleEndian(UInt16(2))
        file.appendLittleEndian(UInt16(4))
        file.appendLittleEndian(UInt32(0))  // thiszone
        file.appendLittleEndian(UInt32(0))  // sigfigs
        file.appendLittleEndian(UInt32(65535))  // snaplen
        file.appendLittleEndian(UInt32(1))  // LINKTYPE_ETHERNET
        file.appendLittleEndian(UInt32(1_700_000_000))
        file.appendLittleEndian(UInt32(123_456_789))
        file.appendLittleEndian(UInt32(frame.count))
        file.appendLittleEndian(UInt32(frame.count))
        file += frame
        #expect(file.count == 24 + 16 + frame.count)

        let scratch = try TemporaryDirectory("udp")
        let url = scratch.path("built.pcap")
        try Data(file).write(to: url)

        let brief = try Subprocess.run(tcpdump, ["-nn", "-r", url.path]).stdout
        #expect(brief.contains("IP 192.0.2.10.7946 > 192.0.2.20.7947: UDP, length \(payload.count)"), "\(brief)")
        let verbose = try Subprocess.run(tcpdump, ["-nn", "-vv", "-r", url.path]).stdout
        #expect(verbose.contains("[udp sum ok] UDP, length \(payload.count)"), "\(verbose)")
        #expect(
            verbose.contains(
                "ttl 64, id 16962, offset 0, flags [DF], proto UDP (17), length \(20 + 8 + payload.count)"),
            "\(verbose)")
        #expect(!verbose.contains("bad"), "\(verbose)")

        // A corrupted copy is reported as such, so the check above can fail.
        var corrupted = file
        corrupted[corrupted.count - 1] ^= 0x01
        try Data(corrupted).write(to: url)
        let bad = try Subprocess.run(tcpdump, ["-nn", "-vv", "-r", url.path]).stdout
        #expect(bad.contains("bad udp cksum"), "\(bad)")
    }
}

extension Array where Element == UInt8 {
    fileprivate mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        var little = value.littleEndian
        Swift.withUnsafeBytes(of: &little) { append(contentsOf: $0) }
    }
}
