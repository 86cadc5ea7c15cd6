import Engine
import Testing
import Wire

@testable import Simulation

/// The node's kernel between MetalLB's NDP responder and the solicitor. MetalLB writes its
/// answer to the solicitation's source address through an ICMPv6 socket (internal/layer2/ndp.go,
/// `advertise`), so it leaves through the kernel's neighbour table, and the kernel learns
/// nothing from a solicitation for an address it does not own (net/ipv6/ndisc.c,
/// `ndisc_recv_ns` stops before its neighbour update). The kernel keeps RFC 4861's checks for
/// its own link-local address; MetalLB's raw socket skips them.
@Suite("Simulation: the node's kernel and MetalLB's NDP responder")
struct NodeNDPTests {
    static let stranger = IPv6Address("2001:db8::99")!
    static let strangerMAC = MACAddress(0x02, 0x00, 0x00, 0x00, 0x00, 0x99)

    /// The solicited advertisements `node` sent for `target`.
    static func answers(
        for target: IPv6Address, from node: NodeHost, in trace: RecordingTrace
    ) -> [(time: SimTime, ethernet: EthernetHeader, ip: IPv6Header, message: NDPMessage)] {
        ndpMessages(trace.segment).filter {
            guard $0.ethernet.source == node.mac, case .neighborAdvertisement(_, true, _, target, _) = $0.message
            else { return false }
            return true
        }
    }

    /// The solicitations `node` sent for `target`.
    static func solicitations(
        for target: IPv6Address, from node: NodeHost, in trace: RecordingTrace
    ) -> [(time: SimTime, ethernet: EthernetHeader, ip: IPv6Header, message: NDPMessage)] {
        ndpMessages(trace.segment).filter {
            guard $0.ethernet.source == node.mac, case .neighborSolicitation(target, _) = $0.message else {
                return false
            }
            return true
        }
    }

    /// client-0's solicitation for `target`, as its kernel sends it, injected at `time`.
    static func solicit(_ target: IPv6Address, in world: World, at time: SimTime) {
        let client = world.clients[0]
        world.inject(solicitationFrame(for: target, from: clientIPv6, mac: client.mac), from: client.port, at: time)
    }

    @Test(
        "the first answer to a solicitor waits for the node's kernel to resolve it: its NS from the link-local address to the solicitor's solicited-node group, the solicitor's NA, then MetalLB's NA (MetalLB internal/layer2/ndp.go advertise; Linux net/ipv6/ndisc.c ndisc_recv_ns, ndisc_solicit)"
    )
    func theFirstAnswerWaitsForOneRoundTrip() throws {
        let trace = RecordingTrace(wantsInterfaceFrames: false)
        let world = try clusterWorldIPv6(trace: trace)
        let node = world.nodes[0]
        let client = world.clients[0]
        let latency = world.config.latency
        let nodeLinkLocal = IPv6Address.linkLocal(for: node.mac)
        world.run(until: .seconds(1))
        let ndp = ndpMessages(trace.segment)

        let asked = try #require(ndp.first { $0.ethernet.source == client.mac && $0.message.target == vip6 })
        let resolution = try #require(Self.solicitations(for: clientIPv6, from: node, in: trace).first)
        #expect(resolution.time == asked.time + latency, "the answer is queued at once, and the kernel solicits")
        #expect(resolution.ethernet.destination == clientIPv6.solicitedNodeMulticast.multicastMAC)
        #expect(resolution.ip.source == nodeLinkLocal && resolution.ip.destination == clientIPv6.solicitedNodeMulticast)
        #expect(resolution.ip.hopLimit == 255)
        #expect(resolution.message.sourceLinkLayerAddress == node.mac)

        let resolved = try #require(
            ndp.first { $0.ethernet.source == client.mac && $0.message.target == clientIPv6 })
        #expect(resolved.time == resolution.time + latency)
        #expect(resolved.ethernet.destination == node.mac)
        #expect(resolved.ip.source == clientIPv6 && resolved.ip.destination == nodeLinkLocal)
        #expect(
            resolved.message
                == .neighborAdvertisement(
                    router: false, solicited: true, override: true, target: clientIPv6,
                    options: [.targetLinkLayerAddress(client.mac)]))

        let answer = try #require(Self.answers(for: vip6, from: node, in: trace).first)
        #expect(answer.time == resolved.time + latency, "MetalLB's answer leaves once the solicitor is REACHABLE")
        #expect(answer.ethernet.destination == client.mac && answer.ip.destination == clientIPv6)
        #expect(answer.ip.source == nodeLinkLocal)
        #expect(
            answer.message
                == .neighborAdvertisement(
                    router: false, solicited: true, override: false, target: vip6,
                    options: [.targetLinkLayerAddress(node.mac)]))
        #expect(world.recorder.probes.first?.answeredBy == node.mac)
    }

    @Test(
        "later answers to the same solicitor go out at once while the node's entry is usable; a STALE entry is probed 5 s later with a unicast NS, which the solicitor answers (Linux net/core/neighbour.c __neigh_event_send, neigh_timer_handler; net/ipv6/ndisc.c ndisc_recv_ns)"
    )
    func laterAnswersGoOutAtOnce() throws {
        let trace = RecordingTrace(wantsInterfaceFrames: false)
        let world = try clusterWorldIPv6(probing: false, trace: trace)
        let node = world.nodes[0]
        let client = world.clients[0]
        let latency = world.config.latency
        for time in [SimTime.seconds(1), .seconds(2), .seconds(60)] { Self.solicit(vip6, in: world, at: time) }
        world.run(until: .seconds(59))
        #expect(
            node.neighbourDiscovery.tables[0].entry(for: clientIPv6)?.state == .stale, "unused past its reachable time")
        world.run(until: .seconds(70))

        let answers = Self.answers(for: vip6, from: node, in: trace).map(\.time)
        #expect(
            answers == [SimTime.seconds(1) + latency * 3, SimTime.seconds(2) + latency, SimTime.seconds(60) + latency])
        let solicitations = Self.solicitations(for: clientIPv6, from: node, in: trace)
        #expect(solicitations.map(\.time) == [SimTime.seconds(1) + latency, SimTime.seconds(65) + latency])
        let probe = try #require(solicitations.last)
        #expect(probe.ethernet.destination == client.mac && probe.ip.destination == clientIPv6)
        #expect(probe.ip.source == IPv6Address.linkLocal(for: node.mac))
        #expect(probe.message.sourceLinkLayerAddress == node.mac)

        let confirmation = try #require(
            ndpMessages(trace.segment).first {
                $0.time > probe.time && $0.ethernet.source == client.mac && $0.message.target == clientIPv6
            })
        #expect(confirmation.time == probe.time + latency)
        #expect(
            confirmation.message
                == .neighborAdvertisement(
                    router: false, solicited: true, override: false, target: clientIPv6, options: []),
            "a unicast solicitation gets neither O nor the option")
        #expect(node.neighbourDiscovery.tables[0].entry(for: clientIPv6)?.state == .reachable)
    }

    @Test(
        "MetalLB's unsolicited advertisements go to all nodes and leave without any resolution (MetalLB internal/layer2/ndp.go Gratuitous)"
    )
    func unsolicitedAdvertisementsNeedNoResolution() throws {
        let trace = RecordingTrace(wantsInterfaceFrames: false)
        let world = try clusterWorldIPv6(probing: false, trace: trace)
        let node = world.nodes[0]
        world.run(until: .seconds(10))
        let fromNode = ndpMessages(trace.segment).filter { $0.ethernet.source == node.mac }
        #expect(fromNode.count == 5, "current's five rounds, and nothing else: \(fromNode.map(\.message))")
        for frame in fromNode {
            #expect(
                frame.ethernet.destination == IPv6Address.allNodes.multicastMAC && frame.ip.destination == .allNodes)
            #expect(
                frame.message
                    == .neighborAdvertisement(
                        router: false, solicited: false, override: true, target: vip6,
                        options: [.targetLinkLayerAddress(node.mac)]))
        }
    }

    struct Who: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var nodeLinkLocal: Bool
        var hopLimit: UInt8 = 255
        var code: UInt8 = 0
        var badChecksum = false
        var answered: Bool
    }

    static let who: [Who] = [
        Who(testDescription: "MetalLB, a valid solicitation", nodeLinkLocal: false, answered: true),
        Who(testDescription: "MetalLB, hop limit 254", nodeLinkLocal: false, hopLimit: 254, answered: true),
        Who(testDescription: "MetalLB, hop limit 1", nodeLinkLocal: false, hopLimit: 1, answered: true),
        Who(testDescription: "MetalLB, code 1", nodeLinkLocal: false, code: 1, answered: true),
        Who(testDescription: "MetalLB, a bad checksum", nodeLinkLocal: false, badChecksum: true, answered: false),
        Who(testDescription: "the kernel, a valid solicitation", nodeLinkLocal: true, answered: true),
        Who(testDescription: "the kernel, hop limit 254", nodeLinkLocal: true, hopLimit: 254, answered: false),
        Who(testDescription: "the kernel, code 1", nodeLinkLocal: true, code: 1, answered: false),
        Who(testDescription: "the kernel, a bad checksum", nodeLinkLocal: true, badChecksum: true, answered: false),
    ]

    /// For the service address the answer is MetalLB's, for the node's link-local address the
    /// kernel's. The kernel's answer carries R=1 (a Kubernetes node forwards IPv6), and O and
    /// the option, as the solicitation came to a group.
    @Test(
        "MetalLB answers a solicitation for a service address whatever its hop limit and code; the kernel answers one for its own link-local address only with hop limit 255 and code 0; a bad checksum reaches neither (Linux net/ipv6/ndisc.c ndisc_rcv, net/ipv6/raw.c; mdlayher/ndp ParseMessage)",
        arguments: who)
    func whoAnswersWhat(_ test: Who) throws {
        let trace = RecordingTrace(wantsInterfaceFrames: false)
        let world = try clusterWorldIPv6(probing: false, trace: trace)
        let node = world.nodes[0]
        let client = world.clients[0]
        let nodeLinkLocal = IPv6Address.linkLocal(for: node.mac)
        let target = test.nodeLinkLocal ? nodeLinkLocal : vip6
        world.inject(
            solicitationFrame(
                for: target, from: clientIPv6, mac: client.mac, hopLimit: test.hopLimit, code: test.code,
                badChecksum: test.badChecksum), from: client.port, at: .seconds(1))
        world.run(until: .seconds(2))
        let answers = Self.answers(for: target, from: node, in: trace)
        #expect(answers.count == (test.answered ? 1 : 0), "\(answers.map(\.message))")
        if test.answered && test.nodeLinkLocal {
            let answer = try #require(answers.first)
            #expect(
                answer.time == SimTime.seconds(1) + world.config.latency, "the solicitation's option made the entry")
            #expect(answer.ip.source == nodeLinkLocal && answer.ip.destination == clientIPv6)
            #expect(answer.ethernet.destination == client.mac)
            #expect(
                answer.message
                    == .neighborAdvertisement(
                        router: true, solicited: true, override: true, target: nodeLinkLocal,
                        options: [.targetLinkLayerAddress(node.mac)]))
        }
    }

    @Test(
        "an answer to a solicitor nobody owns waits while the kernel sends three solicitations 1 s apart, and is dropped when the entry fails (Linux net/core/neighbour.c neigh_timer_handler, neigh_invalidate)"
    )
    func anUnresolvableSolicitorGetsNoAnswer() throws {
        let trace = RecordingTrace(wantsInterfaceFrames: false)
        let world = try clusterWorldIPv6(probing: false, trace: trace)
        let node = world.nodes[0]
        let latency = world.config.latency
        world.inject(
            solicitationFrame(for: vip6, from: Self.stranger, mac: Self.strangerMAC), from: world.clients[0].port,
            at: .seconds(1))
        world.run(until: .seconds(10))
        let solicitations = Self.solicitations(for: Self.stranger, from: node, in: trace)
        #expect(solicitations.map(\.time) == [Int64(1), 2, 3].map { SimTime.seconds($0) + latency })
        #expect(solicitations.allSatisfy { $0.ip.destination == Self.stranger.solicitedNodeMulticast })
        #expect(node.neighbourDiscovery.tables[0].entry(for: Self.stranger)?.state == .failed)
        #expect(Self.answers(for: vip6, from: node, in: trace).isEmpty)
    }

    @Test(
        "an interface that goes down forgets its neighbours: the next answer waits for a new resolution (Linux net/ipv6/ndisc.c ndisc_netdev_event: neigh_ifdown, neigh_carrier_down)"
    )
    func aLinkFlapForgetsTheSolicitor() throws {
        let trace = RecordingTrace(wantsInterfaceFrames: false)
        let world = try clusterWorldIPv6(probing: false, trace: trace)
        let node = world.nodes[0]
        let latency = world.config.latency
        Self.solicit(vip6, in: world, at: .seconds(1))
        world.at(.seconds(2)) { $0.setLink(node: "node-a", up: false) }
        world.at(.seconds(3)) { $0.setLink(node: "node-a", up: true) }
        Self.solicit(vip6, in: world, at: .seconds(4))
        world.run(until: .ms(2_500))
        #expect(node.neighbourDiscovery.tables[0].entry(for: clientIPv6) == nil)
        world.run(until: .seconds(5))
        #expect(
            Self.solicitations(for: clientIPv6, from: node, in: trace).map(\.time)
                == [SimTime.seconds(1) + latency, SimTime.seconds(4) + latency])
        #expect(
            Self.answers(for: vip6, from: node, in: trace).map(\.time)
                == [SimTime.seconds(1) + latency * 3, SimTime.seconds(4) + latency * 3])
    }
}
