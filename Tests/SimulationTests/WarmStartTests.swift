import Engine
import IPAM
import Testing
import Wire

@testable import Simulation

/// A run begins from a running cluster by default (`WarmStart`): the speakers started at
/// different times, so memberlist has converged at 0 and every speaker's tickers run on a
/// phase of their own. hashicorp/memberlist's `schedule()` (memberlist.go) starts its probe and
/// gossip tickers when the member is created, so a member's phase is its start time; a cold
/// start puts every member on one grid.
@Suite("Warm start: a running cluster at time 0")
struct WarmStartTests {
    static let nodes = 4

    func world(seed: UInt64 = 7, warm: WarmStart? = .standard, trace: TraceSink? = nil) throws -> World {
        let config = WorldConfig(
            seed: seed, duration: .seconds(30), warmStart: warm, nodes: (0..<Self.nodes).map(nodeSpec), clients: [])
        let world = World(config: config, trace: trace)
        try world.applyMetalLBConfig([AddressPool(name: "pool", cidrs: [IPv4CIDR(network: vip, prefixLength: 32)])])
        applyWebService(to: world)
        return world
    }

    func tickerOrigins(_ world: World) -> [Int64] { world.nodes.map { $0.membership?.origin ?? -1 } }

    @Test func eachSpeakerStartedAtItsOwnInstantDrawnFromTheSeed() throws {
        let world = try world()
        world.run(until: .zero)
        let origins = tickerOrigins(world)
        let beginning = -WarmStart.standard.running.nanoseconds
        #expect(Set(origins).count == Self.nodes, "every member on a phase of its own: \(origins)")
        #expect(
            origins.allSatisfy { $0 >= beginning && $0 < beginning + WarmStart.standard.speakerStarts.nanoseconds },
            "\(origins)")
        let probePhases = Set(origins.map { (($0 % 1_000_000_000) + 1_000_000_000) % 1_000_000_000 })
        #expect(probePhases.count == Self.nodes, "distinct probe-ticker phases: \(probePhases)")

        let again = try self.world()
        again.run(until: .zero)
        #expect(tickerOrigins(again) == origins, "the same seed, the same history")
        let other = try self.world(seed: 8)
        other.run(until: .zero)
        #expect(tickerOrigins(other) != origins, "another seed, another history")
    }

    @Test func aColdStartPutsEveryMemberOnOneGrid() throws {
        let world = try world(warm: nil)
        world.run(until: .seconds(1))
        #expect(tickerOrigins(world) == Array(repeating: 0, count: Self.nodes))
    }

    @Test func atZeroMemberlistHasConvergedAndOneSpeakerAnnounces() throws {
        let world = try world()
        world.run(until: .seconds(30))
        for node in world.nodes {
            #expect(node.membership?.liveMembers.count == Self.nodes, "\(node.name) sees everyone at 0")
        }
        let announcements = world.recorder.announcements
        try #require(!announcements.isEmpty)
        #expect(announcements.count == 1, "one announcer from 0 to the end: \(announcements)")
        #expect(announcements.first.map { $0.time == .zero && $0.inherited && $0.action == .start } == true)
        #expect(world.recorder.membership.isEmpty, "memberlist's formation is history")
        #expect(world.recorder.allocations.map(\.time) == [.zero], "the allocation is the state at 0")
    }

    @Test func aColdStartShowsEverySpeakerAnnouncingUntilMemberlistJoins() throws {
        let world = try world(warm: nil)
        world.run(until: .seconds(30))
        let starts = world.recorder.announcements.filter { $0.action == .start && $0.time < .seconds(1) }
        #expect(Set(starts.map(\.node)).count == Self.nodes, "each speaker alone announces: \(starts)")
        #expect(world.recorder.announcers(of: vip, at: .seconds(1)).count == 1, "until memberlist joins")
    }

    @Test func nothingBeforeZeroIsTraced() throws {
        let trace = RecordingTrace()
        let world = try world(trace: trace)
        world.run(until: .seconds(10))
        try #require(!trace.segment.isEmpty, "memberlist's datagrams after 0 are traced")
        #expect(trace.segment.allSatisfy { $0.time >= .zero })
        #expect(trace.interface.allSatisfy { $0.time >= .zero })
        #expect(world.recorder.framesOnSegment == UInt64(trace.segment.count), "the frame count restarts at 0")
    }
}
