import TestSupport
import Testing
import Wire

@testable import Membership

/// Push/pull and fallback pings as memberlist runs them over TCP (net.go `sendLocalState`,
/// `readStream`, `handleConn`), and which outputs a driver must send that way.
@Suite("Streams")
struct StreamTests {
    static let a = IPv4Address(192, 0, 2, 10)
    static let b = IPv4Address(192, 0, 2, 20)

    static func node(_ name: String, _ address: IPv4Address, config: MembershipConfig = .lan) -> Memberlist<SplitMix64>
    {
        Memberlist(name: name, address: address, config: config, generator: SplitMix64(seed: 1), now: 0)
    }

    /// What memberlist's sendLocalState writes for a one-member list joining (type byte,
    /// header, the member), made by go-msgpack: Tests/MemberlistPeer/vectors/main.go, run once
    /// (see LZWTests), its "push/pull" line pasted here.
    static let goPushPull = hex(
        """
        0683a44a6f696ec3a54e6f64657301ac5573657253746174654c656e0087a441646472a4c0000215ab496e6361726e6174696f6e01a4
        4d657461c0a44e616d65a4676f2d61a4506f7274cd1f0aa5537461746500a356736ea6010502000000
        """)

    /// A node's join, and its answer on a connection, are memberlist's bytes exactly.
    @Test func streamBytesAreMemberlists() throws {
        var node = Self.node("go-a", IPv4Address(192, 0, 2, 21))
        let join = node.join([(Self.b, 7946)], now: 0).datagrams
        #expect(join.map(\.payload) == [Self.goPushPull])
        var other = Self.node("go-a", IPv4Address(192, 0, 2, 21))
        _ = other.tick(now: 0)
        let asked = try #require(Message.pushPull(PushPull(join: true, isReply: false, nodes: [])).encoded as [UInt8]?)
        let answer = other.receiveStream(asked, from: Self.b, port: 40000, dialed: false, now: 1).reply
        #expect(answer == Self.goPushPull)
        #expect(Stream.read(Stream.frame(Self.goPushPull, compress: true)) == .message(Self.goPushPull))
    }

    /// Every message kind a stream carries, plain and compressed, reads back whole; every
    /// shorter prefix reads as incomplete (the reader waits for more, as go-msgpack's does).
    @Test func framesReadBackAndPrefixesWait() {
        var a = Self.node("node-a", Self.a)
        let request = a.join([(Self.b, 7946)], now: 0).datagrams[0].payload
        let messages = [
            request, Message.ping(Ping(seqNo: 3, node: "node-b")).encoded, Message.ack(Ack(seqNo: 3)).encoded,
        ]
        for message in messages.prefix(2) {
            for compress in [false, true] {
                let framed = Stream.frame(message, compress: compress)
                #expect(framed.first == (compress ? MessageType.compress.rawValue : message[0]))
                #expect(Stream.read(framed) == .message(message))
                for length in 0..<framed.count {
                    #expect(
                        Stream.read(Array(framed.prefix(length))) == .incomplete, "prefix \(length) of \(framed.count)")
                }
            }
        }
        // An ack is not something a stream opens with.
        guard case .failed = Stream.read(messages[2]) else {
            Issue.record("an ack on a stream should be refused")
            return
        }
    }

    @Test func remoteErrorsAndEncryptionAreReported() {
        var error: [UInt8] = [MessageType.error.rawValue, 0x81, 0xA5]
        error += Array("Error".utf8) + [0xA4] + Array("oops".utf8)
        #expect(Stream.read(error) == .failed("remote error: oops"))
        #expect(
            Stream.read([MessageType.encrypt.rawValue, 0, 0, 0, 9])
                == .failed("remote state is encrypted and encryption is not configured"))
    }

    /// A join is a stream; its bytes are memberlist's (no `Reply` key), and the answer
    /// written back on the connection has none either.
    @Test func joinRunsOverAStream() throws {
        var a = Self.node("node-a", Self.a)
        var b = Self.node("node-b", Self.b)
        _ = a.tick(now: 0)
        _ = b.tick(now: 0)
        let join = a.join([(Self.b, 7946)], now: 1000)
        #expect(join.datagrams.count == 1)
        let request = try #require(join.datagrams.first)
        #expect(request.transport == .stream)
        #expect(!contains(request.payload, "Reply"))

        let answered = b.receiveStream(request.payload, from: Self.a, port: 40000, dialed: false, now: 2000)
        let reply = try #require(answered.reply)
        #expect(!contains(reply, "Reply"))
        #expect(answered.output.datagrams.allSatisfy { $0.transport == .packet })
        #expect(answered.output.events.map(\.member.name) == ["node-a"])
        guard case .pushPull(let exchange) = try Packet.decodeMessage(reply) else {
            Issue.record("the answer is not a push/pull")
            return
        }
        #expect(exchange.join && !exchange.isReply)
        // b's list as it was before merging a's: only b.
        #expect(exchange.nodes.map(\.name) == ["node-b"])

        let merged = a.receiveStream(reply, from: Self.b, port: 7946, dialed: true, now: 3000)
        #expect(merged.reply == nil)
        #expect(merged.output.events.map(\.member.name) == ["node-b"])
        #expect(a.liveMembers.map(\.name) == ["node-a", "node-b"])
        #expect(b.liveMembers.map(\.name) == ["node-a", "node-b"])
    }

    /// An answer nobody waits for (no push/pull was started to that address) is dropped.
    @Test func unexpectedAnswersAreDropped() {
        var a = Self.node("node-a", Self.a)
        var b = Self.node("node-b", Self.b)
        let request = a.join([(Self.b, 7946)], now: 0).datagrams[0].payload
        let answered = b.receiveStream(request, from: Self.a, port: 7946, dialed: true, now: 10)
        #expect(answered.reply == nil)
        #expect(answered.output.discarded.count == 1)
        #expect(b.liveMembers.map(\.name) == ["node-b"])
    }

    /// memberlist's TCP fallback probe: a ping for this node gets an ack on the connection.
    @Test func fallbackPingsAreAckedOnTheStream() {
        var b = Self.node("node-b", Self.b)
        let acked = b.receiveStream(
            Message.ping(Ping(seqNo: 42, node: "node-b")).encoded, from: Self.a, port: 40000,
            dialed: false, now: 10)
        #expect(acked.reply == Message.ack(Ack(seqNo: 42)).encoded)
        let misdirected = b.receiveStream(
            Message.ping(Ping(seqNo: 43, node: "node-x")).encoded, from: Self.a, port: 40000,
            dialed: false, now: 10)
        #expect(misdirected.reply == nil)
        #expect(misdirected.output.discarded.count == 1)
    }

    /// A push/pull that arrives as a datagram is answered by one marked as the reply half of a
    /// stream exchange, with the `Reply` key; probes are packets, but for the TCP fallback
    /// ping, a stream.
    @Test func datagramsSayHowMemberlistWouldCarryThem() {
        var a = Self.node("node-a", Self.a)
        var b = Self.node("node-b", Self.b)
        let request = a.join([(Self.b, 7946)], now: 0).datagrams[0]
        let answer = b.receive(request.payload, from: Self.a, port: 7946, now: 10).datagrams
        #expect(answer.count == 1 && answer[0].transport == .streamReply && contains(answer[0].payload, "Reply"))
        _ = a.receive(answer[0].payload, from: Self.b, port: 7946, now: 20)
        let probes = a.tick(now: 2 * second).datagrams
        #expect(probes.contains { $0.transport == .packet })
        for stream in probes where stream.transport != .packet {
            #expect(stream.transport == .stream && stream.deadline != nil)
            if case .ping = try? Packet.decodeMessage(stream.payload) {} else { Issue.record("not a fallback ping") }
        }
    }

    /// With compression on, packets that shrink go compressed (the CRC, where there is one,
    /// covering the compressed bytes), and are read like any other.
    @Test func compressedGossipIsReadByTheOtherSide() throws {
        var a = Self.node("node-a", Self.a, config: .liveLAN)
        var b = Self.node("node-b", Self.b)
        let request = a.join([(Self.b, 7946)], now: 0).datagrams[0].payload
        let reply = try #require(b.receiveStream(request, from: Self.a, port: 40000, dialed: false, now: 1).reply)
        _ = a.receiveStream(reply, from: Self.b, port: 7946, dialed: true, now: 2)
        // News about many members, gossiped in compounds.
        for index in 0..<30 {
            let alive = Alive(
                incarnation: 1, node: "member-\(index)", address: IPv4Address(192, 0, 2, UInt8(100 + index)),
                port: 7946, vsn: [1, 5, 2, 0, 0, 0])
            _ = a.receive(Message.alive(alive).encoded, from: Self.b, port: 7946, now: 3)
        }
        var compressed = 0
        var time: Int64 = 3
        // b reads everything a sends, whoever it is for: only what it learns matters here.
        while time < 2 * second, let wake = a.nextWakeup {
            time = wake
            for datagram in a.tick(now: time).datagrams {
                // Gossip names its target (CRC, as b speaks protocol 5); probes look it up by
                // address text and find none (no CRC).
                let body =
                    datagram.payload.first == MessageType.hasCRC.rawValue
                    ? datagram.payload.dropFirst(5) : datagram.payload[...]
                if body.first == MessageType.compress.rawValue { compressed += 1 }
                #expect(Packet.decode(datagram.payload).errors.isEmpty)
                _ = b.receive(datagram.payload, from: Self.a, port: 7946, now: time)
            }
        }
        #expect(compressed > 0)
        #expect(b.liveMembers.count == 32)
    }

    private func contains(_ bytes: [UInt8], _ text: String) -> Bool {
        let needle = Array(text.utf8)
        guard bytes.count >= needle.count else { return false }
        return (0...(bytes.count - needle.count)).contains { Array(bytes[$0..<$0 + needle.count]) == needle }
    }
}

/// memberlist's TCP fallback probe (state.go `probeNode`, net.go `sendPingAndWaitForAck`):
/// when the UDP ping gets no ack within ProbeTimeout, the prober also sends the ping over TCP,
/// with until the probe's deadline to connect and be answered; an ack there alone makes the
/// probe count as answered ("network may be misconfigured"), with no suspicion. `DisableTcpPings`
/// turns it off.
@Suite("Streams: the TCP fallback ping")
struct FallbackPingTests {
    /// a and b know each other; a's probes of b then go unanswered over UDP (never delivered).
    static func pair(config: MembershipConfig = .lan) -> (Memberlist<SplitMix64>, Memberlist<SplitMix64>) {
        var a = StreamTests.node("node-a", StreamTests.a, config: config)
        var b = StreamTests.node("node-b", StreamTests.b, config: config)
        let request = a.join([(StreamTests.b, 7946)], now: 0).datagrams[0].payload
        let reply = b.receiveStream(request, from: StreamTests.a, port: 40000, dialed: false, now: 1).reply!
        _ = a.receiveStream(reply, from: StreamTests.b, port: 7946, dialed: true, now: 2)
        return (a, b)
    }

    /// Runs a alone until its first probe of b is over, answering (or not) its fallback ping
    /// through b; returns whether a suspected b, and the fallback pings it sent.
    static func probeOnce(answerFallback: Bool, config: MembershipConfig = .lan) -> (
        suspected: Bool, fallbacks: [MembershipOutput.Datagram]
    ) {
        var (a, b) = pair(config: config)
        var fallbacks: [MembershipOutput.Datagram] = []
        var suspected = false
        var now: Int64 = 2
        while let next = a.nextWakeup, next < 3_000_000_000 {
            now = next
            let output = a.tick(now: now)
            for datagram in output.datagrams where datagram.transport == .stream && !datagram.isJoin {
                fallbacks.append(datagram)
                if answerFallback {
                    let ack = b.receiveStream(
                        datagram.payload, from: StreamTests.a, port: 40001, dialed: false, now: now
                    ).reply!
                    _ = a.receiveStream(ack, from: StreamTests.b, port: 7946, dialed: true, now: now + 100_000)
                }
            }
            if a.member(named: "node-b")?.state == .suspect { suspected = true }
        }
        return (suspected, fallbacks)
    }

    @Test("an ack on the fallback connection alone keeps the target from being suspected")
    func fallbackAckCounts() throws {
        let answered = Self.probeOnce(answerFallback: true)
        let fallback = try #require(answered.fallbacks.first)
        #expect(fallback.destination == StreamTests.b && fallback.deadline != nil)
        guard case .ping = try Packet.decodeMessage(fallback.payload) else {
            Issue.record("the fallback is not a ping")
            return
        }
        #expect(!answered.suspected)
        #expect(Self.probeOnce(answerFallback: false).suspected)
    }

    @Test("DisableTcpPings: no fallback, and the silent target is suspected")
    func disabled() {
        var config = MembershipConfig.lan
        config.disableTCPPings = true
        let result = Self.probeOnce(answerFallback: true, config: config)
        #expect(result.fallbacks.isEmpty)
        #expect(result.suspected)
    }
}

/// memberlist v0.5.1 (current MetalLB) names the sender in pings and indirect ping requests;
/// v0.1.7 (MetalLB v0.9.4) has no `SourceAddr`, `SourcePort` or `SourceNode` (state.go
/// `probeNode`, v0.1.7 against v0.5.1), so its acks go to the packet's source.
@Suite("memberlist versions: who a ping names")
struct PingVersionTests {
    static func firstPing(_ config: MembershipConfig) -> Ping? {
        var (a, _) = FallbackPingTests.pair(config: config)
        while let next = a.nextWakeup, next < 3_000_000_000 {
            for datagram in a.tick(now: next).datagrams where datagram.transport == .packet {
                for message in Packet.decode(datagram.payload).messages {
                    if case .ping(let ping) = message { return ping }
                }
            }
        }
        return nil
    }

    @Test func v051NamesTheSenderAndV017DoesNot() throws {
        let named = try #require(Self.firstPing(.lan))
        #expect(named.sourceAddress == StreamTests.a && named.sourceNode == "node-a" && named.sourcePort == 7946)
        var legacy = MembershipConfig.lan
        legacy.pingsNameTheSender = false
        let bare = try #require(Self.firstPing(legacy))
        #expect(bare.sourceAddress == nil && bare.sourceNode.isEmpty && bare.sourcePort == 0)
        #expect(Message.ping(bare).encoded.count < Message.ping(named).encoded.count)
    }
}
