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

    static func webView(interfaces: [String: Set<String>], nodes: [String] = ["node-a"]) -> ServiceView {
        var view = ServiceView(
            name: "default/web", isLoadBalancer: true, ingress: [Self.vip], poolProtocol: .layer2,
            readyEndpointNodes: nodes, eligibleNodes: nodes)
        view.announceInterfaces = interfaces
        return view
    }

    @Test(
        "current: the winner finds none of the advertisement's interfaces among those its scan listed, posts announceFailed for the address and announces nothing (SetBalancer in speaker/layer2_controller.go)"
    )
    func anAdvertisementNamingOnlyMissingInterfacesMakesTheWinnerFailToAnnounce() {
        var speaker = SpeakerController(
            node: "node-a", rules: .current,
            announcer: Announcer(scanning: [Self.first], rules: .current, schedule: .current))
        let result = speaker.sync(Self.webView(interfaces: ["node-a": ["eth9"]]), usableSpeakers: nil, now: 0)
        #expect(result.decision == .announceFailed([.v4(Self.vip)]))
        #expect(result.frames.isEmpty && !speaker.announcer.isAnnouncing(Self.vip))
        #expect(
            speaker.takeAnnounceFailures() == [
                AnnounceFailure(service: "default/web", ip: .v4(Self.vip), node: "node-a")
            ]
        )
    }

    @Test(
        "current: a NIC that is down is still among the names the scan lists, so the winner announces on it (no announceFailed) and answers once a scan opens its responder (updateInterfaces in internal/layer2/announcer.go lists names before looking at flags)"
    )
    func aDownInterfaceIsNoAnnounceFailure() {
        var down = Self.second
        down.isUp = false
        down.linkLocalStatus = .absent
        var speaker = SpeakerController(
            node: "node-a", rules: .current,
            announcer: Announcer(scanning: [Self.first, down], rules: .current, schedule: .current))
        let result = speaker.sync(Self.webView(interfaces: ["node-a": ["ens224"]]), usableSpeakers: nil, now: 0)
        #expect(result.decision == .announce([.v4(Self.vip)]))
        #expect(result.frames.isEmpty, "no responder on ens224 to send the round")
        #expect(speaker.respond(to: request(for: Self.vip), ethernetDestination: .broadcast, on: 1) == nil)
        speaker.kernelChanged([Self.first, Self.second])
        speaker.scanInterfaces()
        #expect(speaker.respond(to: request(for: Self.vip), ethernetDestination: .broadcast, on: 1) != nil)
        #expect(speaker.respond(to: request(for: Self.vip), ethernetDestination: .broadcast, on: 0) == nil)
    }

    @Test(
        "current: an announceFailed leaves the announcer as it was, so an address announced before on another interface stays announced there (SetBalancer in speaker/layer2_controller.go skips the address without deleting it)"
    )
    func announceFailedKeepsAnEarlierAnnouncement() {
        var speaker = SpeakerController(
            node: "node-a", rules: .current,
            announcer: Announcer(scanning: [Self.first], rules: .current, schedule: .current))
        _ = speaker.sync(Self.webView(interfaces: ["node-a": ["ens192"]]), usableSpeakers: nil, now: 0)
        let again = speaker.sync(
            Self.webView(interfaces: ["node-a": ["eth9"]]), usableSpeakers: nil, now: 1_000_000_000)
        #expect(again.decision == .announceFailed([.v4(Self.vip)]))
        #expect(speaker.announcer.isAnnouncing(Self.vip))
        #expect(speaker.respond(to: request(for: Self.vip), ethernetDestination: .broadcast, on: 0) != nil)
    }

    @Test(
        "current: the node whose interfaces are missing stays a candidate, so another speaker sees it win and announces nothing either (ShouldAnnounce in speaker/layer2_controller.go never looks at interfaces)"
    )
    func theFailingNodeStaysACandidate() throws {
        let nodes = ["node-a", "node-b"]
        let winner = try #require(Election.winner(candidates: nodes, key: Self.vip.description))
        let loser = nodes.first { $0 != winner }!
        var other = SpeakerController(
            node: loser, rules: .current,
            announcer: Announcer(scanning: [Self.first], rules: .current, schedule: .current))
        let view = Self.webView(interfaces: [winner: ["eth9"], loser: ["ens192"]], nodes: nodes)
        #expect(other.sync(view, usableSpeakers: nil, now: 0).decision == .withdraw(reason: .notOwner))
    }
}
