import Engine
import Testing
import Wire

@testable import Simulation

// The client host around its neighbour table: the parts of arp_process and of the queue
// handling in __neigh_update that need to know the host's own address or its queued packets.

@Suite("ClientHost: the neighbour cache in its host")
struct ClientHostNeighbourTests {
    /// A broadcast ARP reply for `ip` claiming `mac`, put on the wire from node-a's port.
    func broadcastReply(in world: World, ip: IPv4Address, mac: MACAddress) -> [UInt8] {
        let packet = ARPPacket(
            operation: .reply, senderHardwareAddress: mac, senderProtocolAddress: ip,
            targetHardwareAddress: world.clients[0].mac, targetProtocolAddress: world.clients[0].ip)
        return EthernetFrame.arp(packet, destination: .broadcast, source: mac)
    }

    // Kernel: when __neigh_update makes an INCOMPLETE entry valid it flushes arp_queue through
    // neigh->output. For a STALE result that is neigh_resolve_output (neigh_suspect set it),
    // which calls neigh_event_send for each queued packet, and __neigh_event_send moves STALE to
    // DELAY with its 5 s timer. So a queued probe released by a broadcast reply leaves the entry
    // in DELAY, and unicast probing starts 5 s later: not STALE until the next packet.
    @Test func aQueuedProbeReleasedByABroadcastReplyLeavesTheEntryInDelay() throws {
        let trace = RecordingTrace()
        let world = try clusterWorld(probeTarget: unannouncedIP, probeEvery: .seconds(10), trace: trace)
        let node = world.nodes[0]
        let client = world.clients[0]
        let somebody = MACAddress(0x02, 0, 0, 0, 0xDD, 1)
        let answerAt = SimTime.ms(10_500)
        world.inject(broadcastReply(in: world, ip: unannouncedIP, mac: somebody), from: node.port, at: answerAt)
        let arrival = answerAt + world.config.latency
        world.run(until: arrival + .milliseconds(1))

        let syns = trace.segment.filter {
            Segment.source(of: $0.bytes) == client.mac && Segment.destination(of: $0.bytes) == somebody
                && $0.bytes[12] == 0x08 && $0.bytes[13] == 0x00
        }
        #expect(syns.map(\.time) == [arrival], "the queued SYN leaves as soon as the address is known")
        #expect(client.neighbours.entry(for: unannouncedIP)?.mac == somebody)
        #expect(
            client.neighbours.entry(for: unannouncedIP)?.state == .delay,
            "the released packet went out through the STALE entry, which puts it in DELAY")

        // Nobody confirms: PROBE 5 s after the release, unicast to the cached address.
        world.run(until: .seconds(19))
        let probes = arpPackets(trace.segment).filter {
            $0.ethernet.source == client.mac && $0.arp.targetProtocolAddress == unannouncedIP
                && $0.ethernet.destination == somebody
        }
        #expect(probes.map(\.time) == [arrival + .seconds(5), arrival + .seconds(6), arrival + .seconds(7)])
    }

    // Kernel: arp_process, an ARP request whose target is one of our own addresses (RTN_LOCAL)
    // goes through neigh_event_ns, which creates the sender's entry if there is none (whatever
    // arp_accept says) and updates it to STALE with NEIGH_UPDATE_F_OVERRIDE.
    @Test func anARPRequestForTheClientsOwnAddressCreatesAStaleEntryForItsSender() {
        let world = bareWorld(nodes: 1, clients: 1)
        let node = world.nodes[0]
        let client = world.clients[0]
        let packet = ARPPacket(
            operation: .request, senderHardwareAddress: node.mac, senderProtocolAddress: node.ip,
            targetHardwareAddress: .zero, targetProtocolAddress: client.ip)
        world.inject(
            EthernetFrame.arp(packet, destination: .broadcast, source: node.mac), from: node.port, at: .seconds(1))
        world.run(until: .seconds(2))
        #expect(client.neighbours.entry(for: node.ip)?.state == .stale)
        #expect(client.neighbours.entry(for: node.ip)?.mac == node.mac)
    }

    // Kernel: same path; neigh_event_ns passes NEIGH_UPDATE_F_OVERRIDE, so a request for our
    // address from a sender whose MAC changed replaces the entry even inside locktime.
    @Test func anARPRequestForTheClientsOwnAddressOverridesInsideLocktime() {
        // The client talks to node-a's own address, so it resolves it: node-a's kernel answers
        // with a unicast reply at 10 s and the entry is REACHABLE.
        let (specA, specB) = (nodeSpec(0), nodeSpec(1))
        let probe = WorldConfig.ProbeSpec(target: specA.ip, port: 80, every: .seconds(10))
        let world = World(
            config: WorldConfig(
                seed: 1, duration: .seconds(60), nodes: [specA, specB],
                clients: [clientSpec(0, probe: probe)]))
        let client = world.clients[0]
        world.run(until: .ms(10_100))
        #expect(client.neighbours.entry(for: specA.ip)?.state == .reachable)
        #expect(client.neighbours.entry(for: specA.ip)?.mac == specA.mac)

        // 200 ms later (inside the 1 s locktime) that address asks for the client from a new MAC.
        let moved = ARPPacket(
            operation: .request, senderHardwareAddress: specB.mac, senderProtocolAddress: specA.ip,
            targetHardwareAddress: .zero, targetProtocolAddress: client.ip)
        world.inject(
            EthernetFrame.arp(moved, destination: .broadcast, source: specB.mac), from: world.nodes[1].port,
            at: .ms(10_200))
        world.run(until: .ms(10_300))
        #expect(
            client.neighbours.entry(for: specA.ip)?.mac == specB.mac,
            "a request for our own address always overrides (neigh_event_ns)")
        #expect(client.neighbours.entry(for: specA.ip)?.state == .stale)
    }
}
