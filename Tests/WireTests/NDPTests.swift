import TestSupport
import Testing

@testable import Wire

/// Neighbor Discovery on the wire (RFC 4861 over RFC 8200): golden bytes whose checksums were
/// computed independently (a few lines of Python over the pseudo-header), round trips,
/// malformed input, and RFC 4861's validity rules.
@Suite("NDP and IPv6")
struct NDPTests {
    static let target = IPv6Address("2001:db8::200")!
    static let solicitor = MACAddress(0x02, 0, 0, 0, 0, 1)
    static let announcer = MACAddress(0x02, 0, 0, 0, 0, 2)

    static let solicitation = NDPMessage.neighborSolicitation(
        target: target, options: [.sourceLinkLayerAddress(solicitor)])
    static let advertisement = NDPMessage.neighborAdvertisement(
        router: false, solicited: false, override: true, target: target,
        options: [.targetLinkLayerAddress(announcer)])

    @Test func goldenSolicitation() {
        let bytes = Self.solicitation.encoded(
            source: IPv6Address("fe80::1")!, destination: IPv6Address("ff02::1:ff00:200")!)
        #expect(bytes == hex("870047630000000020010db80000000000000000000002000101020000000001"))
    }

    @Test func goldenUnsolicitedAdvertisement() {
        let bytes = Self.advertisement.encoded(source: IPv6Address("fe80::2")!, destination: .allNodes)
        #expect(bytes == hex("880026622000000020010db80000000000000000000002000201020000000002"))
    }

    @Test func solicitedNodeAddressAndMulticastMAC() {
        #expect(Self.target.solicitedNodeMulticast == IPv6Address("ff02::1:ff00:200"))
        #expect(Self.target.solicitedNodeMulticast.multicastMAC == MACAddress(0x33, 0x33, 0xff, 0x00, 0x02, 0x00))
        #expect(IPv6Address.allNodes.multicastMAC == MACAddress(0x33, 0x33, 0, 0, 0, 1))
    }

    /// RFC 4291 appendix A: 52:54:00:ab:cd:ef -> fe80::5054:ff:feab:cdef (the same as the
    /// captured router solicitation in the frame tests, which Linux sent from it).
    @Test func linkLocalFromMAC() {
        #expect(
            IPv6Address.linkLocal(for: MACAddress(0x52, 0x54, 0x00, 0xab, 0xcd, 0xef))
                == IPv6Address("fe80::5054:ff:feab:cdef"))
        #expect(
            IPv6Address.linkLocal(for: MACAddress(0x02, 0, 0x5e, 0x10, 0, 0x12)) == IPv6Address("fe80::5eff:fe10:12"))
    }

    @Test(arguments: [
        solicitation,
        advertisement,
        NDPMessage.neighborAdvertisement(
            router: true, solicited: true, override: false, target: IPv6Address("fe80::9")!,
            options: [.targetLinkLayerAddress(announcer), .other(type: 14, value: [1, 2, 3, 4, 5, 6])]),
        NDPMessage.neighborSolicitation(target: IPv6Address("2001:db8::1")!, options: []),
    ])
    func roundTripsThroughAFrame(message: NDPMessage) throws {
        let source = IPv6Address("fe80::1")!
        let destination = message.target.solicitedNodeMulticast
        let frame = EthernetFrame.ndp(
            message, destination: destination.multicastMAC, source: Self.solicitor,
            ipSource: source, ipDestination: destination)
        let decoded = try EthernetFrame.decode(frame)
        guard case .ipv6NDP(let header, let parsed) = decoded.payload else {
            Issue.record("expected NDP, got \(decoded.payload)")
            return
        }
        #expect(parsed == message)
        #expect(header.hopLimit == 255 && header.source == source && header.destination == destination)
        #expect(Int(header.payloadLength) == decoded.dataRange.count)
        let body = Array(frame[decoded.dataRange])
        #expect(
            body.withUnsafeBytes { NDPMessage.verifyChecksum(source: source, destination: destination, message: $0) })
        var corrupted = body
        corrupted[5] ^= 0x20
        #expect(
            !corrupted.withUnsafeBytes {
                NDPMessage.verifyChecksum(source: source, destination: destination, message: $0)
            })
    }

    @Test func everyTruncationOfAnAdvertisementThrowsNeverTraps() throws {
        let body = Self.advertisement.encoded(source: IPv6Address("fe80::2")!, destination: .allNodes)
        // Cut inside the fixed part or inside the option: an error. Cut exactly after the
        // target: a valid advertisement without options.
        for length in 0..<body.count where length != NDPMessage.minimumLength {
            #expect(throws: WireError.self, "length \(length)") { try NDPMessage.parse(Array(body.prefix(length))) }
        }
        #expect(try NDPMessage.parse(Array(body.prefix(NDPMessage.minimumLength)))?.options == [])
        #expect(throws: Never.self) { try NDPMessage.parse(body) }
    }

    @Test func malformedMessagesAreRejected() throws {
        var body = Self.solicitation.encoded(
            source: IPv6Address("fe80::1")!, destination: IPv6Address("ff02::1:ff00:200")!)
        var zeroLength = body
        zeroLength[25] = 0
        #expect(throws: WireError.malformed(header: "NDP option", reason: "option type 1 has length 0")) {
            try NDPMessage.parse(zeroLength)
        }
        var longOption = body
        longOption[25] = 2
        #expect(throws: WireError.self) { try NDPMessage.parse(longOption) }
        var badCode = body
        badCode[1] = 1
        #expect(throws: WireError.self) { try NDPMessage.parse(badCode) }
        body.replaceSubrange(8..<24, with: IPv6Address.allNodes.octets)
        #expect(throws: WireError.self, "a multicast target") { try NDPMessage.parse(body) }
        // Other ICMPv6 types are not NDP messages for the responder: nil, not an error.
        #expect(try NDPMessage.parse([128, 0, 0, 0, 0, 1, 0, 1]) == nil)
    }

    /// RFC 4861 section 7.1.1 (and the kernel's `ndisc_rcv`) want code 0; mdlayher/ndp's
    /// `ParseMessage`, which MetalLB reads with, dispatches on the type alone.
    @Test(
        "MetalLB's reading takes a Neighbor Discovery message whatever its ICMPv6 code, the kernel's does not (mdlayher/ndp ParseMessage; Linux net/ipv6/ndisc.c ndisc_rcv)"
    )
    func anyCodeIsReadOnlyByMetalLBsReading() throws {
        let source = IPv6Address("fe80::1")!
        let group = IPv6Address("ff02::1:ff00:200")!
        var frame = EthernetFrame.ndp(
            Self.solicitation, destination: group.multicastMAC, source: Self.solicitor, ipSource: source,
            ipDestination: group)
        let body = EthernetHeader.length + IPv6Header.length
        frame[body + 1] = 3
        let message = Array(frame[body...])
        #expect(throws: WireError.self) { try NDPMessage.parse(message) }
        #expect(try message.withUnsafeBytes { try NDPMessage.parseAnyCode($0) } == Self.solicitation)
        #expect(throws: WireError.self) { try EthernetFrame.decode(frame) }
        let decoded = try #require(EthernetFrame.decodeNDPAnyCode(frame))
        guard case .ipv6NDP(let header, let parsed) = decoded.payload else {
            Issue.record("not NDP: \(decoded.payload)")
            return
        }
        #expect(header.source == source && header.destination == group && parsed == Self.solicitation)
        #expect(decoded.dataRange == body..<frame.count)
        // Anything but NDP is not this reading's business, and other malformations still fail it.
        var truncated = message
        truncated.removeLast(10)
        #expect(throws: WireError.self) { try truncated.withUnsafeBytes { try NDPMessage.parseAnyCode($0) } }
        #expect(
            EthernetFrame.decodeNDPAnyCode(
                EthernetFrame.arp(
                    ARPPacket(
                        operation: .request, senderHardwareAddress: Self.solicitor,
                        senderProtocolAddress: IPv4Address(192, 0, 2, 1), targetHardwareAddress: .zero,
                        targetProtocolAddress: IPv4Address(192, 0, 2, 2)), destination: .broadcast,
                    source: Self.solicitor))
                == nil)
    }

    @Test func rfc4861ValidityRulesThatNeedTheIPv6Header() {
        let header = { (hop: UInt8, source: String, destination: String) in
            IPv6Header(
                payloadLength: 32, nextHeader: .icmpv6, hopLimit: hop, source: IPv6Address(source)!,
                destination: IPv6Address(destination)!)
        }
        #expect(throws: Never.self) { try Self.solicitation.validate(in: header(255, "fe80::1", "ff02::1:ff00:200")) }
        #expect(throws: WireError.self, "routed: hop limit below 255") {
            try Self.solicitation.validate(in: header(64, "fe80::1", "ff02::1:ff00:200"))
        }
        #expect(throws: WireError.self, "DAD probes carry no source link-layer address") {
            try Self.solicitation.validate(in: header(255, "::", "ff02::1:ff00:200"))
        }
        let dad = NDPMessage.neighborSolicitation(target: Self.target, options: [])
        #expect(throws: Never.self) { try dad.validate(in: header(255, "::", "ff02::1:ff00:200")) }
        #expect(throws: WireError.self, "DAD goes to the solicited-node group") {
            try dad.validate(in: header(255, "::", "ff02::1"))
        }
        let solicited = NDPMessage.neighborAdvertisement(
            router: false, solicited: true, override: false, target: Self.target, options: [])
        #expect(throws: WireError.self, "a solicited NA is unicast") {
            try solicited.validate(in: header(255, "fe80::2", "ff02::1"))
        }
        #expect(throws: Never.self) { try Self.advertisement.validate(in: header(255, "fe80::2", "ff02::1")) }
    }

    @Test func ipv6HeaderRoundTripAndErrors() throws {
        let header = IPv6Header(
            trafficClass: 0xb8, flowLabel: 0xabcde, payloadLength: 4, nextHeader: .udp, hopLimit: 64,
            source: IPv6Address("2001:db8::1")!, destination: IPv6Address("2001:db8::2")!)
        var bytes: [UInt8] = []
        header.emit(into: &bytes)
        bytes += [1, 2, 3, 4]
        #expect(bytes.count == 44 && bytes[0] == 0x6b && bytes[1] == 0x8a)
        #expect(try bytes.withUnsafeBytes { try IPv6Header.parse($0) } == header)
        #expect(throws: WireError.self) { try Array(bytes.prefix(43)).withUnsafeBytes { try IPv6Header.parse($0) } }
        var v4 = bytes
        v4[0] = 0x45
        #expect(throws: WireError.self) { try v4.withUnsafeBytes { try IPv6Header.parse($0) } }
    }
}
