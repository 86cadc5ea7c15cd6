import TestSupport
import Testing

@testable import Wire

/// IPv6/TCP frames: the SYN an IPv6 client sends to a service address, and kube-proxy's answer.
@Suite("IPv6 TCP frames")
struct IPv6TCPTests {
    /// A SYN from 2001:db8:0:1::50 port 32768 to [2001:db8:0:1::200]:80, MSS 1460, hop limit
    /// 64, as tshark 4 dissects it from a capture: "Checksum: 0x9e97 [correct]" with
    /// tcp.check_checksum on (an independent check of the IPv6 pseudo header sum).
    static let syn = hex(
        """
        0200 5e10 0912 0200 5e10 0999 86dd 6000
        0000 0018 0640 2001 0db8 0000 0001 0000
        0000 0000 0050 2001 0db8 0000 0001 0000
        0000 0000 0200 8000 0050 60da bfaf 0000
        0000 6002 faf0 9e97 0000 0204 05b4
        """)
    static let client = IPv6Address("2001:db8:0:1::50")!
    static let service = IPv6Address("2001:db8:0:1::200")!
    static let header = TCPHeader(
        sourcePort: 32768, destinationPort: 80, sequenceNumber: 1_624_948_655,
        acknowledgmentNumber: 0, flags: [.syn], window: 64240, checksum: 0x9e97,
        urgentPointer: 0, options: [2, 4, 0x05, 0xb4])

    @Test func parsesTheCapturedSyn() throws {
        let decoded = try EthernetFrame.decode(Self.syn)
        guard case .ipv6TCP(let ip, let tcp) = decoded.payload else {
            Issue.record("decoded as \(decoded.payload)")
            return
        }
        #expect(decoded.ethernet.destination == MACAddress(0x02, 0x00, 0x5e, 0x10, 0x09, 0x12))
        #expect(decoded.ethernet.etherType == .ipv6)
        #expect(ip.source == Self.client && ip.destination == Self.service)
        #expect(ip.nextHeader == .tcp && ip.hopLimit == 64 && ip.payloadLength == 24)
        #expect(tcp == Self.header)
        #expect(decoded.dataRange == Self.syn.count..<Self.syn.count)
        let segment = Array(Self.syn[(EthernetHeader.length + IPv6Header.length)...])
        #expect(TCPHeader.verifyChecksum(source: Self.client, destination: Self.service, segment: segment))
        // The pseudo header covers both addresses: the same segment to another address fails.
        #expect(
            !TCPHeader.verifyChecksum(
                source: Self.client, destination: IPv6Address("2001:db8:0:1::201")!,
                segment: segment))
    }

    @Test func emitsTheCapturedSynByteForByte() {
        var header = Self.header
        header.checksum = 0  // ignored: emit computes it
        let frame = EthernetFrame.ipv6TCP(
            destination: MACAddress(0x02, 0x00, 0x5e, 0x10, 0x09, 0x12),
            source: MACAddress(0x02, 0x00, 0x5e, 0x10, 0x09, 0x99),
            ipSource: Self.client, ipDestination: Self.service, tcp: header)
        #expect(frame == Self.syn)
    }

    @Test func everySingleBitFlipOfTheSegmentFailsTheChecksum() {
        let segment = Array(Self.syn[(EthernetHeader.length + IPv6Header.length)...])
        for byte in segment.indices {
            for bit in 0..<8 {
                var flipped = segment
                flipped[byte] ^= 1 << bit
                #expect(
                    !TCPHeader.verifyChecksum(source: Self.client, destination: Self.service, segment: flipped),
                    "byte \(byte) bit \(bit)")
            }
        }
    }

    @Test func randomRoundTrip() throws {
        var rng = SplitMix64(seed: 0x0006_7463)
        for _ in 0..<2_000 {
            let source = IPv6Address(high: rng.next(), low: rng.next())
            let destination = IPv6Address(high: rng.next(), low: rng.next())
            let options = rng.bytes(Int.random(in: 0...10, using: &rng) * 4)
            let payload = rng.bytes(Int.random(in: 0...64, using: &rng))
            let header = TCPHeader(
                sourcePort: rng.u16(), destinationPort: rng.u16(), sequenceNumber: rng.u32(),
                acknowledgmentNumber: rng.u32(), flags: TCPFlags(rawValue: rng.u8()),
                window: rng.u16(), checksum: 0, urgentPointer: rng.u16(), options: options)
            let hopLimit = rng.u8()
            let frame = EthernetFrame.ipv6TCP(
                destination: rng.mac(), source: rng.mac(), ipSource: source,
                ipDestination: destination, hopLimit: hopLimit, tcp: header, payload: payload)
            let decoded = try EthernetFrame.decode(frame)
            guard case .ipv6TCP(let ip, let tcp) = decoded.payload else {
                Issue.record("decoded as \(decoded.payload)")
                return
            }
            #expect(ip.source == source && ip.destination == destination && ip.hopLimit == hopLimit)
            var expected = header
            expected.checksum = tcp.checksum
            #expect(tcp == expected)
            #expect(Array(frame[decoded.dataRange]) == payload)
            let segment = Array(frame[(EthernetHeader.length + IPv6Header.length)...])
            #expect(TCPHeader.verifyChecksum(source: source, destination: destination, segment: segment))
        }
    }

    @Test func rejectsEveryTruncation() {
        for length in 0..<Self.syn.count {
            #expect(throws: WireError.self, "\(length) bytes") {
                try EthernetFrame.decode(Array(Self.syn.prefix(length)))
            }
        }
    }

    /// A Payload Length shorter than the TCP header's Data Offset: the TCP header does not fit
    /// in the packet, whatever the buffer holds after it.
    @Test func rejectsASegmentShorterThanItsDataOffset() {
        var frame = Self.syn
        frame[19] = 20  // Payload Length 20, but Data Offset says 24
        #expect(throws: WireError.self) { try EthernetFrame.decode(frame) }
    }
}
