import Testing
import Wire

@testable import Layer2

/// MetalLB's periodic interface scan (internal/layer2/announcer.go, `interfaceScan` and
/// `updateInterfaces`, in both v0.9.4 and current): which interfaces it lists, when it opens
/// and closes responders, and what a tentative link-local address does to it.
@Suite("Interface scan")
struct InterfaceScanTests {
    static let ens192 = L2Interface(name: "ens192", hardwareAddress: MACAddress(0x02, 0, 0, 0, 0, 1))
    static let ens224 = L2Interface(name: "ens224", hardwareAddress: MACAddress(0x02, 0, 0, 0, 0, 2))
    static let ens256 = L2Interface(name: "ens256", hardwareAddress: MACAddress(0x02, 0, 0, 0, 0, 3))
    static let vip = IPv4Address(192, 0, 2, 200)

    static func down(_ interface: L2Interface) -> L2Interface {
        var copy = interface
        copy.isUp = false
        copy.linkLocalStatus = .absent
        return copy
    }

    static func tentative(_ interface: L2Interface) -> L2Interface {
        var copy = interface
        copy.linkLocalStatus = .tentative
        return copy
    }

    func request(for ip: IPv4Address) -> ARPPacket {
        ARPPacket(
            operation: .request, senderHardwareAddress: MACAddress(0x02, 0, 0, 0, 9, 9),
            senderProtocolAddress: IPv4Address(192, 0, 2, 50), targetHardwareAddress: .zero, targetProtocolAddress: ip)
    }

    @Test(
        "current lists every interface its exclusion list lets through, a down one included, and v0.9.4 excludes nothing (updateInterfaces in internal/layer2/announcer.go: the name goes on the list before any flag is looked at)"
    )
    func theListHoldsDownInterfaces() {
        let veth = L2Interface(name: "veth1a2b", hardwareAddress: MACAddress(0x02, 0, 0, 0, 0, 7))
        let interfaces = [Self.ens192, Self.down(Self.ens224), veth]
        var current = Responders(count: 3)
        #expect(InterfaceScan.run(interfaces, rules: .current, responders: &current) == ["ens192", "ens224"])
        #expect(current.arp == [true, false, false], "the down NIC and the excluded veth get no responder")
        var v094 = Responders(count: 3)
        _ = InterfaceScan.run(interfaces, rules: .v0_9_4, responders: &v094)
        #expect(v094.arp == [true, false, true], "v0.9.4 has no exclusion list")
    }

    @Test(
        "a NIC brought up gets its responders at the next scan and not before; one taken down keeps them until the next scan (updateInterfaces in internal/layer2/announcer.go opens and closes responders, nothing else does)"
    )
    func respondersFollowTheScan() throws {
        var announcer = Announcer(
            scanning: [Self.ens192, Self.down(Self.ens224)], rules: .current, schedule: .current)
        _ = announcer.setBalancer(service: "default/web", ip: Self.vip, interfaceNames: ["ens224"], now: 0)
        announcer.kernelChanged([Self.ens192, Self.ens224])
        #expect(
            announcer.respond(to: request(for: Self.vip), ethernetDestination: .broadcast, on: 1) == nil,
            "up, but no responder until the scan")
        #expect(!announcer.isSettled)
        announcer.scan()
        #expect(announcer.isSettled)
        let reply = try #require(
            announcer.respond(to: request(for: Self.vip), ethernetDestination: .broadcast, on: 1))
        #expect(Array(reply.bytes[6..<12]) == Self.ens224.hardwareAddress.octets)
        announcer.kernelChanged([Self.ens192, Self.down(Self.ens224)])
        #expect(announcer.responders.arp == [true, true], "the responder stays until the next scan")
        #expect(
            announcer.respond(to: request(for: Self.vip), ethernetDestination: .broadcast, on: 1) == nil,
            "a down NIC sends nothing")
        announcer.scan()
        #expect(announcer.responders.arp == [true, false])
    }

    @Test(
        "a tentative link-local address: the NDP responder cannot bind it; current logs that and goes on, v0.9.4 returns from the scan, so later interfaces get nothing and no responder is closed (updateInterfaces in internal/layer2/announcer.go)"
    )
    func aTentativeAddressStopsV094sScan() {
        let interfaces = [Self.ens192, Self.tentative(Self.ens224), Self.ens256]
        var current = Responders(count: 3)
        _ = InterfaceScan.run(interfaces, rules: .current, responders: &current)
        #expect(current.arp == [true, true, true])
        #expect(current.ndp.map { $0 != nil } == [true, false, true])

        // v0.9.4 ran before with ens256 up, which is down now.
        var v094 = Responders(count: 3)
        _ = InterfaceScan.run([Self.ens192, Self.down(Self.ens224), Self.ens256], rules: .v0_9_4, responders: &v094)
        _ = InterfaceScan.run(
            [Self.ens192, Self.tentative(Self.ens224), Self.down(Self.ens256)], rules: .v0_9_4, responders: &v094)
        #expect(
            v094.arp == [true, true, true], "ens224's ARP responder opened before the failure; ens256's not closed")
        #expect(v094.ndp.map { $0 != nil } == [true, false, true])
        // Once the address has passed DAD, the next scan finishes the job.
        _ = InterfaceScan.run([Self.ens192, Self.ens224, Self.down(Self.ens256)], rules: .v0_9_4, responders: &v094)
        #expect(v094.arp == [true, true, false])
        #expect(v094.ndp.map { $0 != nil } == [true, true, false])
    }

    @Test(
        "scans fall every 10 s from the speaker's start, and a change at the very instant of one waits for the next (interfaceScan in internal/layer2/announcer.go: scan, then sleep 10 s)"
    )
    func scanGrid() {
        let start: Int64 = 3_250_000_000
        #expect(InterfaceScan.nextScan(after: start + 1, start: start) == start + 10 * second)
        #expect(InterfaceScan.nextScan(after: start + 10 * second, start: start) == start + 20 * second)
        #expect(InterfaceScan.nextScan(after: start + 25 * second, start: start) == start + 30 * second)
    }

    @Test(
        "v0.9.4 ends a gratuitous round at the first responder that fails to send, current goes on with the rest (gratuitous in internal/layer2/announcer.go: v0.9.4 returns the first error, current logs each)"
    )
    func aFailedSendEndsV094sRound() {
        for (schedule, expected) in [(GratuitousSchedule.v0_9_4(speakerStart: 0), [Int]()), (.current, [1, 1])] {
            var announcer = Announcer(scanning: [Self.ens192, Self.ens224], rules: .current, schedule: schedule)
            // The primary NIC went down a moment ago: its responder is still open.
            announcer.kernelChanged([Self.down(Self.ens192), Self.ens224])
            let frames = announcer.setBalancer(service: "default/web", ip: Self.vip, now: 0)
            #expect(frames.map(\.interface) == expected, "\(schedule.ticker)")
        }
    }
}
