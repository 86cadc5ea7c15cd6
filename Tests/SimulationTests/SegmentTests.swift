import Engine
import Testing
import Wire

@testable import Simulation

// The segment is one learning switch (IEEE 802.1D transparent bridging): it learns each
// frame's source MAC on the port it came in on, forwards known unicast to that port only,
// filters a frame whose destination sits on the port it came from, and floods broadcast,
// multicast and unknown or aged-out unicast to every port but the ingress.

@Suite("Segment: forwarding decisions")
struct SegmentForwardingTests {
    let host0 = MACAddress(0x02, 0, 0, 0, 0xA0, 0)
    let host1 = MACAddress(0x02, 0, 0, 0, 0xA0, 1)
    let host2 = MACAddress(0x02, 0, 0, 0, 0xA0, 2)

    func segment(aging: SimDuration = .seconds(300)) -> Segment {
        // Three ports; `forward` decides from the forwarding database alone.
        Segment(latency: .microseconds(50), aging: aging, lossPPM: 0)
    }

    @Test func unknownUnicastFloods() {
        var segment = segment()
        #expect(segment.forward(inertFrame(to: host2, from: host0), ingress: 0, now: .seconds(1)) == nil)
    }

    @Test func knownUnicastGoesToTheLearnedPort() {
        var segment = segment()
        _ = segment.forward(inertFrame(to: .broadcast, from: host2), ingress: 2, now: .seconds(1))
        #expect(segment.forward(inertFrame(to: host2, from: host0), ingress: 0, now: .seconds(2)) == 2)
        // And the reply goes back to where host0 was just learned.
        #expect(segment.forward(inertFrame(to: host0, from: host2), ingress: 2, now: .seconds(3)) == 0)
    }

    @Test func destinationOnTheIngressPortIsFiltered() {
        var segment = segment()
        _ = segment.forward(inertFrame(to: .broadcast, from: host1), ingress: 0, now: .seconds(1))
        #expect(segment.forward(inertFrame(to: host1, from: host0), ingress: 0, now: .seconds(2)) == -1)
    }

    @Test func aMACThatMovesIsRelearnedOnItsNewPort() {
        var segment = segment()
        _ = segment.forward(inertFrame(to: .broadcast, from: host2), ingress: 2, now: .seconds(1))
        _ = segment.forward(inertFrame(to: .broadcast, from: host2), ingress: 1, now: .seconds(2))
        #expect(segment.forward(inertFrame(to: host2, from: host0), ingress: 0, now: .seconds(3)) == 1)
    }

    @Test func learnedEntriesAgeOut() {
        var segment = segment(aging: .seconds(10))
        _ = segment.forward(inertFrame(to: .broadcast, from: host2), ingress: 2, now: .seconds(1))
        #expect(
            segment.forward(inertFrame(to: host2, from: host0), ingress: 0, now: .seconds(11) - .nanoseconds(1)) == 2)
        #expect(
            segment.forward(inertFrame(to: host2, from: host0), ingress: 0, now: .seconds(11)) == nil,
            "aged out after fdbAging: flooded")
    }

    @Test func broadcastAndMulticastAlwaysFlood() {
        var segment = segment()
        _ = segment.forward(inertFrame(to: .broadcast, from: host1), ingress: 1, now: .seconds(1))
        #expect(segment.forward(inertFrame(to: .broadcast, from: host0), ingress: 0, now: .seconds(2)) == nil)
        let multicast = MACAddress(0x01, 0x00, 0x5e, 0x00, 0x00, 0x01)
        #expect(segment.forward(inertFrame(to: multicast, from: host0), ingress: 0, now: .seconds(2)) == nil)
    }

    @Test func multicastSourcesAreNeverLearned() {
        var segment = segment()
        let multicast = MACAddress(0x01, 0x00, 0x5e, 0x00, 0x00, 0x01)
        _ = segment.forward(inertFrame(to: .broadcast, from: multicast), ingress: 1, now: .seconds(1))
        #expect(segment.fdb[multicast] == nil)
    }
}

@Suite("Segment: what each port receives in a world")
struct SegmentDeliveryTests {
    /// Ports that received a copy of the frame tagged `tag`, and when.
    func receivers(of tag: UInt8, in trace: RecordingTrace, world: World) -> [Int: SimTime] {
        var result: [Int: SimTime] = [:]
        for client in world.clients {
            for frame in trace.received(on: Int(client.port), notFrom: client.mac) where frame.bytes[14] == tag {
                result[Int(client.port)] = frame.time
            }
        }
        return result
    }

    @Test func firstFrameToAnUnknownMACFloodsToEveryOtherPort() {
        let trace = RecordingTrace()
        let world = bareWorld(clients: 4, latency: .microseconds(100), trace: trace)
        let (a, c) = (world.clients[0], world.clients[2])
        world.inject(inertFrame(to: c.mac, from: a.mac, tag: 1), from: a.port, at: .seconds(1))
        world.run(until: .seconds(2))
        let got = receivers(of: 1, in: trace, world: world)
        #expect(Set(got.keys) == [1, 2, 3], "every port but the sender's")
        #expect(got.values.allSatisfy { $0 == SimTime.seconds(1) + .microseconds(100) })
    }

    @Test func unicastGoesOnlyToTheDestinationsPortOnceItHasSent() {
        let trace = RecordingTrace()
        let world = bareWorld(clients: 4, trace: trace)
        let (a, c) = (world.clients[0], world.clients[2])
        world.inject(inertFrame(to: .broadcast, from: c.mac, tag: 1), from: c.port, at: .seconds(1))
        world.inject(inertFrame(to: c.mac, from: a.mac, tag: 2), from: a.port, at: .seconds(2))
        world.run(until: .seconds(3))
        #expect(Set(receivers(of: 2, in: trace, world: world).keys) == [Int(c.port)])
    }

    @Test func aFrameForAMACOnTheIngressPortIsFiltered() {
        let trace = RecordingTrace()
        let world = bareWorld(clients: 3, trace: trace)
        let a = world.clients[0]
        // A second MAC behind the same port (a VM on that host) makes itself known...
        let behindA = MACAddress(0x02, 0, 0, 0, 0xEE, 1)
        world.inject(inertFrame(to: .broadcast, from: behindA, tag: 1), from: a.port, at: .seconds(1))
        // ...then the host talks to it: the switch must not send it anywhere.
        world.inject(inertFrame(to: behindA, from: a.mac, tag: 2), from: a.port, at: .seconds(2))
        world.run(until: .seconds(3))
        #expect(receivers(of: 2, in: trace, world: world).isEmpty)
        #expect(world.recorder.framesOnSegment == 2)
        #expect(world.recorder.framesDelivered == 2, "only the broadcast's two copies were delivered")
    }

    @Test func entriesAgeOutAfterFdbAgingAndTheNextFrameFloods() {
        let trace = RecordingTrace()
        let world = bareWorld(clients: 4, fdbAging: .seconds(10), trace: trace)
        let (a, c) = (world.clients[0], world.clients[2])
        world.inject(inertFrame(to: .broadcast, from: c.mac, tag: 1), from: c.port, at: .seconds(1))
        world.inject(inertFrame(to: c.mac, from: a.mac, tag: 2), from: a.port, at: .seconds(5))
        world.inject(inertFrame(to: c.mac, from: a.mac, tag: 3), from: a.port, at: .seconds(12))
        world.run(until: .seconds(13))
        #expect(Set(receivers(of: 2, in: trace, world: world).keys) == [Int(c.port)], "learned: unicast")
        #expect(Set(receivers(of: 3, in: trace, world: world).keys) == [1, 2, 3], "aged out: flooded")
    }

    @Test func broadcastAlwaysFloods() {
        let trace = RecordingTrace()
        let world = bareWorld(clients: 4, trace: trace)
        let clients = world.clients
        // Everyone has spoken, so every MAC is learned.
        for (index, client) in clients.enumerated() {
            world.inject(
                inertFrame(to: clients[(index + 1) % 4].mac, from: client.mac, tag: 1), from: client.port,
                at: .seconds(1) + .milliseconds(Int64(index)))
        }
        world.inject(inertFrame(to: .broadcast, from: clients[1].mac, tag: 2), from: clients[1].port, at: .seconds(2))
        world.run(until: .seconds(3))
        #expect(Set(receivers(of: 2, in: trace, world: world).keys) == [0, 2, 3])
    }
}
