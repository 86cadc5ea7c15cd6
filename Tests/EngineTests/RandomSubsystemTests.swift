import Testing

@testable import Engine

/// The subsystem names are part of every recorded run: a seed replays the same only while each
/// stream is derived from the same name. These are the names runs were recorded with.
@Suite("RandomSubsystem: the stream names recorded runs depend on")
struct RandomSubsystemTests {
    @Test func namesAreThoseRunsWereRecordedWith() {
        #expect(RandomSubsystem.segmentLoss.name == "segment.loss")
        #expect(RandomSubsystem.cluster.name == "cluster")
        #expect(RandomSubsystem.clientNeighbour.name == "client.neighbour")
        #expect(RandomSubsystem.memberlist.name == "memberlist")
        #expect(RandomSubsystem.kubelet.name == "kubelet")
        #expect(RandomSubsystem.timelineDraw(entry: "kill", field: "at").name == "timeline/kill/at")
    }

    @Test func theTypedInitialiserDrawsWhatTheNamedOneDraws() {
        var typed = RandomStream(rootSeed: 42, .segmentLoss)
        var named = RandomStream(rootSeed: 42, subsystem: "segment.loss")
        for _ in 0..<8 { #expect(typed.next() == named.next()) }
    }
}
