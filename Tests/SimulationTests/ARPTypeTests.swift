import Cluster
import Engine
import IPAM
import Testing
import Wire

@testable import Simulation

/// Who answers an ARP request whose hardware or protocol type is not Ethernet/IPv4: MetalLB
/// (mdlayher/arp reads any types; internal/layer2/arp.go never looks at them) answers for the
/// service address, while the node's kernel answers for its own address only when the types
/// are Ethernet or IEEE 802 over IPv4 (net/ipv4/arp.c, `arp_process`).
@Suite("Simulation: ARP of foreign types, MetalLB against the kernel")
struct ARPTypeTests {
    static let asker = MACAddress(0x02, 0x00, 0x00, 0x00, 0x00, 0x99)

    @Test(arguments: [(UInt16(1), true), (6, true), (0x1234, false)])
    func whoAnswers(hardwareType: UInt16, kernelAnswers: Bool) throws {
        let trace = RecordingTrace(wantsInterfaceFrames: false)
        let config = WorldConfig(seed: 3, duration: .seconds(20), version: .current, nodes: [nodeSpec(0)], clients: [])
        let world = World(config: config, trace: trace)
        var resources = MetalLBResources()
        resources.ipAddressPools["pool"] = (
            AddressPool(name: "pool", cidrs: [IPv4CIDR(network: vip, prefixLength: 32)]), [:]
        )
        resources.l2Advertisements["l2"] = L2Advertisement(name: "l2")
        world.applyMetalLBResources(resources)
        applyWebService(to: world)
        world.run(until: .seconds(5))
        let before = trace.segment.count

        let node = world.nodes[0]
        for target in [node.ip, vip] {
            let request = ARPPacket(
                hardwareType: hardwareType, operation: .request, senderHardwareAddress: Self.asker,
                senderProtocolAddress: IPv4Address(192, 0, 2, 99), targetHardwareAddress: .zero,
                targetProtocolAddress: target)
            node.receive(EthernetFrame.arp(request, destination: .broadcast, source: Self.asker), in: world.hostContext)
        }
        world.run(until: .seconds(6))
        let replies = arpPackets(Array(trace.segment.dropFirst(before))).filter {
            $0.arp.operation == .reply && $0.arp.targetHardwareAddress == Self.asker
        }
        #expect(replies.filter { $0.arp.senderProtocolAddress == vip }.count == 1, "\(replies)")
        #expect(replies.filter { $0.arp.senderProtocolAddress == node.ip }.count == (kernelAnswers ? 1 : 0))
    }
}
