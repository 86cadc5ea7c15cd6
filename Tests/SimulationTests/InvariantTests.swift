import Engine
import Testing
import Wire

@testable import Cluster
@testable import IPAM
@testable import Simulation

private let sharedIP = IPAddress.v4(IPv4Address(192, 0, 2, 200))
private let otherIP = IPAddress.v4(IPv4Address(192, 0, 2, 201))
private let tcp80 = ServicePortKey(protocol: "TCP", port: 80)
private let tcp443 = ServicePortKey(protocol: "TCP", port: 443)
private let udp80 = ServicePortKey(protocol: "UDP", port: 80)

private func held(_ ips: [IPAddress], key: String = "", backend: String = "", ports: [ServicePortKey]) -> Assignment {
    Assignment(ips: ips, pool: "pool", ports: ports, sharing: SharingKey(sharing: key, backend: backend))
}

private func record(_ seconds: Int64, _ service: String, _ assignment: Assignment?) -> AllocationRecord {
    AllocationRecord(time: .seconds(seconds), service: service, assignment: assignment)
}

@Suite("Invariant: the sharing rules hold at every allocation change")
struct SharingInvariantTests {
    @Test func servicesWithTheSameKeyAndDistinctPortsMayShare() {
        let result = SharingInvariant.check([
            record(1, "default/a", held([sharedIP], key: "k", ports: [tcp80])),
            record(2, "default/b", held([sharedIP], key: "k", ports: [tcp443, udp80])),
        ])
        #expect(result.passed, "\(result.violations)")
        #expect(result.checked == 2)
        #expect(result.name == "sharingRules")
    }

    @Test func aCommonPortIsAViolationAtTheChangeThatCausedIt() throws {
        let result = SharingInvariant.check([
            record(1, "default/a", held([sharedIP], key: "k", ports: [tcp80])),
            record(3, "default/b", held([sharedIP], key: "k", ports: [tcp443, tcp80])),
        ])
        let violation = try #require(result.violations.first)
        #expect(result.violations.count == 1)
        #expect(violation.time == .seconds(3))
        #expect(violation.message == "192.0.2.200 held by default/b and default/a: both use TCP/80")
    }

    @Test func aHolderWithoutASharingKeyConflicts() throws {
        let result = SharingInvariant.check([
            record(1, "default/a", held([sharedIP], ports: [tcp80])),
            record(2, "default/b", held([sharedIP], key: "k", ports: [tcp443])),
        ])
        let violation = try #require(result.violations.first)
        #expect(violation.message.hasSuffix("only one has a sharing key"), "\(violation.message)")
    }

    @Test func differentKeysConflict() throws {
        let result = SharingInvariant.check([
            record(1, "default/a", held([sharedIP], key: "x", ports: [tcp80])),
            record(2, "default/b", held([sharedIP], key: "y", ports: [tcp443])),
        ])
        #expect(try #require(result.violations.first).message.hasSuffix("sharing keys \"y\" and \"x\" differ"))
    }

    @Test func localServicesShareOnlyWithIdenticalBackends() throws {
        let different = SharingInvariant.check([
            record(1, "default/a", held([sharedIP], key: "k", backend: "app=a", ports: [tcp80])),
            record(2, "default/b", held([sharedIP], key: "k", backend: "app=b", ports: [tcp443])),
            record(2, "default/c", held([sharedIP], key: "k", ports: [udp80])),
        ])
        #expect(
            different.violations.map(\.message) == [
                "192.0.2.200 held by default/b and default/a: different backends (Local app=b and Local app=a)",
                "192.0.2.200 held by default/c and default/a: different backends (Cluster and Local app=a)",
                "192.0.2.200 held by default/c and default/b: different backends (Cluster and Local app=b)",
            ])
        let same = SharingInvariant.check([
            record(1, "default/a", held([sharedIP], key: "k", backend: "app=a", ports: [tcp80])),
            record(2, "default/b", held([sharedIP], key: "k", backend: "app=a", ports: [tcp443])),
        ])
        #expect(same.passed)
    }

    /// A conflict that lasts one change is still a violation; one holder leaving before the
    /// other arrives is none; moving to another address frees the old one.
    @Test func onlySimultaneousHoldersAreJudged() {
        let result = SharingInvariant.check([
            record(1, "default/a", held([sharedIP], ports: [tcp80])),
            record(2, "default/b", held([sharedIP], ports: [tcp80])),
            record(3, "default/b", nil),
            record(4, "default/a", held([otherIP], ports: [tcp80])),
            record(5, "default/c", held([sharedIP], ports: [tcp80])),
            record(6, "default/a", nil),
            record(7, "default/d", held([otherIP], ports: [tcp80])),
        ])
        #expect(result.violations.map(\.time) == [.seconds(2)])
        #expect(result.checked == 7)
    }

    /// Dual-stack: each address of an assignment is judged.
    @Test func everyAddressOfAnAssignmentIsJudged() {
        let result = SharingInvariant.check([
            record(1, "default/v4", held([sharedIP], ports: [tcp80])),
            record(1, "default/v6", held([otherIP], ports: [tcp80])),
            record(2, "default/dual", held([sharedIP, otherIP], ports: [tcp80])),
        ])
        #expect(
            result.violations.map(\.message) == [
                "192.0.2.200 held by default/dual and default/v4: neither has a sharing key",
                "192.0.2.201 held by default/dual and default/v6: neither has a sharing key",
            ])
    }
}

@Suite("Invariant: announced addresses lie in a configured pool")
struct PoolInvariantTests {
    static let pool24 = AddressPool(
        name: "main", cidrs: [IPv4CIDR(network: IPv4Address(192, 0, 2, 0), prefixLength: 24)])
    static let pool32 = AddressPool(
        name: "narrow", cidrs: [IPv4CIDR(network: IPv4Address(192, 0, 2, 200), prefixLength: 32)])

    static func start(_ seconds: Int64, _ ip: IPAddress, by node: String = "node-a") -> AnnouncementRecord {
        AnnouncementRecord(time: .seconds(seconds), ip: ip, node: node, action: .start)
    }

    @Test func anAnnouncementIsJudgedByTheConfigurationInForceWhenItStarts() {
        let configs = [
            PoolConfigRecord(time: .seconds(0), pools: [Self.pool24]),
            PoolConfigRecord(time: .seconds(10), pools: [Self.pool32]),
        ]
        let result = PoolInvariant.check(
            announcements: [
                Self.start(1, otherIP),
                // Still announced after the narrowing at 10 s: only starts are judged.
                AnnouncementRecord(time: .seconds(12), ip: otherIP, node: "node-a", action: .stop),
                Self.start(10, sharedIP, by: "node-b"),
                Self.start(11, otherIP, by: "node-b"),
            ].sorted { $0.time < $1.time }, configs: configs)
        #expect(result.checked == 3)
        #expect(
            result.violations == [
                InvariantViolation(
                    time: .seconds(11),
                    message:
                        "node-b started announcing 192.0.2.201, which lies in no configured pool (narrow 192.0.2.200/32)"
                )
            ])
    }

    /// A speaker taking over just after a pool change elects from its informers, which still
    /// hold the old addresses for two watch delays: that start is MetalLB's behaviour, not a
    /// violation; one after the lag is.
    @Test func aStartWithinTheInformersLagMayUseTheReplacedConfiguration() {
        let configs = [
            PoolConfigRecord(time: .seconds(0), pools: [Self.pool24]),
            PoolConfigRecord(time: .seconds(10), pools: [Self.pool32]),
        ]
        let lag = SimDuration.milliseconds(10)
        let inside = AnnouncementRecord(
            time: .seconds(10) + .milliseconds(9), ip: otherIP, node: "node-b", action: .start)
        let after = AnnouncementRecord(
            time: .seconds(10) + .milliseconds(11), ip: otherIP, node: "node-c", action: .start)
        #expect(PoolInvariant.check(announcements: [inside], configs: configs, lag: lag).passed)
        #expect(
            PoolInvariant.check(announcements: [inside], configs: configs).violations.count == 1, "no lag, no allowance"
        )
        #expect(
            PoolInvariant.check(announcements: [after], configs: configs, lag: lag).violations.map(\.time) == [
                after.time
            ])
    }

    @Test func anAnnouncementBeforeAnyConfigurationIsAViolation() {
        let result = PoolInvariant.check(
            announcements: [Self.start(0, sharedIP)],
            configs: [PoolConfigRecord(time: .seconds(1), pools: [Self.pool24])])
        #expect(
            result.violations.map(\.message) == ["node-a started announcing 192.0.2.200 before any pool was configured"]
        )
    }

    /// The world: a speaker that announces an address its service's pool does not hold (here
    /// because the Service's status is overwritten behind the controller's back) is caught.
    @Test func aSpeakerAnnouncingAnAddressOutsideThePoolsIsCaught() throws {
        let world = try clusterWorld()
        world.run(until: .seconds(5))
        #expect(world.checkInvariants().allSatisfy { $0.passed })
        let outside = IPv4Address(198, 51, 100, 7)
        world.controlPlane.api.services["default/web"]!.ingress = [.v4(outside)]
        world.speakersSync(services: ["default/web"])
        world.run(until: .seconds(6))
        let result = try #require(world.checkInvariants().first { $0.name == PoolInvariant.name })
        #expect(
            result.violations.map(\.message) == [
                "node-a started announcing 198.51.100.7, which lies in no configured pool (pool 192.0.2.200/32)"
            ])
        #expect(result.violations.first?.time == .seconds(5))
    }
}

@Suite("Invariant: clients hold only MACs of hosts on the segment")
struct ClientMACInvariantTests {
    static let rogue = MACAddress(0x02, 0x00, 0x00, 0x00, 0x99, 0x99)

    static func entry(_ seconds: Int64, _ mac: MACAddress?, _ state: NeighbourState) -> ClientARPRecord {
        ClientARPRecord(time: .seconds(seconds), client: "client-0", ip: .v4(vip), mac: mac, state: state)
    }

    @Test func onlyUsableEntriesWithAnUnknownMACViolate() {
        let result = ClientMACInvariant.check(
            [
                Self.entry(1, nil, .incomplete),
                Self.entry(2, macA, .reachable),
                Self.entry(3, Self.rogue, .stale),
                Self.entry(4, Self.rogue, .delay),
                Self.entry(5, nil, .failed),
            ], segmentMACs: [macA, clientMAC])
        #expect(result.checked == 3)
        #expect(result.violations.map(\.time) == [.seconds(3), .seconds(4)])
        #expect(
            result.violations.first?.message
                == "client-0's entry for 192.0.2.200 is STALE with 02:00:00:00:99:99, the MAC of no host on the segment"
        )
    }

    /// The world: a forged gratuitous request for the VIP from a MAC no host has overrides the
    /// client's entry at once (a gratuitous frame skips the locktime), and the invariant says so.
    @Test func aForgedGratuitousRequestIsCaught() throws {
        let world = try clusterWorld()
        let forged = ARPPacket(
            operation: .request, senderHardwareAddress: Self.rogue, senderProtocolAddress: vip,
            targetHardwareAddress: .zero, targetProtocolAddress: vip)
        world.inject(EthernetFrame.arp(forged, destination: .broadcast, source: Self.rogue), from: 0, at: .seconds(10))
        world.run(until: .seconds(9))
        #expect(world.checkInvariants().allSatisfy { $0.passed }, "before the forged frame")
        world.run(until: .seconds(11))
        let result = try #require(world.checkInvariants().first { $0.name == ClientMACInvariant.name })
        let first = try #require(result.violations.first)
        #expect(first.time.nanoseconds == SimTime.seconds(10).nanoseconds + world.config.latency.nanoseconds)
        #expect(
            first.message.hasPrefix("client-0's entry for 192.0.2.200 is STALE with 02:00:00:00:99:99"),
            "\(first.message)")
    }
}

@Suite("The recorder notes allocations and gratuitous rounds")
struct ControlRecordTests {
    /// Every change is recorded when it happens: the assignment, its loss when the pool goes
    /// away, and the new address from the new pool.
    @Test func everyAllocationChangeIsRecorded() throws {
        let world = try clusterWorld()
        let other = IPv4Address(192, 0, 2, 210)
        world.at(.seconds(10)) { world in
            try? world.applyMetalLBConfig([
                AddressPool(name: "other", cidrs: [IPv4CIDR(network: other, prefixLength: 32)])
            ])
        }
        world.run(until: .seconds(20))
        let changes = world.recorder.allocations.map { record in
            "\(record.time) \(record.service) \(record.assignment.map { "\($0.ips) from \($0.pool)" } ?? "nothing")"
        }
        let delay = world.config.watchDelay
        #expect(
            changes == [
                "\(SimTime.zero + delay) default/web [\(IPAddress.v4(vip))] from pool",
                "10s default/web nothing",
                "\(SimTime.seconds(10) + delay) default/web [\(IPAddress.v4(other))] from other",
            ])
        #expect(world.recorder.poolConfigs.map(\.time) == [.zero, .seconds(10)])
        #expect(world.checkInvariants().allSatisfy { $0.passed }, "\(world.checkInvariants())")
    }

    /// Each recorded round is the broadcast ARP request and reply for the VIP on the wire.
    @Test func gratuitousRoundsMatchTheFramesSent() throws {
        let trace = RecordingTrace()
        let world = try clusterWorld(nodeCount: 2, trace: trace)
        world.run(until: .seconds(20))
        let rounds = world.recorder.gratuitous
        #expect(rounds.count >= 5, "a takeover sends five rounds: \(rounds)")
        let nodeOfMAC = Dictionary(uniqueKeysWithValues: world.nodes.map { ($0.mac, $0.name) })
        var sent: [String] = []
        for (time, ethernet, packet) in arpPackets(trace.segment)
        where ethernet.destination == .broadcast && packet.operation == .reply && packet.senderProtocolAddress == vip
            && packet.targetProtocolAddress == vip
        {
            sent.append("\(time) \(nodeOfMAC[ethernet.source] ?? "\(ethernet.source)")")
        }
        #expect(rounds.map { "\($0.time) \($0.node)" } == sent)
        #expect(rounds.allSatisfy { $0.ip == .v4(vip) && $0.frames == 2 })
    }
}
