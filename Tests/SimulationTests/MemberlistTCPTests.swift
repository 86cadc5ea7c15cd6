import Engine
import Membership
import Testing
import Wire

@testable import Simulation

/// memberlist's push/pull and joins over TCP in the simulated world (net.go
/// `sendAndReceiveState` and `handleConn`; memberlist.go `Join`): a handshake, the message in
/// segments of at most the MSS with PSH on the last, each acknowledged, the answer on the same
/// connection, FINs; SYN retransmissions after 1, 3 and 7 s (Linux's initial RTO, doubling:
/// net/ipv4/tcp_timer.c) until memberlist's 10 s dial timeout; a RST from a node where nothing
/// listens; a join's seeds dialed one after the other.
@Suite("Simulation: memberlist streams over TCP")
struct MemberlistTCPTests {
    struct Segment {
        var time: SimTime
        var source: IPv4Address
        var destination: IPv4Address
        var tcp: TCPHeader
        var payload: Int
        var frameLength: Int
    }

    static func segments(_ trace: RecordingTrace) -> [Segment] {
        trace.segment.compactMap { frame in
            guard let decoded = try? EthernetFrame.decode(frame.bytes),
                case .ipv4TCP(let ip, let tcp) = decoded.payload,
                tcp.sourcePort == 7946 || tcp.destinationPort == 7946
            else { return nil }
            return Segment(
                time: frame.time, source: ip.source, destination: ip.destination, tcp: tcp,
                payload: decoded.dataRange.count, frameLength: frame.bytes.count)
        }
    }

    /// A converged cluster of `nodes` where, at 5 s, `fault` strikes and node-a's speaker is
    /// killed; it starts again at `restart`. The memberlist segments from then to `end`, and
    /// the addresses of node-a, node-b and node-c.
    static func restartNodeA(
        nodes: Int, at restart: SimTime, until end: SimTime, after fault: (World) -> Void
    ) throws -> (segments: [Segment], a: IPv4Address, b: IPv4Address, c: IPv4Address) {
        let trace = RecordingTrace(wantsInterfaceFrames: false)
        let world = try clusterWorld(nodeCount: nodes, probeTarget: nil, trace: trace)
        world.run(until: .seconds(5))
        fault(world)
        world.stopSpeaker(node: "node-a", graceful: false)
        world.run(until: restart)
        world.startSpeaker(node: "node-a")
        world.run(until: end)
        let segments = Self.segments(trace).filter { $0.time >= restart }
        return (segments, world.nodes[0].ip, world.nodes[1].ip, world.nodes[2].ip)
    }

    @Test("a join is a TCP exchange: handshake, PSH-ended message, the answer, FINs; no UDP push/pull")
    func joinIsAConnection() throws {
        let trace = RecordingTrace(wantsInterfaceFrames: false)
        let world = try clusterWorld(nodeCount: 3, trace: trace)
        world.run(until: .seconds(2))
        let segments = Self.segments(trace)
        let syns = segments.filter { $0.tcp.flags == [.syn] }
        #expect(!syns.isEmpty)
        for syn in syns {
            let port = syn.tcp.sourcePort
            let connection = segments.filter { $0.tcp.sourcePort == port || $0.tcp.destinationPort == port }
                .filter { $0.source == syn.source || $0.destination == syn.source }
            #expect(
                connection.contains {
                    $0.tcp.flags == [.syn, .ack] && $0.tcp.acknowledgmentNumber == syn.tcp.sequenceNumber &+ 1
                })
            let pushes = connection.filter { $0.tcp.flags.contains(.psh) }
            #expect(Set(pushes.map(\.source)).count == 2, "a message each way")
            #expect(connection.filter { $0.tcp.flags.contains(.fin) }.count == 2, "both sides close")
        }
        // Every node knows every other through those exchanges.
        for node in world.nodes { #expect(try #require(node.membership).liveMembers.count == 3) }
        // No push/pull (message type 6) travels as a UDP datagram any more.
        let udpPushPulls = trace.segment.filter { frame in
            guard let decoded = try? EthernetFrame.decode(frame.bytes), case .ipv4Other(let ip) = decoded.payload,
                ip.protocol == .udp
            else { return false }
            return frame.bytes.count > decoded.dataRange.lowerBound + 8
                && frame.bytes[decoded.dataRange.lowerBound + 8] == MessageType.pushPull.rawValue
        }
        #expect(udpPushPulls.isEmpty)
    }

    @Test("a 40-member state goes in segments of at most 1460 bytes: no frame above 1514")
    func largeStatesAreSegmented() throws {
        let trace = RecordingTrace(wantsInterfaceFrames: false)
        let world = try clusterWorld(nodeCount: 40, probeTarget: nil, trace: trace)
        world.run(until: .seconds(3))
        let segments = Self.segments(trace)
        #expect(segments.contains { $0.payload == 1460 }, "some message needed full segments")
        #expect(trace.segment.allSatisfy { $0.bytes.count <= 1514 })
    }

    @Test("a dead seed: SYN at 0, 1, 3 and 7 s, then the 10 s dial timeout lets the next seed go")
    func deadSeedHoldsTheJoinBack() throws {
        // node-a's speaker restarts while node-b is off: its join dials node-b first (the
        // speaker list's order), which never answers.
        let (segments, a, b, c) = try Self.restartNodeA(
            nodes: 4, at: .seconds(30), until: .seconds(60)
        ) { $0.powerOff(node: "node-b") }
        let toB = segments.filter { $0.source == a && $0.destination == b && $0.tcp.flags == [.syn] }
        let first = try #require(toB.first?.time)
        #expect(
            toB.prefix(4).map { ($0.time - first).nanoseconds / 1_000_000_000 } == [0, 1, 3, 7], "\(toB.map(\.time))")
        let toC = try #require(segments.first { $0.source == a && $0.destination == c && $0.tcp.flags == [.syn] })
        #expect(toC.time - first == .seconds(10), "the next seed waits for the dial timeout")
    }

    @Test("a node without a speaker answers a SYN with a RST, and the join moves on at once")
    func closedPortResets() throws {
        let (segments, a, b, c) = try Self.restartNodeA(
            nodes: 3, at: .seconds(10), until: .seconds(12)
        ) { $0.stopSpeaker(node: "node-b", graceful: false) }
        let reset = try #require(
            segments.first { $0.source == b && $0.destination == a && $0.tcp.flags.contains(.rst) })
        let toC = try #require(segments.first { $0.source == a && $0.destination == c && $0.tcp.flags == [.syn] })
        #expect(toC.time - reset.time < .milliseconds(1))
    }

    /// With frames lost, a message is delivered only once all of it is in: a PSH segment that
    /// arrives after a gap waits for the retransmission (so every listener that closes has
    /// answered with its list first, and every member ends up knowing every other).
    @Test("under loss, every listener answers in full before it closes, and everyone converges")
    func lossDelaysButNeverTruncates() throws {
        let trace = RecordingTrace(wantsInterfaceFrames: false)
        let world = try clusterWorld(nodeCount: 40, probeTarget: nil, lossPPM: 30_000, trace: trace)
        world.run(until: .seconds(20))
        let segments = Self.segments(trace)
        #expect(segments.contains { $0.payload == 1460 }, "some message needed full segments")
        // Per connection (listener side: source port 7946), a FIN comes only after a PSH.
        var answered: Set<String> = []
        var closedWithoutAnswer: [String] = []
        for segment in segments where segment.tcp.sourcePort == 7946 {
            let connection = "\(segment.source)>\(segment.destination):\(segment.tcp.destinationPort)"
            if segment.tcp.flags.contains(.psh) { answered.insert(connection) }
            if segment.tcp.flags.contains(.fin) && !answered.contains(connection) {
                closedWithoutAnswer.append(connection)
            }
        }
        #expect(closedWithoutAnswer.isEmpty, "\(closedWithoutAnswer.prefix(5))")
        for node in world.nodes { #expect(try #require(node.membership).liveMembers.count == 40, "\(node.name)") }
    }
}
