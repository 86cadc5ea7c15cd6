import Engine
import Layer2
import Membership
import OrderedCollections
import Speaker
import Testing
import Wire

/// The speaker process as a whole, through its driver surface only: what goes out, in which
/// order, and when, for the events a node's speaker meets.
@Suite("Speaker: one MetalLB speaker process, sans-IO")
struct SpeakerProcessTests {
    static let second = SpeakerNet.second
    static let vip = IPAddress.v4(IPv4Address(192, 0, 2, 100))
    static let eth0 = L2Interface(name: "eth0", hardwareAddress: MACAddress(2, 0, 0, 0, 0, 1))

    static func single(
        _ rules: SpeakerController.Rules, interfaces: [L2Interface] = [eth0],
        selection: SpeakerConfiguration.InterfaceSelection = .metallb
    ) -> Speaker {
        Speaker(
            configuration: SpeakerConfiguration(
                node: "node-0", address: IPv4Address(192, 0, 2, 10),
                interfaces: interfaces, rules: rules, interfaceSelection: selection),
            generator: RandomStream(seed: 1), now: 0)
    }

    static func drain(_ speaker: inout Speaker) -> [SpeakerOutput] {
        var outputs: [SpeakerOutput] = []
        while let output = speaker.poll() { outputs.append(output) }
        return outputs
    }

    static func view(endpoints: [String] = ["node-0"]) -> ServiceView {
        SpeakerNet.view("192.0.2.100", endpoints: endpoints, rules: .current, nodes: ["node-0"])
    }

    @Test(
        "winning a service: the start is recorded, then the immediate round (request and reply), counted once, then the 1.1 s ticker (MetalLB internal/layer2/announcer.go SetBalancer)"
    )
    func winningOrder() throws {
        var speaker = Self.single(.current)
        #expect(Self.drain(&speaker).isEmpty, "without memberlist a new process arms nothing")
        speaker.handleServices([("default/svc", Self.view())], now: 2 * Self.second)
        let outputs = Self.drain(&speaker)
        try #require(outputs.count == 5)
        #expect(outputs[0] == .record(.startedAnnouncing(Self.vip)))
        for output in outputs[1...2] {
            guard case .transmit(let frame) = output else {
                Issue.record("expected a frame, got \(output)")
                continue
            }
            #expect(frame.purpose == .gratuitous(Self.vip))
            #expect(frame.interface == 0)
        }
        #expect(outputs[3] == .record(.gratuitousRound(Self.vip, frames: 2)))
        #expect(outputs[4] == .arm(.gratuitous, at: 2 * Self.second + 1_100_000_000))
    }

    @Test("current: five rounds at 0, 1.1, 2.2, 3.3, 4.4 s, then the window closes and the ticker is not re-armed")
    func fiveRounds() {
        var speaker = Self.single(.current)
        speaker.handleServices([("default/svc", Self.view())], now: 0)
        var rounds: [Int64] = []
        var pending: [(SpeakerTimer, Int64)] = []
        var now: Int64 = 0
        while true {
            for output in Self.drain(&speaker) {
                if case .record(.gratuitousRound) = output { rounds.append(now) }
                if case .arm(let timer, let time) = output { pending.append((timer, time)) }
            }
            guard let next = pending.min(by: { $0.1 < $1.1 }) else { break }
            pending.removeAll { $0 == next }
            now = next.1
            speaker.handleTimeout(next.0, now: now)
        }
        #expect(rounds == [0, 1_100_000_000, 2_200_000_000, 3_300_000_000, 4_400_000_000])
    }

    @Test("a superseded ticker wake-up does nothing: only the armed time counts")
    func supersededTimer() {
        var speaker = Self.single(.current)
        speaker.handleServices([("default/svc", Self.view())], now: 0)
        _ = Self.drain(&speaker)
        speaker.handleTimeout(.gratuitous, now: 900_000_000)
        #expect(Self.drain(&speaker).isEmpty)
    }

    @Test("an ARP request for the address is answered on the interface it came in on, as a reply, not a round")
    func answersARP() throws {
        var speaker = Self.single(.current)
        speaker.handleServices([("default/svc", Self.view())], now: 0)
        _ = Self.drain(&speaker)
        let asker = MACAddress(2, 0, 0, 0, 0, 0x99)
        let request = ARPPacket(
            operation: .request, senderHardwareAddress: asker,
            senderProtocolAddress: IPv4Address(192, 0, 2, 1), targetHardwareAddress: .zero,
            targetProtocolAddress: IPv4Address(192, 0, 2, 100))
        speaker.handleFrame(EthernetFrame.arp(request, destination: .broadcast, source: asker), interface: 0, now: 10)
        let outputs = Self.drain(&speaker)
        try #require(outputs.count == 1)
        guard case .transmit(let frame) = outputs[0] else {
            Issue.record("no reply")
            return
        }
        #expect(frame.purpose == .reply)
        let reply = try EthernetFrame.decode(frame.bytes)
        guard case .arp(let packet) = reply.payload else {
            Issue.record("not ARP")
            return
        }
        #expect(packet.senderHardwareAddress == Self.eth0.hardwareAddress)
        #expect(reply.ethernet.destination == asker)
    }

    /// MetalLB writes its NDP answer with `ndp.Conn.WriteTo` to the solicitation's source
    /// address, so the node's kernel routes it and resolves that address first; its
    /// gratuitous advertisements go to ff02::1, which the kernel maps straight to a MAC.
    @Test(
        "an NDP answer is handed to the node's kernel with the solicitor's address as its next hop; gratuitous advertisements have none (MetalLB internal/layer2/ndp.go advertise, Gratuitous)"
    )
    func ndpAnswerNamesTheSolicitorAsNextHop() throws {
        var speaker = Self.single(.current)
        let vip6 = IPv6Address("2001:db8::100")!
        let view = ServiceView(
            name: "default/v6", isLoadBalancer: true, ingress: [.v6(vip6)], poolProtocol: .layer2,
            readyEndpointNodes: ["node-0"], eligibleNodes: ["node-0"])
        speaker.handleServices([("default/v6", view)], now: 0)
        let gratuitous = Self.drain(&speaker).compactMap { output -> SpeakerFrame? in
            guard case .transmit(let frame) = output else { return nil }
            return frame
        }
        #expect(!gratuitous.isEmpty && gratuitous.allSatisfy { $0.nextHop == nil })
        let solicitor = IPv6Address("2001:db8::99")!
        let asker = MACAddress(2, 0, 0, 0, 0, 0x99)
        let message = NDPMessage.neighborSolicitation(target: vip6, options: [.sourceLinkLayerAddress(asker)])
        let header = IPv6Header(
            payloadLength: 32, nextHeader: .icmpv6, hopLimit: 255, source: solicitor,
            destination: vip6.solicitedNodeMulticast)
        speaker.handleNDP(message, in: header, interface: 0, now: 10)
        let outputs = Self.drain(&speaker)
        try #require(outputs.count == 1)
        guard case .transmit(let frame) = outputs[0] else {
            Issue.record("no answer: \(outputs)")
            return
        }
        #expect(frame.purpose == .reply && frame.nextHop == solicitor)
    }

    /// mdlayher/arp's `Packet.UnmarshalBinary` checks only that the addresses fit, and
    /// MetalLB's responder (internal/layer2/arp.go, `processRequest`) never looks at the
    /// hardware or protocol type; its reply (`arp.NewPacket`) is always Ethernet/IPv4 and
    /// needs 6-byte hardware addresses.
    @Test(
        "ARP of any hardware and protocol type is answered, with an Ethernet/IPv4 reply; other address lengths are not",
        arguments: [(UInt16(6), UInt16(0x0800), UInt8(6), true), (0x1234, 0x86DD, 6, true), (1, 0x0800, 8, false)])
    func answersARPOfAnyType(hardwareType: UInt16, protocolType: UInt16, hardwareLength: UInt8, answered: Bool) throws {
        var speaker = Self.single(.current)
        speaker.handleServices([("default/svc", Self.view())], now: 0)
        _ = Self.drain(&speaker)
        let asker = MACAddress(2, 0, 0, 0, 0, 0x99)
        let request = ARPPacket(
            hardwareType: hardwareType, protocolType: protocolType, hardwareLength: hardwareLength,
            operation: .request, senderHardwareAddress: asker,
            senderProtocolAddress: IPv4Address(192, 0, 2, 1), targetHardwareAddress: .zero,
            targetProtocolAddress: IPv4Address(192, 0, 2, 100))
        speaker.handleFrame(EthernetFrame.arp(request, destination: .broadcast, source: asker), interface: 0, now: 10)
        let outputs = Self.drain(&speaker)
        guard answered else {
            #expect(outputs.isEmpty)
            return
        }
        guard case .transmit(let frame) = try #require(outputs.first) else {
            Issue.record("no reply: \(outputs)")
            return
        }
        guard case .arp(let reply) = try EthernetFrame.decode(frame.bytes).payload else {
            Issue.record("not Ethernet/IPv4 ARP")
            return
        }
        #expect(reply.operation == .reply && reply.targetHardwareAddress == asker)
    }

    @Test(
        "current skips veth* when it scans interfaces (announcedInterfacesToExclude in MetalLB internal/layer2/announcer.go); an interface the driver names is used whatever its name"
    )
    func interfaceSelection() {
        let veth = L2Interface(name: "veth0", hardwareAddress: MACAddress(2, 0, 0, 0, 0, 7))
        var scanned = Self.single(.current, interfaces: [veth])
        scanned.handleServices([("default/svc", Self.view())], now: 0)
        #expect(!Self.drain(&scanned).contains { if case .transmit = $0 { true } else { false } })
        var given = Self.single(.current, interfaces: [veth], selection: .given)
        given.handleServices([("default/svc", Self.view())], now: 0)
        #expect(Self.drain(&given).contains { if case .transmit = $0 { true } else { false } })
    }

    @Test("a kill records the end of every announcement, then the exit, and nothing after")
    func killStopsAnnouncing() {
        var speaker = Self.single(.current)
        speaker.handleServices([("default/svc", Self.view())], now: 0)
        _ = Self.drain(&speaker)
        speaker.terminate(graceful: false, now: Self.second)
        #expect(Self.drain(&speaker) == [.record(.stoppedAnnouncing(Self.vip)), .exited])
        speaker.handleServices([("default/svc", Self.view())], now: 2 * Self.second)
        #expect(Self.drain(&speaker).isEmpty)
    }

    @Test(
        "a restarted speaker re-runs every election from what its informers list when they sync (MetalLB speaker/main.go ForceSync over the informer's store)"
    )
    func forceSyncFromInformer() {
        var net = SpeakerNet(count: 2, rules: .current)
        let nodes = ["node-0", "node-1"]
        net.run(until: Self.second)
        let view = SpeakerNet.view("192.0.2.100", endpoints: nodes, rules: .current, nodes: nodes)
        net.deliver([(view.name, view)])
        let owner = net.announcers(of: Self.vip)
        #expect(owner.count == 1)
        // The owner restarts; its informers list the service as delivered before.
        let index = net.node(owner[0])
        net.drive(index) { $0.terminate(graceful: false, now: $1) }
        #expect(net.announcers(of: Self.vip).isEmpty)
        net.start(index, resync: true, informer: [view.name: view])
        net.run(until: net.now + 10 * Self.second)
        #expect(net.announcers(of: Self.vip) == owner, "the restarted owner wins again from its informer's copy")
    }
}
