import Cluster
import Engine
import IPAM
import Layer2
import Testing
import Wire

@testable import Simulation

/// A node with two NICs on the same segment: MetalLB runs a responder on each, so both MACs
/// claim the address (clients flip between them) unless an L2Advertisement names one.
@Suite("Simulation: nodes with several interfaces")
struct MultiInterfaceTests {
    static let secondMAC = MACAddress(0x02, 0x00, 0x00, 0x00, 0x02, 0x10)

    func world(interfaces: [String] = [], extra: WorldConfig.InterfaceSpec? = nil, trace: TraceSink? = nil) -> World {
        twoNICWorld(
            extra: extra ?? WorldConfig.InterfaceSpec(name: "ens224", mac: Self.secondMAC), interfaces: interfaces,
            duration: .seconds(120), probeEvery: .seconds(1), trace: trace)
    }

    func vipClaimers(_ trace: RecordingTrace) -> Set<MACAddress> {
        Set(arpPackets(trace.segment).filter { $0.arp.senderProtocolAddress == vip }.map(\.arp.senderHardwareAddress))
    }

    @Test func bothNICsClaimTheAddressWithoutAnInterfaceList() {
        let trace = RecordingTrace(wantsInterfaceFrames: false)
        let world = world(trace: trace)
        world.run(until: .seconds(10))
        #expect(vipClaimers(trace) == [nodeSpec(0).mac, Self.secondMAC])
        #expect(world.clients[0].neighbours.entry(for: vip)?.mac != nil)
    }

    @Test func anAdvertisementInterfaceListKeepsTheClaimOnOneNIC() {
        let trace = RecordingTrace(wantsInterfaceFrames: false)
        let world = world(interfaces: ["ens224"], trace: trace)
        world.run(until: .seconds(10))
        #expect(vipClaimers(trace) == [Self.secondMAC])
        #expect(world.recorder.clientARP.last { $0.ip == .v4(vip) }?.mac == Self.secondMAC)
        // kube-proxy answers on the NIC the SYN arrived on.
        #expect(world.recorder.probes.contains { $0.answeredBy == Self.secondMAC })
    }

    @Test func anInterfaceEnslavedToABondGetsNoResponder() {
        let trace = RecordingTrace(wantsInterfaceFrames: false)
        let world = world(
            extra: WorldConfig.InterfaceSpec(name: "ens224", mac: Self.secondMAC, master: "bond0"), trace: trace)
        world.run(until: .seconds(10))
        #expect(vipClaimers(trace) == [nodeSpec(0).mac])
    }

    /// The NIC the client's entry points at (the second one: it sends last in each gratuitous
    /// round) loses its link after the rounds are over. The client's probes to that MAC go
    /// nowhere; once its entry fails it asks again by broadcast, the NIC that is left answers,
    /// and from then on only that MAC answers. (The primary NIC is the one left: it carries the
    /// kubelet's traffic, and with it down the node would turn NotReady and withdraw.)
    @Test func takingOneInterfaceDownLeavesTheOtherAnswering() throws {
        let trace = RecordingTrace(wantsInterfaceFrames: false)
        let world = world(trace: trace)
        let primary = nodeSpec(0).mac
        world.run(until: .seconds(8))
        try #require(
            world.clients[0].neighbours.entry(for: vip)?.mac == Self.secondMAC,
            "the client's entry points at the NIC about to go down")
        world.setLink(node: "node-a", interface: "ens224", up: false)
        world.run(until: .seconds(120))
        #expect(!world.segment.linkUp[Int(world.nodes[0].ports[1])], "the second NIC is down")
        let late = arpPackets(trace.segment).filter { $0.time > .seconds(8) && $0.arp.senderProtocolAddress == vip }
        #expect(!late.isEmpty && late.allSatisfy { $0.arp.senderHardwareAddress == primary }, "\(late)")
        #expect(world.recorder.clientARP.last { $0.ip == .v4(vip) }?.mac == primary)
        let answeredLate = world.recorder.probes.filter { $0.sentAt > .seconds(100) && $0.answeredAt != nil }
        #expect(!answeredLate.isEmpty && answeredLate.allSatisfy { $0.answeredBy == primary })
    }
}
