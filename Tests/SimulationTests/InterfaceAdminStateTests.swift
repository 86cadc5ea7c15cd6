import Cluster
import Engine
import IPAM
import Layer2
import Testing
import Wire

@testable import Simulation

/// A node interface's administrative state (`ip link set dev IF down|up`) against its carrier
/// (`linkDown`/`linkUp`), as MetalLB's interface scan (internal/layer2/announcer.go,
/// `updateInterfaces`, every 10 s) and the node's kernel see them. The speakers start at 0 here
/// (a cold start), so their scans fall at 0, 10, 20 s...
@Suite("Simulation: interfaces taken down and up")
struct InterfaceAdminStateTests {
    static let secondMAC = MACAddress(0x02, 0x00, 0x00, 0x00, 0x02, 0x10)

    /// One node with a second NIC `ens224` (down at boot unless `secondUp`), a client probing
    /// the VIP every 100 ms, and an L2Advertisement naming `interfaces`.
    func world(secondUp: Bool, interfaces: [String], trace: TraceSink? = nil) -> World {
        twoNICWorld(
            extra: WorldConfig.InterfaceSpec(name: "ens224", mac: Self.secondMAC, up: secondUp), interfaces: interfaces,
            duration: .seconds(60), probeEvery: .milliseconds(100), trace: trace)
    }

    func vipReplies(_ trace: RecordingTrace) -> [(time: SimTime, mac: MACAddress)] {
        arpPackets(trace.segment).filter { $0.arp.operation == .reply && $0.arp.senderProtocolAddress == vip }
            .map { ($0.time, $0.arp.senderHardwareAddress) }
    }

    @Test(
        "an advertisement naming a NIC that is down: the node announces (the NIC is listed) but nothing answers; brought up at 12.5 s, the NIC answers from the scan at 20 s, within 10 s, and no earlier (updateInterfaces in internal/layer2/announcer.go)"
    )
    func aNICBroughtUpAnswersFromTheNextScan() throws {
        let trace = RecordingTrace(wantsInterfaceFrames: false)
        let world = world(secondUp: false, interfaces: ["ens224"], trace: trace)
        world.at(.seconds(12) + .milliseconds(500)) { $0.setInterface(node: "node-a", interface: "ens224", up: true) }
        world.run(until: .seconds(19))
        #expect(world.recorder.announcers(of: vip, at: .seconds(19)) == ["node-a"])
        #expect(vipReplies(trace).isEmpty, "no responder on ens224 yet")
        #expect(world.clients[0].neighbours.entry(for: vip)?.mac == nil)
        world.run(until: .seconds(22))
        let first = try #require(vipReplies(trace).first)
        #expect(first.mac == Self.secondMAC)
        #expect(first.time >= .seconds(20) && first.time < .seconds(21), "the client's next request after the scan")
        #expect(world.clients[0].neighbours.entry(for: vip)?.mac == Self.secondMAC)
        #expect(
            world.recorder.responders.map(\.time) == [.seconds(20), .seconds(20)]
                && world.recorder.responders.map(\.change.event) == ["createARPResponder", "createNDPResponder"])
    }

    @Test(
        "carrier lost keeps the responder (MetalLB tests IFF_UP, never carrier); taken down, the NIC keeps it until the next scan closes it, and brought up it gets it back at the scan after (updateInterfaces in internal/layer2/announcer.go)"
    )
    func carrierAgainstAdministrativeState() throws {
        let world = world(secondUp: true, interfaces: [])
        func arpResponders() throws -> [Bool] {
            try #require(world.nodes[0].speaker).controller.announcer.responders.arp
        }
        world.at(.seconds(12)) { $0.setLink(node: "node-a", interface: "ens224", up: false) }
        world.at(.seconds(25)) { $0.setInterface(node: "node-a", interface: "ens224", up: false) }
        world.at(.seconds(33)) { $0.setInterface(node: "node-a", interface: "ens224", up: true) }
        // Carrier comes back only after the scan at 40 s: that scan opens the responder on an
        // interface that is up without carrier.
        world.at(.seconds(45)) { $0.setLink(node: "node-a", interface: "ens224", up: true) }
        world.run(until: .seconds(24))
        #expect(try arpResponders() == [true, true], "no carrier, still up: the responder stays")
        world.run(until: .seconds(29) + .milliseconds(999))
        #expect(try arpResponders() == [true, true], "down, but no scan yet")
        world.run(until: .seconds(30))
        #expect(try arpResponders() == [true, false])
        world.run(until: .seconds(39) + .milliseconds(999))
        #expect(try arpResponders() == [true, false])
        world.run(until: .seconds(40))
        #expect(try arpResponders() == [true, true], "up without carrier: the scan opens it")
    }

    @Test(
        "with its primary interface down the node's address has no route: no NIC answers ARP for it, where with the carrier lost the other NIC still does (the kernel answers only for a local route, net/ipv4/arp.c arp_process; fib_disable_ip drops the routes of a device taken down)"
    )
    func thePrimaryDownTakesTheAddressAway() {
        for admin in [false, true] {
            let trace = RecordingTrace(wantsInterfaceFrames: false)
            let world = world(secondUp: true, interfaces: [], trace: trace)
            world.at(.seconds(5)) { world in
                if admin {
                    world.setInterface(node: "node-a", interface: "eth0", up: false)
                } else {
                    world.setLink(node: "node-a", interface: "eth0", up: false)
                }
            }
            let asker = world.clients[0]
            let request = ARPPacket(
                operation: .request, senderHardwareAddress: asker.mac, senderProtocolAddress: asker.ip,
                targetHardwareAddress: .zero, targetProtocolAddress: nodeSpec(0).ip)
            world.inject(
                EthernetFrame.arp(request, destination: .broadcast, source: asker.mac), from: asker.port,
                at: .seconds(6))
            world.run(until: .seconds(7))
            let answers = arpPackets(trace.segment).filter {
                $0.time >= .seconds(6) && $0.arp.operation == .reply && $0.arp.senderProtocolAddress == nodeSpec(0).ip
            }
            #expect(answers.map(\.arp.senderHardwareAddress) == (admin ? [] : [Self.secondMAC]), "admin down: \(admin)")
            // A peer that still has ens224's MAC for the node's address: the kernel delivers
            // its memberlist SYN only while the address has a route.
            let syn = TCPHeader(
                sourcePort: 40000, destinationPort: 7946, sequenceNumber: 1, acknowledgmentNumber: 0, flags: [.syn],
                window: 64240, checksum: 0, urgentPointer: 0, options: [])
            world.inject(
                EthernetFrame.ipv4TCP(
                    destination: Self.secondMAC, source: asker.mac, ipSource: asker.ip, ipDestination: nodeSpec(0).ip,
                    identification: 1, timeToLive: 64, tcp: syn, payload: []),
                from: asker.port, at: .seconds(7) + .milliseconds(1))
            world.run(until: .seconds(8))
            #expect(world.nodes[0].streams.count == (admin ? 0 : 1), "connections accepted, admin down: \(admin)")
        }
    }

    @Test(
        "brought up, a NIC's link-local address is tentative for 1 to 2 s (net/ipv6/addrconf.c addrconf_dad_kick: a wait below rtr_solicit_delay, then one probe given retrans_time): a scan inside that time opens the ARP responder only, and current's next scan the NDP one (updateInterfaces in internal/layer2/announcer.go)"
    )
    func aTentativeLinkLocalDelaysTheNDPResponder() throws {
        let world = world(secondUp: false, interfaces: [])
        world.at(.seconds(19) + .milliseconds(500)) { $0.setInterface(node: "node-a", interface: "ens224", up: true) }
        world.run(until: .seconds(19) + .milliseconds(500))
        #expect(world.nodes[0].interfaces[1].linkLocalStatus == .tentative)
        world.run(until: .seconds(20))
        var responders = try #require(world.nodes[0].speaker).controller.announcer.responders
        #expect(responders.arp[1] && responders.ndp[1] == nil)
        world.run(until: .seconds(21) + .milliseconds(500))
        #expect(world.nodes[0].interfaces[1].linkLocalStatus == .valid)
        world.run(until: .seconds(30))
        responders = try #require(world.nodes[0].speaker).controller.announcer.responders
        #expect(responders.ndp[1] != nil)
    }

    @Test("a reboot brings the interfaces back as declared: `ip link set` does not outlive the machine")
    func aRebootRestoresTheDeclaredState() {
        let world = world(secondUp: false, interfaces: [])
        world.at(.seconds(2)) { $0.setInterface(node: "node-a", interface: "ens224", up: true) }
        world.at(.seconds(5)) { $0.powerOff(node: "node-a") }
        world.at(.seconds(8)) { $0.powerOn(node: "node-a") }
        world.run(until: .seconds(4))
        #expect(world.nodes[0].interfaces[1].isUp)
        world.run(until: .seconds(9))
        #expect(!world.nodes[0].interfaces[1].isUp)
        #expect(!world.segment.linkUp[Int(world.nodes[0].ports[1])])
    }
}
