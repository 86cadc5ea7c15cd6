import Testing
import Wire

@testable import Layer2

/// Which interfaces get a responder (MetalLB's `updateInterfaces`), and the per-address
/// interface list of current's L2Advertisement `interfaces`.
@Suite("Speaker interfaces")
struct InterfaceTests {
    static let mac = MACAddress(0x02, 0, 0, 0, 0, 1)

    @Test(
        arguments: [
            ("an ordinary NIC", L2Interface(name: "ens192", hardwareAddress: mac), true, true),
            ("down", L2Interface(name: "ens224", hardwareAddress: mac, isUp: false), false, false),
            ("enslaved to a bond", L2Interface(name: "ens256", hardwareAddress: mac, master: "bond0"), false, false),
            ("NOARP", L2Interface(name: "tun0", hardwareAddress: mac, isNoARP: true), false, false),
            ("not broadcast-capable", L2Interface(name: "wg0", hardwareAddress: mac, isBroadcast: false), false, false),
            ("docker0: current excludes it by name", L2Interface(name: "docker0", hardwareAddress: mac), true, false),
            ("a veth: current excludes it by name", L2Interface(name: "veth1a2b", hardwareAddress: mac), true, false),
            ("cali: current excludes it by name", L2Interface(name: "cali12345", hardwareAddress: mac), true, false),
            (
                "kube-ipvs0: current excludes it by name", L2Interface(name: "kube-ipvs0", hardwareAddress: mac), true,
                false
            ),
            ("the bond itself is fine", L2Interface(name: "bond0", hardwareAddress: mac), true, true),
        ] as [(String, L2Interface, Bool, Bool)])
    func responderEligibility(_ desc: String, interface: L2Interface, v094: Bool, current: Bool) {
        #expect(interface.answersARP(rules: .v0_9_4) == v094, "\(desc): v0.9.4")
        #expect(interface.answersARP(rules: .current) == current, "\(desc): current")
    }

    static let vip = IPv4Address(192, 0, 2, 200)
    static let first = L2Interface(name: "ens192", hardwareAddress: MACAddress(0x02, 0, 0, 0, 0, 1))
    static let second = L2Interface(name: "ens224", hardwareAddress: MACAddress(0x02, 0, 0, 0, 0, 2))

    func request(for ip: IPv4Address) -> ARPPacket {
        ARPPacket(
            operation: .request, senderHardwareAddress: MACAddress(0x02, 0, 0, 0, 9, 9),
            senderProtocolAddress: IPv4Address(192, 0, 2, 50), targetHardwareAddress: .zero, targetProtocolAddress: ip)
    }

    @Test func withoutAnInterfaceListEveryInterfaceClaimsTheAddress() {
        var announcer = Announcer(interfaces: [Self.first, Self.second], schedule: .current)
        let frames = announcer.setBalancer(service: "default/web", ip: Self.vip, now: 0)
        #expect(frames.map(\.interface) == [0, 0, 1, 1], "a request and a reply on each interface")
        #expect(announcer.respond(to: request(for: Self.vip), ethernetDestination: .broadcast, on: 0) != nil)
        #expect(announcer.respond(to: request(for: Self.vip), ethernetDestination: .broadcast, on: 1) != nil)
    }

    @Test func anInterfaceListLimitsTheRoundsAndTheAnswers() {
        var announcer = Announcer(interfaces: [Self.first, Self.second], schedule: .current)
        let frames = announcer.setBalancer(service: "default/web", ip: Self.vip, interfaceNames: ["ens224"], now: 0)
        #expect(frames.map(\.interface) == [1, 1])
        #expect(frames.allSatisfy { Array($0.bytes[6..<12]) == Self.second.hardwareAddress.octets })
        #expect(announcer.respond(to: request(for: Self.vip), ethernetDestination: .broadcast, on: 0) == nil)
        let reply = announcer.respond(to: request(for: Self.vip), ethernetDestination: .broadcast, on: 1)
        #expect(reply?.interface == 1)
        let later = announcer.tick(now: 1_100_000_000)
        #expect(later.map(\.interface) == [1, 1])
    }

    @Test func anAdvertisementNamingOnlyMissingInterfacesMakesTheWinnerFailToAnnounce() {
        var speaker = SpeakerController(
            node: "node-a", rules: .current,
            announcer: Announcer(interfaces: [Self.first], schedule: .current))
        var view = ServiceView(
            name: "default/web", isLoadBalancer: true, ingress: [Self.vip], poolProtocol: .layer2,
            readyEndpointNodes: ["node-a"], eligibleNodes: ["node-a"])
        view.announceInterfaces = ["node-a": ["eth9"]]
        let result = speaker.sync(view, usableSpeakers: nil, now: 0)
        #expect(result.decision == .withdraw(reason: .announceFailed))
        #expect(result.frames.isEmpty && !speaker.announcer.isAnnouncing(Self.vip))
    }
}
