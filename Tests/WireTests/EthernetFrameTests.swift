import TestSupport
import Testing

@testable import Wire

@Suite("EthernetFrame")
struct EthernetFrameTests {
    static let request = ARPPacket(
        operation: .request,
        senderHardwareAddress: Captured.macA, senderProtocolAddress: Captured.ipA,
        targetHardwareAddress: .zero, targetProtocolAddress: Captured.ipB)

    static let syn = TCPHeader(
        sourcePort: 44622, destinationPort: 80, sequenceNumber: 503_982_202,
        flags: .syn, window: 64240, options: hex("0204 05b4 0402 080a b435 cb01 0000 0000 0103 030a"))

    // MARK: Builders

    @Test func arpRequestIsTheCapturedFramePaddedTo60() {
        let frame = EthernetFrame.arp(Self.request, destination: .broadcast, source: Captured.macA)
        #expect(frame.count == EthernetFrame.minimumLength)
        #expect(frame == Captured.arpRequest + [UInt8](repeating: 0, count: 18))
    }

    @Test func gratuitousFramesMatchArping() {
        var packet = Self.request
        packet.targetHardwareAddress = .broadcast
        packet.targetProtocolAddress = Captured.ipA
        let request = EthernetFrame.arp(packet, destination: .broadcast, source: Captured.macA)
        #expect(request == Captured.gratuitousRequest + [0, 0])
        packet.operation = .reply
        let reply = EthernetFrame.arp(packet, destination: .broadcast, source: Captured.macA)
        #expect(reply == Captured.gratuitousReply + [0, 0])
    }

    @Test func synIsTheCapturedFrame() {
        let frame = EthernetFrame.ipv4TCP(
            destination: Captured.macB, source: Captured.macA,
            ipSource: Captured.ipA, ipDestination: Captured.ipB, identification: 0x89C9,
            tcp: Self.syn)
        #expect(frame == Captured.tcpSYN)
    }

    @Test func synAckAndPayloadFramesAreTheCapturedFrames() {
        let synAck = EthernetFrame.ipv4TCP(
            destination: Captured.macA, source: Captured.macB,
            ipSource: Captured.ipB, ipDestination: Captured.ipA, identification: 0,
            tcp: TCPHeader(
                sourcePort: 80, destinationPort: 44622, sequenceNumber: 2_266_909_891,
                acknowledgmentNumber: 503_982_203, flags: [.syn, .ack], window: 65160,
                options: hex("0204 05b4 0402 080a a7a7 2133 b435 cb01 0103 030a")))
        #expect(synAck == Captured.tcpSYNACK)
        let push = EthernetFrame.ipv4TCP(
            destination: Captured.macB, source: Captured.macA,
            ipSource: Captured.ipA, ipDestination: Captured.ipB, identification: 0x89CB,
            tcp: TCPHeader(
                sourcePort: 44622, destinationPort: 80, sequenceNumber: 0x1E0A_287B,
                acknowledgmentNumber: 0x871E_4CC4, flags: [.psh, .ack], window: 63,
                options: hex("0101 080a b435 cb01 a7a7 2133")),
            payload: Array("GET / HTTP/1.0\r\n\r\n".utf8))
        #expect(push == Captured.tcpPSH)
    }

    @Test func shortTCPFrameIsPaddedAndStillDecodes() throws {
        let frame = EthernetFrame.ipv4TCP(
            destination: Captured.macB, source: Captured.macA,
            ipSource: Captured.ipA, ipDestination: Captured.ipB,
            tcp: TCPHeader(sourcePort: 1234, destinationPort: 80, sequenceNumber: 1, flags: .syn))
        #expect(frame.count == 60)
        #expect(Array(frame[54...]) == [0, 0, 0, 0, 0, 0])
        let decoded = try EthernetFrame.decode(frame)
        guard case .ipv4TCP(let ip, let tcp) = decoded.payload else {
            Issue.record("expected IPv4/TCP, got \(decoded.payload)")
            return
        }
        #expect(ip.totalLength == 40)
        #expect(ip.dontFragment)
        #expect(ip.timeToLive == 64)
        #expect(ip.verifyChecksum())
        #expect(tcp.flags == .syn)
        #expect(decoded.dataRange == 54..<54, "padding is not payload")
        #expect(
            TCPHeader.verifyChecksum(source: ip.source, destination: ip.destination, segment: Array(frame[34..<54])))
    }

    @Test func fullHeaderBuilderReplacesLengthProtocolAndChecksum() throws {
        let ip = IPv4Header(
            differentiatedServices: 0x10, totalLength: 9999, identification: 7, timeToLive: 3,
            protocol: .udp, headerChecksum: 0xDEAD, source: Captured.ipA, destination: Captured.ipB,
            options: [0x01, 0x01, 0x01, 0x00])
        let payload = Array("hello".utf8)
        let frame = EthernetFrame.ipv4TCP(
            destination: Captured.macB, source: Captured.macA, ip: ip,
            tcp: TCPHeader(sourcePort: 5, destinationPort: 6, flags: [.psh, .ack]), payload: payload)
        #expect(frame.count == 14 + 24 + 20 + 5)
        let decoded = try EthernetFrame.decode(frame)
        guard case .ipv4TCP(let parsedIP, _) = decoded.payload else {
            Issue.record("expected IPv4/TCP, got \(decoded.payload)")
            return
        }
        #expect(parsedIP.totalLength == 49)
        #expect(parsedIP.protocol == .tcp)
        #expect(parsedIP.differentiatedServices == 0x10)
        #expect(parsedIP.options == [0x01, 0x01, 0x01, 0x00])
        #expect(parsedIP.verifyChecksum())
        #expect(Array(frame[decoded.dataRange]) == payload)
        #expect(TCPHeader.verifyChecksum(source: Captured.ipA, destination: Captured.ipB, segment: Array(frame[38...])))
    }

    // MARK: Decoding real frames

    @Test func decodesCapturedARP() throws {
        let decoded = try EthernetFrame.decode(Captured.arpRequest)
        #expect(decoded.ethernet == EthernetHeader(destination: .broadcast, source: Captured.macA, etherType: .arp))
        #expect(decoded.payload == .arp(Self.request))
        #expect(decoded.dataRange == 42..<42)
        let gratuitous = try EthernetFrame.decode(Captured.gratuitousReply)
        guard case .arp(let packet) = gratuitous.payload else {
            Issue.record("expected ARP, got \(gratuitous.payload)")
            return
        }
        #expect(packet.isGratuitous)
        #expect(packet.operation == .reply)
    }

    @Test func decodesCapturedTCP() throws {
        let decoded = try EthernetFrame.decode(Captured.tcpPSH)
        #expect(decoded.ethernet.etherType == .ipv4)
        guard case .ipv4TCP(let ip, let tcp) = decoded.payload else {
            Issue.record("expected IPv4/TCP, got \(decoded.payload)")
            return
        }
        #expect(ip.identification == 0x89CB)
        #expect(ip.verifyChecksum())
        #expect(tcp.flags == [.psh, .ack])
        #expect(String(decoding: Captured.tcpPSH[decoded.dataRange], as: UTF8.self) == "GET / HTTP/1.0\r\n\r\n")
        let segment = Array(Captured.tcpPSH[(14 + ip.headerLength)..<decoded.dataRange.upperBound])
        #expect(TCPHeader.verifyChecksum(source: ip.source, destination: ip.destination, segment: segment))
    }

    @Test func decodesOtherIPv4AndOtherEtherTypes() throws {
        let udp = try EthernetFrame.decode(Captured.udpWithOptions)
        guard case .ipv4Other(let ip) = udp.payload else {
            Issue.record("expected IPv4 other, got \(udp.payload)")
            return
        }
        #expect(ip.protocol == .udp)
        #expect(ip.headerLength == 32)
        #expect(udp.dataRange == 46..<59)
        #expect(Array(Captured.udpWithOptions[udp.dataRange].suffix(5)) == Array("lbsim".utf8))

        let icmp = try EthernetFrame.decode(Captured.icmpUnreachable)
        guard case .ipv4Other(let icmpIP) = icmp.payload else {
            Issue.record("expected IPv4 other, got \(icmp.payload)")
            return
        }
        #expect(icmpIP.protocol == .icmp)
        #expect(icmpIP.differentiatedServices == 0xC0)

        // A Router Solicitation (ICMPv6 133) is IPv6 but not one of the two NDP messages the
        // responder deals in.
        let ipv6 = try EthernetFrame.decode(Captured.ipv6RouterSolicitation)
        guard case .ipv6Other(let header) = ipv6.payload else {
            Issue.record("expected IPv6 other, got \(ipv6.payload)")
            return
        }
        #expect(header.nextHeader == .icmpv6 && header.hopLimit == 255 && header.payloadLength == 16)
        #expect(header.destination == IPv6Address("ff02::2"))
        #expect(ipv6.dataRange == 54..<70)
    }

    @Test func fragmentsAreNotReadAsTCP() throws {
        var frame = Captured.tcpSYN
        frame[20] |= 0x20  // MF
        #expect(try EthernetFrame.decode(frame).payload == .ipv4Other(IPv4Header.parse(Array(frame[14...]))))
        frame = Captured.tcpSYN
        frame[21] = 0x10  // offset 16 × 8 bytes
        guard case .ipv4Other = try EthernetFrame.decode(frame).payload else {
            Issue.record("a later fragment has no TCP header")
            return
        }
    }

    static let allCaptured: [[UInt8]] = [
        Captured.arpRequest, Captured.arpReply, Captured.gratuitousRequest, Captured.gratuitousReply,
        Captured.tcpSYN, Captured.tcpSYNACK, Captured.tcpPSH, Captured.tcpRST,
        Captured.udpWithOptions, Captured.icmpUnreachable, Captured.ipv6RouterSolicitation,
    ]

    /// Every prefix of every captured frame either decodes or throws `.truncated`; it throws
    /// exactly when the prefix is shorter than the headers (and IPv4 Total Length) need.
    @Test(arguments: allCaptured)
    func everyTruncationIsRejected(frame: [UInt8]) throws {
        let ethernet = try EthernetHeader.parse(frame)
        let needed: Int
        switch ethernet.etherType {
        case .arp: needed = 14 + 28
        case .ipv4: needed = 14 + Int(UInt16(frame[16]) << 8 | UInt16(frame[17]))
        case .ipv6: needed = 14 + 40 + Int(UInt16(frame[18]) << 8 | UInt16(frame[19]))
        default: needed = 14
        }
        for length in 0..<frame.count {
            let prefix = Array(frame.prefix(length))
            if length < needed {
                let error = #expect(throws: WireError.self) { try EthernetFrame.decode(prefix) }
                #expect(isTruncated(error), "length \(length): \(String(describing: error))")
            } else {
                #expect(throws: Never.self) { try EthernetFrame.decode(prefix) }
            }
        }
    }

    @Test func malformedInnerHeadersAreReported() {
        var arp = Captured.arpRequest
        arp[18] = 7  // hlen
        #expect(throws: WireError.malformed(header: "ARP", reason: "hardware address length is not 6")) {
            try EthernetFrame.decode(arp)
        }
        var ipv6InIPv4 = Captured.tcpSYN
        ipv6InIPv4[14] = 0x65
        #expect(throws: WireError.malformed(header: "IPv4", reason: "version 6, expected 4")) {
            try EthernetFrame.decode(ipv6InIPv4)
        }
        var badOffset = Captured.tcpSYN
        badOffset[14 + 20 + 12] = 0x40
        #expect(throws: WireError.malformed(header: "TCP", reason: "data offset 4, below the minimum of 5")) {
            try EthernetFrame.decode(badOffset)
        }
        // A TCP header that claims more option bytes than the datagram holds.
        var longOffset = Captured.tcpRST
        longOffset[14 + 20 + 12] = 0xF0
        #expect(throws: WireError.truncated(header: "TCP", needed: 60, available: 32)) {
            try EthernetFrame.decode(longOffset)
        }
    }

    // MARK: Random frames

    @Test func randomFramesRoundTrip() throws {
        var rng = SplitMix64(seed: 0x4652_414D)
        for _ in 0..<3_000 {
            let destination = rng.mac()
            let source = rng.mac()
            if rng.bool() {
                let packet = ARPPacket(
                    operation: ARPOperation(rawValue: rng.u16()),
                    senderHardwareAddress: rng.mac(), senderProtocolAddress: rng.ipv4(),
                    targetHardwareAddress: rng.mac(), targetProtocolAddress: rng.ipv4())
                let frame = EthernetFrame.arp(packet, destination: destination, source: source)
                #expect(frame.count == 60)
                let decoded = try EthernetFrame.decode(frame)
                #expect(decoded.ethernet == EthernetHeader(destination: destination, source: source, etherType: .arp))
                #expect(decoded.payload == .arp(packet))
            } else {
                var tcp = TCPHeader(
                    sourcePort: rng.u16(), destinationPort: rng.u16(),
                    sequenceNumber: rng.u32(), acknowledgmentNumber: rng.u32(),
                    flags: TCPFlags(rawValue: rng.u8()), window: rng.u16(),
                    urgentPointer: rng.u16(), options: rng.bytes(4 * Int.random(in: 0...10, using: &rng)))
                let payload = rng.bytes(Int.random(in: 0...200, using: &rng))
                let ipSource = rng.ipv4()
                let ipDestination = rng.ipv4()
                let identification = rng.u16()
                let ttl = rng.u8()
                let frame = EthernetFrame.ipv4TCP(
                    destination: destination, source: source, ipSource: ipSource, ipDestination: ipDestination,
                    identification: identification, timeToLive: ttl, tcp: tcp, payload: payload)
                #expect(frame.count == max(60, 14 + 20 + tcp.headerLength + payload.count))
                let decoded = try EthernetFrame.decode(frame)
                guard case .ipv4TCP(let ip, let parsedTCP) = decoded.payload else {
                    Issue.record("expected IPv4/TCP, got \(decoded.payload)")
                    continue
                }
                #expect(ip.source == ipSource && ip.destination == ipDestination)
                #expect(ip.identification == identification && ip.timeToLive == ttl && ip.dontFragment)
                #expect(ip.verifyChecksum())
                tcp.checksum = parsedTCP.checksum
                #expect(parsedTCP == tcp)
                #expect(Array(frame[decoded.dataRange]) == payload)
                let segment = Array(frame[34..<decoded.dataRange.upperBound])
                #expect(TCPHeader.verifyChecksum(source: ipSource, destination: ipDestination, segment: segment))
            }
        }
    }
}
