import TestSupport
import Testing

@testable import Wire

@Suite("EtherType")
struct EtherTypeTests {
    @Test(arguments: [
        (EtherType.arp, UInt16(0x0806), "ARP"),
        (.ipv4, 0x0800, "IPv4"),
        (.ipv6, 0x86DD, "IPv6"),
        (EtherType(rawValue: 0x1234), 0x1234, "0x1234"),
        (EtherType(rawValue: 0x8100), 0x8100, "0x8100"),
        (EtherType(rawValue: 0x0042), 0x0042, "0x0042"),
        (EtherType(rawValue: 0xBEEF), 0xBEEF, "0xbeef"),
    ])
    func valuesAndNames(type: EtherType, raw: UInt16, name: String) {
        #expect(type.rawValue == raw)
        #expect(type.description == name)
        #expect(EtherType(rawValue: raw) == type)
    }
}

@Suite("EthernetHeader")
struct EthernetHeaderTests {
    /// Real frames and the header each starts with.
    static let captured: [(String, [UInt8], MACAddress, MACAddress, EtherType)] = [
        ("ARP request", Captured.arpRequest, .broadcast, Captured.macA, .arp),
        ("ARP reply", Captured.arpReply, Captured.macA, Captured.macB, .arp),
        ("TCP SYN", Captured.tcpSYN, Captured.macB, Captured.macA, .ipv4),
        ("TCP SYN-ACK", Captured.tcpSYNACK, Captured.macA, Captured.macB, .ipv4),
        ("IPv6 RS", Captured.ipv6RouterSolicitation, MACAddress("33:33:00:00:00:02")!, Captured.macB, .ipv6),
    ]

    @Test(arguments: captured)
    func parsesCapturedFrame(name: String, frame: [UInt8], destination: MACAddress, source: MACAddress, type: EtherType)
        throws
    {
        let header = try EthernetHeader.parse(frame)
        #expect(header.destination == destination, "\(name)")
        #expect(header.source == source, "\(name)")
        #expect(header.etherType == type, "\(name)")
        // The buffer-pointer entry point agrees with the array one.
        let viaPointer = try frame.withUnsafeBytes { buffer in
            Result { () throws(WireError) in try EthernetHeader.parse(buffer) }
        }.get()
        #expect(viaPointer == header)
    }

    @Test(arguments: captured)
    func emitsCapturedHeaderByteForByte(
        name: String, frame: [UInt8], destination: MACAddress, source: MACAddress, type: EtherType
    ) {
        var bytes: [UInt8] = [0xAA]  // emit appends; what is already there stays
        EthernetHeader(destination: destination, source: source, etherType: type).emit(into: &bytes)
        #expect(bytes.count == 1 + EthernetHeader.length)
        #expect(bytes[0] == 0xAA)
        #expect(Array(bytes[1...]) == Array(frame.prefix(14)), "\(name)")
    }

    @Test func printsLikeTcpdump() throws {
        let header = try EthernetHeader.parse(Captured.arpRequest)
        #expect(header.description == "52:54:00:12:34:56 > ff:ff:ff:ff:ff:ff, ARP")
    }

    @Test func randomRoundTrip() throws {
        var rng = SplitMix64(seed: 0x4554_4845)
        for _ in 0..<5_000 {
            let header = EthernetHeader(
                destination: rng.mac(), source: rng.mac(), etherType: EtherType(rawValue: rng.u16()))
            var bytes: [UInt8] = []
            header.emit(into: &bytes)
            #expect(bytes.count == 14)
            #expect(try EthernetHeader.parse(bytes) == header)
            // Trailing payload does not change the header.
            bytes += rng.bytes(Int.random(in: 0...64, using: &rng))
            #expect(try EthernetHeader.parse(bytes) == header)
        }
    }

    @Test(arguments: 0..<EthernetHeader.length)
    func everyTruncationIsRejected(length: Int) {
        let prefix = Array(Captured.arpRequest.prefix(length))
        #expect(throws: WireError.truncated(header: "Ethernet", needed: 14, available: length)) {
            try EthernetHeader.parse(prefix)
        }
    }

    @Test func exactlyFourteenBytesIsEnough() throws {
        let header = try EthernetHeader.parse(Array(Captured.tcpSYN.prefix(14)))
        #expect(header.etherType == .ipv4)
    }
}
