import Testing
import Wire

@testable import Layer2

/// The ARP responder (METALLB-SEMANTICS.md section 4, "ARP reply"): answer a request that is
/// broadcast or sent to this interface's MAC, asking for an address this node announces;
/// never look at the sender fields; reply to the requester's hardware address.
@Suite("Announcer ARP responder")
struct ARPResponderTests {
    static let clientMAC = mac("02:00:00:00:00:63")
    static let clientIP = ip("10.200.200.50")

    /// An announcer for `vip` on eth0 and eth1.
    static func announcing() -> Announcer {
        var announcer = Announcer(interfaces: [eth0, eth1], schedule: .current)
        _ = announcer.setBalancer(service: "default/nginx", ip: vip, now: 0)
        return announcer
    }

    @Test("a broadcast request for an announced IP gets the exact reply")
    func exactReply() throws {
        let announcer = Self.announcing()
        let request = arpRequest(from: Self.clientMAC, ip: Self.clientIP, for: vip)
        let reply = try #require(announcer.respond(to: request, on: 0))
        #expect(reply.interface == 0)

        let parsed = try parseARPFrame(reply.bytes)
        // Ethernet: to the requester's hardware address, from the interface, type ARP.
        #expect(parsed.ethernet.destination == Self.clientMAC)
        #expect(parsed.ethernet.source == eth0.hardwareAddress)
        #expect(parsed.ethernet.etherType.rawValue == 0x0806)
        // ARP: Ethernet/IPv4 format, a reply, "VIP is at this interface", back to the asker.
        #expect(parsed.arp.hardwareType == 1)
        #expect(parsed.arp.protocolType == 0x0800)
        #expect(parsed.arp.hardwareLength == 6)
        #expect(parsed.arp.protocolLength == 4)
        #expect(parsed.arp.operation.rawValue == 2)
        #expect(parsed.arp.senderHardwareAddress == eth0.hardwareAddress)
        #expect(parsed.arp.senderProtocolAddress == vip)
        #expect(parsed.arp.targetHardwareAddress == Self.clientMAC)
        #expect(parsed.arp.targetProtocolAddress == Self.clientIP)

        // And byte for byte, against a frame built independently here.
        let expected: [UInt8] =
            [0x02, 0x00, 0x00, 0x00, 0x00, 0x63] + [0x52, 0x54, 0x00, 0xAA, 0x00, 0x01] + [0x08, 0x06]
            + [0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x02]
            + [0x52, 0x54, 0x00, 0xAA, 0x00, 0x01] + [10, 200, 200, 120]
            + [0x02, 0x00, 0x00, 0x00, 0x00, 0x63] + [10, 200, 200, 50]
            + [UInt8](repeating: 0, count: 18)
        #expect(reply.bytes == expected)
    }

    @Test("the reply leaves by the interface the request came in on, with that interface's MAC")
    func replyOnIncomingInterface() throws {
        let announcer = Self.announcing()
        let request = arpRequest(from: Self.clientMAC, ip: Self.clientIP, for: vip)
        let reply = try #require(announcer.respond(to: request, on: 1))
        #expect(reply.interface == 1)
        let parsed = try parseARPFrame(reply.bytes)
        #expect(parsed.ethernet.source == eth1.hardwareAddress)
        #expect(parsed.arp.senderHardwareAddress == eth1.hardwareAddress)
    }

    @Test("a request unicast to the interface's own MAC is answered")
    func unicastToOwnMAC() throws {
        let announcer = Self.announcing()
        let request = arpRequest(
            from: Self.clientMAC, ip: Self.clientIP, for: vip,
            to: eth0.hardwareAddress, targetMAC: eth0.hardwareAddress)
        let reply = try #require(announcer.respond(to: request, on: 0))
        let parsed = try parseARPFrame(reply.bytes)
        #expect(parsed.ethernet.destination == Self.clientMAC)
        #expect(parsed.arp.operation == .reply)
        #expect(parsed.arp.senderProtocolAddress == vip)
    }

    @Test("a request unicast to another MAC is ignored")
    func unicastToOtherMACIgnored() {
        let announcer = Self.announcing()
        let request = arpRequest(from: Self.clientMAC, ip: Self.clientIP, for: vip, to: mac("52:54:00:cc:00:03"))
        #expect(announcer.respond(to: request, on: 0) == nil)
    }

    @Test("a request unicast to the other interface's MAC is ignored on this one")
    func unicastToSiblingInterfaceIgnored() {
        let announcer = Self.announcing()
        let request = arpRequest(from: Self.clientMAC, ip: Self.clientIP, for: vip, to: eth1.hardwareAddress)
        #expect(announcer.respond(to: request, on: 0) == nil)
        #expect(announcer.respond(to: request, on: 1) != nil)
    }

    @Test("an ARP reply is not answered")
    func replyIgnored() {
        let announcer = Self.announcing()
        let reply = arpRequest(from: Self.clientMAC, ip: Self.clientIP, for: vip, operation: .reply)
        #expect(announcer.respond(to: reply, on: 0) == nil)
    }

    @Test("an ARP operation other than request is not answered")
    func otherOperationIgnored() {
        let announcer = Self.announcing()
        let rarp = arpRequest(from: Self.clientMAC, ip: Self.clientIP, for: vip, operation: ARPOperation(rawValue: 3))
        #expect(announcer.respond(to: rarp, on: 0) == nil)
    }

    @Test("a request for an address not announced is ignored")
    func otherAddressIgnored() {
        let announcer = Self.announcing()
        let request = arpRequest(from: Self.clientMAC, ip: Self.clientIP, for: ip("10.200.200.121"))
        #expect(announcer.respond(to: request, on: 0) == nil)
    }

    @Test("nothing is answered before setBalancer or after deleteBalancer")
    func notAnnouncedNotAnswered() {
        var announcer = Announcer(interfaces: [eth0], schedule: .current)
        let request = arpRequest(from: Self.clientMAC, ip: Self.clientIP, for: vip)
        #expect(announcer.respond(to: request, on: 0) == nil)
        _ = announcer.setBalancer(service: "default/nginx", ip: vip, now: 0)
        #expect(announcer.respond(to: request, on: 0) != nil)
        announcer.deleteBalancer(service: "default/nginx")
        #expect(announcer.respond(to: request, on: 0) == nil)
    }

    /// Every length short of a full Ethernet + ARP frame (14 + 28 bytes).
    static let truncatedLengths = Array(0..<42)

    @Test("a truncated frame is ignored", arguments: truncatedLengths)
    func truncatedIgnored(length: Int) {
        let announcer = Self.announcing()
        let request = arpRequest(from: Self.clientMAC, ip: Self.clientIP, for: vip)
        #expect(announcer.respond(to: Array(request.prefix(length)), on: 0) == nil)
    }

    @Test("an unpadded 42-byte request is answered")
    func unpaddedRequestAnswered() {
        let announcer = Self.announcing()
        let request = arpRequest(from: Self.clientMAC, ip: Self.clientIP, for: vip)
        #expect(announcer.respond(to: Array(request.prefix(42)), on: 0) != nil)
    }

    @Test("a non-ARP frame is ignored even when its bytes look like a request")
    func nonARPIgnored() {
        let announcer = Self.announcing()
        let ipv4 = arpRequest(from: Self.clientMAC, ip: Self.clientIP, for: vip, etherType: .ipv4)
        let ipv6 = arpRequest(from: Self.clientMAC, ip: Self.clientIP, for: vip, etherType: .ipv6)
        #expect(announcer.respond(to: ipv4, on: 0) == nil)
        #expect(announcer.respond(to: ipv6, on: 0) == nil)
    }

    @Test("an ARP packet that is not Ethernet/IPv4 is ignored")
    func foreignARPFormatIgnored() {
        let announcer = Self.announcing()
        var request = arpRequest(from: Self.clientMAC, ip: Self.clientIP, for: vip)
        request[14] = 0x00
        request[15] = 0x06  // hardware type IEEE 802
        #expect(announcer.respond(to: request, on: 0) == nil)
    }

    /// No check on the sender fields: an ARP probe (sender 0.0.0.0) is answered, to the
    /// prober's MAC, with target protocol address 0.0.0.0.
    @Test("a request with sender IP 0.0.0.0 is still answered")
    func probeAnswered() throws {
        let announcer = Self.announcing()
        let probe = arpRequest(from: Self.clientMAC, ip: .any, for: vip)
        let reply = try #require(announcer.respond(to: probe, on: 0))
        let parsed = try parseARPFrame(reply.bytes)
        #expect(parsed.ethernet.destination == Self.clientMAC)
        #expect(parsed.arp.targetHardwareAddress == Self.clientMAC)
        #expect(parsed.arp.targetProtocolAddress == .any)
        #expect(parsed.arp.senderProtocolAddress == vip)
    }

    @Test("a gratuitous request from another node for the same VIP is still answered")
    func foreignGratuitousAnswered() throws {
        let announcer = Self.announcing()
        let other = mac("52:54:00:cc:00:03")
        let gratuitous = arpRequest(from: other, ip: vip, for: vip, targetMAC: .broadcast)
        let reply = try #require(announcer.respond(to: gratuitous, on: 0))
        let parsed = try parseARPFrame(reply.bytes)
        #expect(parsed.ethernet.destination == other)
        #expect(parsed.arp.targetProtocolAddress == vip)
    }

    @Test("the requester's Ethernet source is not used: the reply goes to the ARP sender hardware address")
    func replyToARPSenderNotEthernetSource() throws {
        let announcer = Self.announcing()
        var request = arpRequest(from: Self.clientMAC, ip: Self.clientIP, for: vip)
        // Rewrite the Ethernet source only.
        for (i, byte) in mac("02:00:00:00:00:99").octets.enumerated() { request[6 + i] = byte }
        let reply = try #require(announcer.respond(to: request, on: 0))
        #expect(try parseARPFrame(reply.bytes).ethernet.destination == Self.clientMAC)
    }
}
