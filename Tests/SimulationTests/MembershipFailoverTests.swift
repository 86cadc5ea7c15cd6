import Cluster
import Engine
import IPAM
import Membership
import Testing
import Wire

@testable import Simulation

/// Memberlist at packet level inside the simulated world: four speakers gossip over UDP 7946
/// frames on the segment; a dead speaker is noticed only through failed probes, so failover
/// takes as long as memberlist's detection and suspicion timeout.
@Suite("Simulation: memberlist failure detection drives failover")
struct MembershipFailoverTests {
    static let powerOffAt = SimTime.seconds(20)

    /// The node announcing the VIP at `time`, exactly one.
    func soleAnnouncer(_ world: World, at time: SimTime) throws -> String {
        let announcers = world.recorder.announcers(of: vip, at: time)
        try #require(announcers.count == 1, "expected one announcer at \(time), found \(announcers)")
        return announcers[0]
    }

    /// When each observer's memberlist declared `member` gone (dead or left) after `after`.
    func departures(of member: String, after: SimTime, in world: World) -> [String: SimTime] {
        var result: [String: SimTime] = [:]
        for record in world.recorder.membership
        where record.event.kind == .leave && record.event.member.name == member && record.observer != member
            && record.time >= after
        {
            if result[record.observer] == nil { result[record.observer] = record.time }
        }
        return result
    }

    @Test func everySpeakerSeesEveryOtherOverTheSegment() throws {
        let world = try clusterWorld(nodeCount: 4)
        world.run(until: .seconds(5))
        for node in world.nodes {
            let members = try #require(node.membership).liveMembers.map(\.name)
            #expect(members == ["node-a", "node-b", "node-c", "node-d"], "\(node.name) sees \(members)")
        }
        // Each join reached every other node: a join event per (observer, other member).
        let joins = world.recorder.membership.filter { $0.event.kind == .join && $0.event.member.name != $0.observer }
        #expect(Set(joins.map { "\($0.observer)>\($0.event.member.name)" }).count == 12)
    }

    /// The suspicion window for 4 members (LAN): each survivor first suspects the dead node
    /// after a failed probe (its round-robin reaches it within 3 probe intervals, and the
    /// probe fails within one more), then waits between the 4 s minimum and the 24 s maximum.
    @Test func aPoweredOffMemberIsDeclaredDeadByEverySurvivorWithinTheSuspicionWindow() throws {
        let world = try clusterWorld(nodeCount: 4)
        world.run(until: Self.powerOffAt)
        let owner = try soleAnnouncer(world, at: Self.powerOffAt)
        world.powerOff(node: owner)
        world.run(until: .seconds(60))

        let bounds = Timing.suspicionBounds(.lan, members: 4)
        let earliest = Self.powerOffAt + .nanoseconds(MembershipConfig.lan.probeTimeout + bounds.minimum)
        let latest = Self.powerOffAt + .seconds(4) + .nanoseconds(bounds.maximum)
        let seen = departures(of: owner, after: Self.powerOffAt, in: world)
        let survivors = world.nodes.map(\.name).filter { $0 != owner }
        #expect(Set(seen.keys) == Set(survivors), "every survivor should declare \(owner) dead: \(seen)")
        for (observer, time) in seen {
            #expect(
                time >= earliest && time <= latest,
                "\(observer) declared \(owner) dead at \(time), outside [\(earliest), \(latest)]")
        }

        // The new announcer starts only once its own memberlist has dropped the old owner.
        let next = try soleAnnouncer(world, at: .seconds(60))
        #expect(next != owner)
        let started = try #require(
            world.recorder.announcements.first {
                $0.ip == .v4(vip) && $0.node == next && $0.action == .start && $0.time > Self.powerOffAt
            })
        let deadAtNext = try #require(seen[next])
        #expect(
            started.time >= deadAtNext && started.time <= deadAtNext + .milliseconds(10),
            "\(next) started announcing at \(started.time); its memberlist dropped \(owner) at \(deadAtNext)")
    }

    @Test func aGracefulSpeakerStopIsSeenAtOnce() throws {
        let world = try clusterWorld(nodeCount: 4)
        world.run(until: Self.powerOffAt)
        let owner = try soleAnnouncer(world, at: Self.powerOffAt)
        world.stopSpeaker(node: owner, graceful: true)
        world.run(until: .seconds(30))
        let seen = departures(of: owner, after: Self.powerOffAt, in: world)
        #expect(seen.count == 3, "every survivor should see the leave: \(seen)")
        // The leave rides the next gossip rounds (200 ms apart): well within a second.
        for (observer, time) in seen {
            #expect(time - Self.powerOffAt < .seconds(1), "\(observer) saw the leave only at \(time)")
        }
        #expect(world.node(named: owner)?.speaker == nil, "the speaker exits once its leave is out")
        let next = try soleAnnouncer(world, at: .seconds(30))
        #expect(next != owner)
    }

    @Test func aCrashedSpeakerIsNoticedOnlyBySuspicion() throws {
        let world = try clusterWorld(nodeCount: 4)
        world.run(until: Self.powerOffAt)
        let owner = try soleAnnouncer(world, at: Self.powerOffAt)
        world.stopSpeaker(node: owner, graceful: false)
        world.run(until: .seconds(60))
        let seen = departures(of: owner, after: Self.powerOffAt, in: world)
        #expect(seen.count == 3)
        let minimum = Timing.suspicionBounds(.lan, members: 4).minimum
        for (observer, time) in seen {
            #expect(
                time - Self.powerOffAt >= .nanoseconds(minimum),
                "\(observer) declared the crashed speaker dead too early, at \(time)")
        }
        // Nobody announced while the survivors still counted the crashed speaker alive.
        let firstDeparture = try #require(seen.values.min())
        #expect(world.recorder.announcers(of: vip, at: firstDeparture - .milliseconds(1)).isEmpty)
    }

    /// A partition gives each side its own view: both sides announce during it (the client's
    /// side sees both gratuitous claims); after the heal and a rejoin, one announcer is left.
    @Test func aPartitionGivesTwoAnnouncersAndTheHealOne() throws {
        let world = try clusterWorld(nodeCount: 4)
        world.run(until: .seconds(10))
        let owner = try soleAnnouncer(world, at: .seconds(10))
        let others = world.nodes.map(\.name).filter { $0 != owner }
        // The owner alone on one side; the pod's node must stay with the rest for current's
        // Cluster-policy election to keep the rest as candidates.
        world.partition([others + ["client-0"], [owner]])
        world.run(until: .seconds(50))
        let during = world.recorder.announcers(of: vip, at: .seconds(50))
        #expect(during.count == 2 && during.contains(owner), "both sides should announce: \(during)")
        world.partition([])
        world.run(until: .seconds(200))
        #expect(world.recorder.announcers(of: vip, at: .seconds(200)).count == 1)
        for node in world.nodes {
            #expect(node.membership?.liveMembers.count == 4, "\(node.name) should see all four again")
        }
    }

    @Test func memberlistTravelsAsUDP7946FramesBetweenNodeAddresses() throws {
        let sink = RecordingTrace(wantsInterfaceFrames: false)
        let world = try clusterWorld(nodeCount: 3, trace: sink)
        world.run(until: .seconds(5))
        let datagrams = sink.segment.compactMap { frame -> (IPv4Header, UDPHeader)? in
            guard let decoded = try? EthernetFrame.decode(frame.bytes), case .ipv4Other(let ip) = decoded.payload,
                ip.protocol == .udp, let udp = try? UDPHeader.parse(Array(frame.bytes[decoded.dataRange]))
            else { return nil }
            return (ip, udp)
        }
        #expect(!datagrams.isEmpty)
        let nodeIPs = Set(world.nodes.map(\.ip))
        for (ip, udp) in datagrams {
            #expect(udp.sourcePort == 7946 && udp.destinationPort == 7946)
            #expect(nodeIPs.contains(ip.source) && nodeIPs.contains(ip.destination))
        }
    }
}
