import TestSupport
import Testing

@testable import Wire

@Suite("ARPPacket")
struct ARPPacketTests {
    /// A captured frame, the packet it carries, and what tcpdump printed for it.
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var frame: [UInt8]
        var packet: ARPPacket
        var gratuitous: Bool
        var printed: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "kernel request",
            frame: Captured.arpRequest,
            packet: ARPPacket(
                operation: .request,
                senderHardwareAddress: Captured.macA, senderProtocolAddress: Captured.ipA,
                targetHardwareAddress: .zero, targetProtocolAddress: Captured.ipB),
            gratuitous: false,
            printed: "Request who-has 10.200.200.120 tell 10.200.200.50"),
        Case(
            name: "kernel reply",
            frame: Captured.arpReply,
            packet: ARPPacket(
                operation: .reply,
                senderHardwareAddress: Captured.macB, senderProtocolAddress: Captured.ipB,
                targetHardwareAddress: Captured.macA, targetProtocolAddress: Captured.ipA),
            gratuitous: false,
            printed: "Reply 10.200.200.120 is-at 52:54:00:ab:cd:ef"),
        Case(
            name: "gratuitous request",
            frame: Captured.gratuitousRequest,
            packet: ARPPacket(
                operation: .request,
                senderHardwareAddress: Captured.macA, senderProtocolAddress: Captured.ipA,
                targetHardwareAddress: .broadcast, targetProtocolAddress: Captured.ipA),
            gratuitous: true,
            printed: "Request who-has 10.200.200.50 tell 10.200.200.50"),
        Case(
            name: "gratuitous reply",
            frame: Captured.gratuitousReply,
            packet: ARPPacket(
                operation: .reply,
                senderHardwareAddress: Captured.macA, senderProtocolAddress: Captured.ipA,
                targetHardwareAddress: .broadcast, targetProtocolAddress: Captured.ipA),
            gratuitous: true,
            printed: "Reply 10.200.200.50 is-at 52:54:00:12:34:56"),
    ]

    @Test(arguments: cases)
    func parsesCapturedPacket(_ c: Case) throws {
        let ethernet = try EthernetHeader.parse(c.frame)
        #expect(ethernet.etherType == .arp)
        let packet = try ARPPacket.parse(Array(c.frame[14...]))
        #expect(packet.hardwareType == 1)
        #expect(packet.protocolType == 0x0800)
        #expect(packet.hardwareLength == 6)
        #expect(packet.protocolLength == 4)
        #expect(packet.operation == c.packet.operation)
        #expect(packet.senderHardwareAddress == c.packet.senderHardwareAddress)
        #expect(packet.senderProtocolAddress == c.packet.senderProtocolAddress)
        #expect(packet.targetHardwareAddress == c.packet.targetHardwareAddress)
        #expect(packet.targetProtocolAddress == c.packet.targetProtocolAddress)
        #expect(packet == c.packet)
        #expect(packet.isGratuitous == c.gratuitous)
        #expect(packet.description == c.printed)
        // Sender MAC in the packet matches the Ethernet source on every captured frame.
        #expect(packet.senderHardwareAddress == ethernet.source)
    }

    @Test(arguments: cases)
    func emitsCapturedPacketByteForByte(_ c: Case) {
        var bytes: [UInt8] = []
        c.packet.emit(into: &bytes)
        #expect(bytes.count == ARPPacket.length)
        #expect(bytes == Array(c.frame[14..<42]))
    }

    @Test func operationNames() {
        #expect(ARPOperation.request.rawValue == 1)
        #expect(ARPOperation.reply.rawValue == 2)
        #expect(ARPOperation.request.description == "request")
        #expect(ARPOperation.reply.description == "reply")
        #expect(ARPOperation(rawValue: 8).description == "opcode 8")
    }

    @Test func acceptsUnknownOpcodes() throws {
        var bytes = Array(Captured.arpRequest[14...])
        bytes[6] = 0x00
        bytes[7] = 0x08  // InARP request (RFC 2390)
        let packet = try ARPPacket.parse(bytes)
        #expect(packet.operation == ARPOperation(rawValue: 8))
        #expect(packet.operation != .request && packet.operation != .reply)
    }

    @Test func randomRoundTrip() throws {
        var rng = SplitMix64(seed: 0x4152_5031)
        for _ in 0..<5_000 {
            let packet = ARPPacket(
                operation: ARPOperation(rawValue: rng.bool() ? UInt16.random(in: 1...2, using: &rng) : rng.u16()),
                senderHardwareAddress: rng.mac(), senderProtocolAddress: rng.ipv4(),
                targetHardwareAddress: rng.mac(), targetProtocolAddress: rng.ipv4())
            var bytes: [UInt8] = []
            packet.emit(into: &bytes)
            #expect(bytes.count == 28)
            #expect(try ARPPacket.parse(bytes) == packet)
            bytes += [UInt8](repeating: 0, count: Int.random(in: 0...18, using: &rng))  // Ethernet padding
            #expect(try ARPPacket.parse(bytes) == packet)
        }
    }

    @Test(arguments: 0..<ARPPacket.length)
    func everyTruncationIsRejected(length: Int) {
        let prefix = Array(Captured.arpRequest[14...].prefix(length))
        #expect(throws: WireError.truncated(header: "ARP", needed: 28, available: length)) {
            try ARPPacket.parse(prefix)
        }
    }

    /// Byte offset in the packet, value written there, and the reason given: each makes the
    /// packet something other than Ethernet/IPv4 ARP.
    static let foreign: [(Int, UInt8, String)] = [
        (4, 7, "hardware address length is not 6"),
        (4, 0, "hardware address length is not 6"),
        (5, 16, "protocol address length is not 4"),  // IPv6 addresses
        (0, 0x01, "hardware type is not Ethernet (1)"),  // htype 0x0101
        (1, 6, "hardware type is not Ethernet (1)"),  // IEEE 802
        (2, 0x86, "protocol type is not IPv4 (0x0800)"),  // 0x8600
        (3, 0xDD, "protocol type is not IPv4 (0x0800)"),  // 0x08DD
    ]

    @Test(arguments: foreign)
    func rejectsNonEthernetIPv4(offset: Int, value: UInt8, reason: String) {
        var bytes = Array(Captured.arpReply[14...])
        bytes[offset] = value
        #expect(throws: WireError.malformed(header: "ARP", reason: reason)) { try ARPPacket.parse(bytes) }
    }

    /// A packet's length is checked before its format: 27 bytes of hlen-7 ARP is truncated.
    @Test func truncationIsReportedBeforeFormat() {
        var bytes = Array(Captured.arpReply[14..<41])
        bytes[4] = 7
        #expect(throws: WireError.truncated(header: "ARP", needed: 28, available: 27)) { try ARPPacket.parse(bytes) }
    }

    @Test func gratuitousIsAboutProtocolAddressesOnly() {
        var packet = Self.cases[0].packet
        #expect(!packet.isGratuitous)
        packet.targetProtocolAddress = packet.senderProtocolAddress
        #expect(packet.isGratuitous)
        packet.operation = .reply
        packet.targetHardwareAddress = .broadcast
        #expect(packet.isGratuitous)
    }
}
