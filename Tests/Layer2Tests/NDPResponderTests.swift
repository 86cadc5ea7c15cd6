import Testing
import Wire

@testable import Layer2

/// MetalLB's NDP responder (internal/layer2/ndp.go) through the announcer: which solicitations
/// get an answer, what the answer and the unsolicited advertisements look like.
@Suite("NDP responder")
struct NDPResponderTests {
    static let vip = IPv6Address("2001:db8::200")!
    static let other = IPv6Address("2001:db8::201")!
    /// A second announced address: its solicited-node group (ff02::1:ff00:300) is joined too.
    static let alsoAnnounced = IPv6Address("2001:db8::300")!
    static let eth0 = L2Interface(name: "eth0", hardwareAddress: MACAddress(0x02, 0, 0, 0, 0, 0x10))
    static let client = MACAddress(0x02, 0, 0, 0, 0, 0x99)

    struct Case: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var source: IPv6Address
        var destination: IPv6Address
        var target: IPv6Address
        var withSourceLinkLayer: Bool
        var hopLimit: UInt8 = 255
        var answered: Bool
    }

    static let cases: [Case] = [
        Case(
            testDescription: "a solicitation to the VIP's solicited-node group with a source link-layer address",
            source: IPv6Address("fe80::99")!, destination: vip.solicitedNodeMulticast, target: vip,
            withSourceLinkLayer: true, answered: true),
        Case(
            testDescription: "without a source link-layer address: ignored",
            source: IPv6Address("fe80::99")!, destination: vip.solicitedNodeMulticast, target: vip,
            withSourceLinkLayer: false, answered: false),
        Case(
            testDescription: "a duplicate address detection probe from ::: ignored",
            source: .unspecified, destination: vip.solicitedNodeMulticast, target: vip,
            withSourceLinkLayer: false, answered: false),
        Case(
            testDescription: "unicast neighbour unreachability detection to the VIP: the kernel drops it",
            source: IPv6Address("2001:db8::99")!, destination: vip, target: vip,
            withSourceLinkLayer: true, answered: false),
        Case(
            testDescription:
                "to all nodes (ff02::1), which the kernel delivers: answered, as MetalLB looks only at the target",
            source: IPv6Address("fe80::99")!, destination: .allNodes, target: vip,
            withSourceLinkLayer: true, answered: true),
        Case(
            testDescription: "through another announced address's group: answered, for the same reason",
            source: IPv6Address("fe80::99")!, destination: alsoAnnounced.solicitedNodeMulticast, target: vip,
            withSourceLinkLayer: true, answered: true),
        Case(
            testDescription: "unicast to the responder's own link-local address: delivered and answered",
            source: IPv6Address("fe80::99")!, destination: IPv6Address.linkLocal(for: eth0.hardwareAddress),
            target: vip,
            withSourceLinkLayer: true, answered: true),
        Case(
            testDescription: "through a group nobody joined: the kernel drops it",
            source: IPv6Address("fe80::99")!, destination: other.solicitedNodeMulticast, target: vip,
            withSourceLinkLayer: true, answered: false),
        Case(
            testDescription: "an address this node does not announce: ignored",
            source: IPv6Address("fe80::99")!, destination: other.solicitedNodeMulticast, target: other,
            withSourceLinkLayer: true, answered: false),
    ]

    func announcer() -> Announcer {
        var announcer = Announcer(interfaces: [Self.eth0], schedule: .current)
        _ = announcer.setBalancer(service: "default/web", ip: .v6(Self.vip), now: 0)
        _ = announcer.setBalancer(service: "default/api", ip: .v6(Self.alsoAnnounced), now: 0)
        return announcer
    }

    @Test(arguments: cases)
    func whichSolicitationsAreAnswered(_ test: Case) throws {
        let message = NDPMessage.neighborSolicitation(
            target: test.target,
            options: test.withSourceLinkLayer ? [.sourceLinkLayerAddress(Self.client)] : [])
        let header = IPv6Header(
            payloadLength: 32, nextHeader: .icmpv6, hopLimit: test.hopLimit,
            source: test.source, destination: test.destination)
        let reply = announcer().respond(to: message, in: header, on: 0)
        #expect((reply != nil) == test.answered)
    }

    /// RFC 4861 wants hop limit 255, and the kernel's `ndisc_rcv` drops anything else, but
    /// MetalLB reads a raw ICMPv6 socket that gets the packet first: mdlayher/ndp's
    /// `Conn.ReadFrom` filters only its own source and what `ParseMessage` cannot read, and
    /// `processRequest` looks at the options and the target.
    @Test(
        "a solicitation is answered whatever its hop limit (mdlayher/ndp Conn.ReadFrom never reads it; MetalLB internal/layer2/ndp.go processRequest)",
        arguments: [UInt8(255), 254, 64, 1])
    func answeredWhateverTheHopLimit(hopLimit: UInt8) {
        let message = NDPMessage.neighborSolicitation(target: Self.vip, options: [.sourceLinkLayerAddress(Self.client)])
        let header = IPv6Header(
            payloadLength: 32, nextHeader: .icmpv6, hopLimit: hopLimit, source: IPv6Address("fe80::99")!,
            destination: Self.vip.solicitedNodeMulticast)
        #expect(announcer().respond(to: message, in: header, on: 0) != nil)
    }

    /// mdlayher/ndp's `ParseMessage` dispatches on the ICMPv6 type and never reads the code
    /// (RFC 4861 and the kernel's `ndisc_rcv` want 0), so MetalLB answers a solicitation with
    /// a code like any other; the kernel's raw socket has already checked the checksum.
    @Test(
        "a solicitation with a non-zero ICMPv6 code is answered (mdlayher/ndp ParseMessage never reads the code; MetalLB internal/layer2/ndp.go processRequest)"
    )
    func answeredWhateverTheCode() throws {
        let group = Self.vip.solicitedNodeMulticast
        let frame = ndpFrame(
            EthernetFrame.ndp(
                .neighborSolicitation(target: Self.vip, options: [.sourceLinkLayerAddress(Self.client)]),
                destination: group.multicastMAC, source: Self.client, ipSource: IPv6Address("fe80::99")!,
                ipDestination: group),
            code: 7)
        #expect(throws: WireError.self, "the kernel's reading refuses it") { try EthernetFrame.decode(frame) }
        #expect(announcer().respond(to: frame, on: 0) != nil)
    }

    /// mdlayher/ndp's `Conn.ReadFrom` skips every message whose source is the address the
    /// connection was dialed on, the interface's link-local address.
    @Test(
        "a solicitation from the responder's own link-local address is not answered (mdlayher/ndp Conn.ReadFrom drops what its own address sent)"
    )
    func ownSourceIsIgnored() {
        let message = NDPMessage.neighborSolicitation(target: Self.vip, options: [.sourceLinkLayerAddress(Self.client)])
        let header = IPv6Header(
            payloadLength: 32, nextHeader: .icmpv6, hopLimit: 255,
            source: IPv6Address.linkLocal(for: Self.eth0.hardwareAddress), destination: Self.vip.solicitedNodeMulticast)
        #expect(announcer().respond(to: message, in: header, on: 0) == nil)
    }

    @Test func theAnswerIsASolicitedAdvertisementFromTheLinkLocalAddress() throws {
        let client = IPv6Address("fe80::99")!
        let solicitation = EthernetFrame.ndp(
            .neighborSolicitation(target: Self.vip, options: [.sourceLinkLayerAddress(Self.client)]),
            destination: Self.vip.solicitedNodeMulticast.multicastMAC, source: Self.client,
            ipSource: client, ipDestination: Self.vip.solicitedNodeMulticast)
        let reply = try #require(announcer().respond(to: solicitation, on: 0))
        #expect(reply.nextHop == client, "written to the solicitor's address, for the kernel to resolve")
        let decoded = try EthernetFrame.decode(reply.bytes)
        #expect(decoded.ethernet.destination == Self.client && decoded.ethernet.source == Self.eth0.hardwareAddress)
        guard case .ipv6NDP(let header, let message) = decoded.payload else {
            Issue.record("not NDP")
            return
        }
        #expect(header.source == IPv6Address.linkLocal(for: Self.eth0.hardwareAddress) && header.destination == client)
        #expect(header.hopLimit == 255)
        #expect(
            message
                == .neighborAdvertisement(
                    router: false, solicited: true, override: false, target: Self.vip,
                    options: [.targetLinkLayerAddress(Self.eth0.hardwareAddress)]))
    }

    @Test func gratuitousRoundsAreUnsolicitedOverrideAdvertisementsToAllNodes() throws {
        var announcer = Announcer(interfaces: [Self.eth0], schedule: .current)
        let first = announcer.setBalancer(service: "default/web", ip: .v6(Self.vip), now: 0)
        let ticks = (1...5).flatMap { announcer.tick(now: Int64($0) * 1_100_000_000) }
        #expect(first.count == 1 && ticks.count == 4, "rounds at 0, 1.1, 2.2, 3.3 and 4.4 s, one NA each")
        for frame in first + ticks {
            #expect(frame.nextHop == nil, "multicast: the kernel maps it to its MAC, nothing to resolve")
            let decoded = try EthernetFrame.decode(frame.bytes)
            #expect(decoded.ethernet.destination == MACAddress(0x33, 0x33, 0, 0, 0, 1))
            guard case .ipv6NDP(let header, let message) = decoded.payload else {
                Issue.record("not NDP")
                continue
            }
            #expect(header.destination == .allNodes && header.hopLimit == 255)
            #expect(
                message
                    == .neighborAdvertisement(
                        router: false, solicited: false, override: true, target: Self.vip,
                        options: [.targetLinkLayerAddress(Self.eth0.hardwareAddress)]))
        }
        #expect(announcer.solicitedNodeGroups == [Self.vip.solicitedNodeMulticast])
    }

    @Test(
        "an NDP responder a later scan opens has not joined the groups of addresses announced before it; withdrawing such an address takes its count below zero, so announcing it again only brings the count back to zero and never joins, while an address first announced after the opening is joined (SetBalancer and DeleteBalancer in internal/layer2/announcer.go watch through the responders open at that moment; Watch and Unwatch in internal/layer2/ndp.go count per group)"
    )
    func aLateResponderMissesEarlierGroups() {
        var down = Self.eth0
        down.isUp = false
        down.linkLocalStatus = .absent
        var announcer = Announcer(scanning: [down], rules: .current, schedule: .current)
        _ = announcer.setBalancer(service: "default/web", ip: .v6(Self.vip), now: 0)
        announcer.kernelChanged([Self.eth0])
        announcer.scan()
        let toGroup = solicitation(for: Self.vip, to: Self.vip.solicitedNodeMulticast)
        let toAllNodes = solicitation(for: Self.vip, to: .allNodes)
        #expect(announcer.respond(to: toGroup.message, in: toGroup.header, on: 0) == nil, "not in the group")
        #expect(announcer.respond(to: toAllNodes.message, in: toAllNodes.header, on: 0) != nil, "all nodes is heard")
        for round in 1...2 {
            announcer.deleteBalancer(service: "default/web")
            _ = announcer.setBalancer(service: "default/web", ip: .v6(Self.vip), now: Int64(round) * 10_000_000_000)
            #expect(announcer.respond(to: toGroup.message, in: toGroup.header, on: 0) == nil, "round \(round)")
        }
        _ = announcer.setBalancer(service: "default/api", ip: .v6(Self.other), now: 30_000_000_000)
        let toOtherGroup = solicitation(for: Self.other, to: Self.other.solicitedNodeMulticast)
        #expect(announcer.respond(to: toOtherGroup.message, in: toOtherGroup.header, on: 0) != nil)
    }

    func solicitation(for target: IPv6Address = NDPResponderTests.vip, to destination: IPv6Address) -> (
        message: NDPMessage, header: IPv6Header
    ) {
        (
            .neighborSolicitation(target: target, options: [.sourceLinkLayerAddress(Self.client)]),
            IPv6Header(
                payloadLength: 32, nextHeader: .icmpv6, hopLimit: 255, source: IPv6Address("fe80::99")!,
                destination: destination)
        )
    }

    @Test(
        "a link-local address still tentative: the NDP responder neither answers nor sends its rounds (the kernel refuses a tentative source address)"
    )
    func aTentativeAddressSendsNothing() {
        var announcer = announcer()
        var tentative = Self.eth0
        tentative.linkLocalStatus = .tentative
        announcer.kernelChanged([tentative])
        let toGroup = solicitation(to: Self.vip.solicitedNodeMulticast)
        #expect(announcer.respond(to: toGroup.message, in: toGroup.header, on: 0) == nil)
        #expect(announcer.gratuitous(.v6(Self.vip)).isEmpty)
    }

    @Test func anInterfaceWithoutALinkLocalAddressHasNoNDPResponder() {
        var announcer = Announcer(
            interfaces: [L2Interface(name: "eth0", hardwareAddress: Self.eth0.hardwareAddress, linkLocal: .some(nil))],
            schedule: .current)
        #expect(announcer.setBalancer(service: "default/web", ip: .v6(Self.vip), now: 0).isEmpty)
    }
}
