import Engine
import Testing
import Wire

@testable import Simulation

// The IPv6 client in a world with MetalLB's NDP responder and kube-proxy: what ndisc_solicit
// and ndisc_send_ns put on the wire, and what MetalLB's not answering NUD probes does to the
// client's entry.

@Suite("ClientHost: IPv6 neighbour discovery against MetalLB")
struct ClientHostIPv6Tests {
    // Kernel: ndisc_solicit with the SYN queued passes the SYN's source address, and
    // ndisc_send_ns includes a Source Link-Layer Address option for any source but ::. The
    // destination is the target's solicited-node group, ff02::1:ff00:200 on 33:33:ff:00:02:00.
    // MetalLB answers from the node's link-local address, S=1 O=0 (once the node's kernel has
    // resolved the client: NodeNDPTests), and the SYN goes out to the node's MAC once the
    // advertisement arrives.
    @Test func resolutionGoesToTheSolicitedNodeGroupWithTheSourceLinkLayerAddress() throws {
        let trace = RecordingTrace()
        let world = try clusterWorldIPv6(trace: trace)
        let node = world.nodes[0]
        let client = world.clients[0]
        world.run(until: .seconds(1))
        let ndp = ndpMessages(trace.segment)
        let solicitation = try #require(ndp.first { $0.ethernet.source == client.mac })
        #expect(
            solicitation.message == .neighborSolicitation(target: vip6, options: [.sourceLinkLayerAddress(client.mac)]))
        #expect(solicitation.ip.destination == IPv6Address("ff02::1:ff00:200")!)
        #expect(solicitation.ethernet.destination == MACAddress(0x33, 0x33, 0xff, 0x00, 0x02, 0x00))
        #expect(solicitation.ip.source == clientIPv6, "the queued SYN's source address")
        #expect(solicitation.ip.hopLimit == 255)

        let answer = try #require(
            ndp.first {
                guard $0.time > solicitation.time, $0.ethernet.source == node.mac,
                    case .neighborAdvertisement(_, true, _, vip6, _) = $0.message
                else { return false }
                return true
            })
        #expect(
            answer.message
                == .neighborAdvertisement(
                    router: false, solicited: true, override: false, target: vip6,
                    options: [.targetLinkLayerAddress(node.mac)]))
        #expect(answer.ethernet.destination == client.mac)
        #expect(answer.ip.source == IPv6Address.linkLocal(for: node.mac))
        #expect(client.ndNeighbours.entry(for: vip6)?.mac == node.mac)
        #expect(world.recorder.probes.first?.answeredBy == node.mac)
        #expect(client.neighbours.entries.isEmpty, "IPv6 probes leave the ARP table alone")
    }

    // Kernel: tcp_ack on each SYN-ACK is forward progress (the SYN is acknowledged), so it
    // sk_dst_confirm()s, and the RST/ACK the socket sends next goes through sock_confirm_neigh
    // in ip6_finish_output2, refreshing `confirmed`. With a probe answered every 100 ms the
    // entry never leaves REACHABLE: no DELAY, no unicast NUD probe that MetalLB would ignore.
    @Test func synAcksConfirmTheEntrySoItStaysReachableAndNeverProbes() throws {
        let trace = RecordingTrace()
        let world = try clusterWorldIPv6(trace: trace)
        let client = world.clients[0]
        world.run(until: .seconds(120))
        let states = world.recorder.clientARP.filter { $0.ip == .v6(vip6) }.map(\.state)
        #expect(states == [.incomplete, .reachable], "\(states)")
        let solicitations = ndpMessages(trace.segment).filter {
            $0.ethernet.source == client.mac
                && $0.message == .neighborSolicitation(target: vip6, options: [.sourceLinkLayerAddress(client.mac)])
        }
        #expect(solicitations.count == 1, "only the first resolution")
    }

    // Probes to a port the service does not expose: no kube-proxy rule matches and nothing
    // answers, so nothing confirms the entry (a RST would not either: tcp_reset runs without
    // tcp_ack). It goes REACHABLE -> DELAY ->
    // PROBE; the three unicast NUD probes (from the link-local address, as ndisc_send_ns falls
    // back to ipv6_get_lladdr when no packet is queued) reach the node, whose kernel drops a
    // solicitation for an address it does not own; MetalLB's responder hears only its
    // multicast groups. FAILED after the third, and the next probe re-resolves through the
    // solicited-node group, which MetalLB answers.
    @Test func unansweredNUDProbesFailTheEntryAndMulticastResolutionRecoversIt() throws {
        let trace = RecordingTrace()
        let world = try clusterWorldIPv6(probePort: 81, trace: trace)
        let node = world.nodes[0]
        let client = world.clients[0]
        world.run(until: .seconds(120))

        let history = world.recorder.clientARP.filter { $0.ip == .v6(vip6) }
        let failed = try #require(history.first { $0.state == .failed })
        #expect(Array(history.prefix(5).map(\.state)) == [.incomplete, .reachable, .delay, .probe, .failed])
        let probeStart = try #require(history.first { $0.state == .probe }).time
        #expect(failed.time == probeStart + .seconds(3))

        let fromClient = ndpMessages(trace.segment).filter { $0.ethernet.source == client.mac }
        let unicast = fromClient.filter { $0.time >= probeStart && $0.time < failed.time }
        #expect(unicast.count == 3)
        #expect(
            unicast.allSatisfy {
                $0.ethernet.destination == node.mac && $0.ip.destination == vip6 && $0.ip.source == client.linkLocal
                    && $0.message.sourceLinkLayerAddress == client.mac
            })
        let answersToProbes = ndpMessages(trace.segment).filter {
            $0.ethernet.source == node.mac && $0.time > probeStart && $0.time <= failed.time + .milliseconds(1)
        }
        #expect(answersToProbes.isEmpty, "MetalLB does not answer unicast NUD probes")

        let again = try #require(fromClient.first { $0.time > failed.time })
        #expect(again.ip.destination == vip6.solicitedNodeMulticast && again.ip.source == clientIPv6)
        #expect(again.time <= failed.time + .milliseconds(100), "the next probe, 100 ms later at most")
        let recovered = try #require(history.first { $0.time > failed.time && $0.state == .reachable })
        #expect(recovered.mac == node.mac)
        #expect(recovered.time == again.time + world.config.latency * 2)
    }

    // Kernel: ndisc_recv_na with no entry for the target and accept_untracked_na 0: nothing is
    // created. A client that never talked to the address ignores MetalLB's unsolicited NAs.
    @Test func unsolicitedAdvertisementsCreateNoEntryInAClientThatDoesNotUseTheAddress() throws {
        let world = try clusterWorldIPv6()
        let node = world.nodes[0]
        let client = world.clients[0]
        let other = IPv6Address("2001:db8::300")!
        let na = NDPMessage.neighborAdvertisement(
            router: false, solicited: false, override: true, target: other,
            options: [.targetLinkLayerAddress(node.mac)])
        world.inject(
            EthernetFrame.ndp(
                na, destination: IPv6Address.allNodes.multicastMAC, source: node.mac,
                ipSource: IPv6Address.linkLocal(for: node.mac), ipDestination: .allNodes),
            from: node.port, at: .seconds(2))
        world.run(until: .seconds(3))
        #expect(client.ndNeighbours.entry(for: other) == nil)
        #expect(client.ndNeighbours.entry(for: vip6)?.state == .reachable)
    }

    // The new owner's unsolicited advertisement (S=0, O=1) moves a REACHABLE entry at once (no
    // locktime in NDP) to STALE with the new MAC; the next SYN goes there and its SYN-ACK comes
    // from the new owner.
    @Test func theNewOwnersOverrideAdvertisementMovesTheEntryAndTheSynAcksFollow() throws {
        let trace = RecordingTrace()
        let world = try clusterWorldIPv6(nodeCount: 2, trace: trace)
        let client = world.clients[0]
        world.run(until: .seconds(5))
        let owner = try #require(client.ndNeighbours.entry(for: vip6)?.mac)
        let newOwner = try #require(world.nodes.first { $0.mac != owner })
        let na = NDPMessage.neighborAdvertisement(
            router: false, solicited: false, override: true, target: vip6,
            options: [.targetLinkLayerAddress(newOwner.mac)])
        world.inject(
            EthernetFrame.ndp(
                na, destination: IPv6Address.allNodes.multicastMAC, source: newOwner.mac,
                ipSource: IPv6Address.linkLocal(for: newOwner.mac), ipDestination: .allNodes),
            from: newOwner.port, at: .ms(5_050))
        world.run(until: .seconds(7))
        let moved = try #require(world.recorder.clientARP.first { $0.ip == .v6(vip6) && $0.mac == newOwner.mac })
        #expect(moved.time == .ms(5_050) + world.config.latency)
        #expect(moved.state == .stale)
        let late = world.recorder.probes.filter { $0.sentAt > .ms(5_100) && $0.answeredAt != nil }
        #expect(!late.isEmpty && late.allSatisfy { $0.answeredBy == newOwner.mac })
    }
}

/// The client's kernel answering solicitations for its own addresses (net/ipv6/ndisc.c,
/// `ndisc_recv_ns` and `ndisc_send_na`), as a node's kernel sends them to resolve it. The
/// solicitor here is a host of its own (MAC 02:00:00:00:00:77, fe80::77) behind node-a's port.
@Suite("ClientHost: answering Neighbor Solicitations for its own addresses")
struct ClientSolicitationTests {
    static let solicitor = IPv6Address("fe80::77")!
    static let solicitorMAC = MACAddress(0x02, 0x00, 0x00, 0x00, 0x00, 0x77)

    /// A quiet world (the client probes nothing) with `frame` put on the wire from node-a's
    /// port at 1 s, run to 3 s: the client's Neighbor Discovery frames, and the world.
    static func answersTo(_ frame: [UInt8]) throws -> (
        world: World, fromClient: [(time: SimTime, ethernet: EthernetHeader, ip: IPv6Header, message: NDPMessage)]
    ) {
        let trace = RecordingTrace(wantsInterfaceFrames: false)
        let world = try clusterWorldIPv6(probing: false, trace: trace)
        world.inject(frame, from: world.nodes[0].port, at: .seconds(1))
        world.run(until: .seconds(3))
        let client = world.clients[0]
        return (world, ndpMessages(trace.segment).filter { $0.ethernet.source == client.mac })
    }

    /// `inc` (the solicitation came to a group) decides both O and whether the Target
    /// Link-Layer Address option is included; `force_tllao` is 0.
    @Test(
        "a Linux client answers a solicitation for its own address with S=1 from that address to the solicitor, O and its MAC only when the solicitation was multicast, and keeps the solicitor STALE from its option (Linux net/ipv6/ndisc.c ndisc_recv_ns, ndisc_send_na)",
        arguments: [true, false])
    func answersItsOwnAddress(multicast: Bool) throws {
        let clientMAC = MACAddress(0x02, 0x00, 0x00, 0x00, 0x01, 0x00)
        let frame = solicitationFrame(
            for: clientIPv6, from: Self.solicitor, mac: Self.solicitorMAC,
            to: multicast ? clientIPv6.solicitedNodeMulticast : clientIPv6,
            ethernetDestination: multicast ? nil : clientMAC)
        let (world, fromClient) = try Self.answersTo(frame)
        let client = world.clients[0]
        try #require(fromClient.count == 1, "\(fromClient.map(\.message))")
        let answer = fromClient[0]
        #expect(answer.time == SimTime.seconds(1) + world.config.latency)
        #expect(answer.ethernet.destination == Self.solicitorMAC)
        #expect(answer.ip.source == clientIPv6 && answer.ip.destination == Self.solicitor && answer.ip.hopLimit == 255)
        #expect(
            answer.message
                == .neighborAdvertisement(
                    router: false, solicited: true, override: multicast, target: clientIPv6,
                    options: multicast ? [.targetLinkLayerAddress(client.mac)] : []))
        let entry = try #require(client.ndNeighbours.entry(for: Self.solicitor))
        #expect(entry.mac == Self.solicitorMAC)
        #expect(entry.state == .delay, "STALE from the option, then DELAY as the answer went through it")
        let states = world.recorder.clientARP.filter { $0.ip == .v6(Self.solicitor) }.map(\.state)
        #expect(states == [.stale, .delay], "STALE from the solicitation, DELAY as the answer went out")
    }

    @Test(
        "a routed solicitation (hop limit 254) for the client's address gets no answer and makes no entry (Linux net/ipv6/ndisc.c ndisc_rcv)"
    )
    func aRoutedSolicitationIsDropped() throws {
        let (world, fromClient) = try Self.answersTo(
            solicitationFrame(for: clientIPv6, from: Self.solicitor, mac: Self.solicitorMAC, hopLimit: 254))
        #expect(fromClient.isEmpty)
        #expect(world.clients[0].ndNeighbours.entry(for: Self.solicitor) == nil)
    }

    @Test(
        "without a source link-layer option a multicast solicitation from an unknown sender is not answered, while a unicast one makes an entry whose answer waits for the sender to resolve, solicited from the answer's own source (Linux net/ipv6/ndisc.c ndisc_recv_ns, ndisc_solicit)"
    )
    func withoutTheOption() throws {
        let (quiet, silent) = try Self.answersTo(
            solicitationFrame(for: clientIPv6, from: Self.solicitor, mac: Self.solicitorMAC, withOption: false))
        #expect(silent.isEmpty)
        #expect(quiet.clients[0].ndNeighbours.entry(for: Self.solicitor) == nil)

        let clientMAC = MACAddress(0x02, 0x00, 0x00, 0x00, 0x01, 0x00)
        let (world, fromClient) = try Self.answersTo(
            solicitationFrame(
                for: clientIPv6, from: Self.solicitor, mac: Self.solicitorMAC, to: clientIPv6,
                ethernetDestination: clientMAC, withOption: false))
        let latency = world.config.latency
        // Nobody answers for fe80::77 (it is no host's), so three solicitations 1 s apart.
        #expect(fromClient.map(\.time) == [Int64(1), 2].map { SimTime.seconds($0) + latency })
        for frame in fromClient {
            #expect(
                frame.message
                    == .neighborSolicitation(target: Self.solicitor, options: [.sourceLinkLayerAddress(clientMAC)]))
            #expect(frame.ip.source == clientIPv6, "the queued answer's source")
            #expect(frame.ip.destination == Self.solicitor.solicitedNodeMulticast)
        }
        #expect(world.clients[0].ndNeighbours.entry(for: Self.solicitor)?.state == .incomplete)
    }

    @Test(
        "a duplicate address detection probe for the client's address is defended with an unsolicited override advertisement to all nodes, and makes no entry (Linux net/ipv6/ndisc.c ndisc_recv_ns)"
    )
    func defendsItsAddress() throws {
        let (world, fromClient) = try Self.answersTo(
            solicitationFrame(for: clientIPv6, from: .unspecified, mac: Self.solicitorMAC, withOption: false))
        let client = world.clients[0]
        try #require(fromClient.count == 1)
        let defence = fromClient[0]
        #expect(defence.ethernet.destination == IPv6Address.allNodes.multicastMAC)
        #expect(defence.ip.source == clientIPv6 && defence.ip.destination == .allNodes)
        #expect(
            defence.message
                == .neighborAdvertisement(
                    router: false, solicited: false, override: true, target: clientIPv6,
                    options: [.targetLinkLayerAddress(client.mac)]))
        #expect(client.ndNeighbours.entries.isEmpty)
    }
}
