import Testing
import Wire

@testable import Membership

/// One long seeded run, reduced to a digest of everything the nodes did: every datagram (time,
/// sender, destination, bytes), every event, every discarded message and the final views. The
/// expected value was recorded before the codec and the member index were rewritten for speed,
/// so it holds them to memberlist's behaviour as it was: the same bytes, the same random draws,
/// the same timing. It was recorded again when timers due at the same instant took Go's order
/// (`TimerOrderTests`): a gossip tick now runs before a probe deadline of its instant; and
/// again when a probe whose UDP ping went unanswered began sending memberlist's TCP fallback
/// ping (`FallbackPingTests`): those pings are outputs of their own.
@Suite("Golden run")
struct GoldenRunTests {
    static let expectedDigest: UInt64 = 0x4E76_83A6_F916_8F05

    @Test func aLongRunDoesExactlyWhatItDidBefore() {
        var network = TestNetwork.cluster(12, seed: 3)
        network.run(until: 10 * second)
        network.block(3)
        network.run(until: 40 * second)
        network.unblock(3)
        network.run(until: 45 * second)
        let leaving = network.nodes[5]!.leave(now: network.now)
        network.run(until: 46 * second)
        network.stop(5)
        network.run(until: 50 * second)
        network.stop(7)
        network.run(until: 90 * second)
        network.start(7, seed: 99, joining: [0])
        network.run(until: 130 * second)
        // A few undecodable packets, dropped with a reason.
        let garbage: [[UInt8]] = [
            [0x07, 0x09, 0x00], [0x06, 0x81, 0xA1], [0x00, 0x81, 0x01, 0x01], [0x0C, 1, 2, 3, 4, 0],
        ]
        var dropped: [String] = []
        for packet in garbage {
            dropped +=
                network.nodes[1]!.receive(packet, from: TestNetwork.address(2), port: 7946, now: network.now).discarded
        }

        var digest = FNV1a()
        for sent in network.sent {
            digest.add("\(sent.time) \(sent.from) \(sent.destination):\(sent.port) ")
            digest.add(sent.payload)
        }
        for event in network.events { digest.add("\(event.time) \(event.node) \(event.event) \(event.event.member)") }
        for line in network.discarded + dropped + leaving.discarded { digest.add(line) }
        for index in network.nodes.indices {
            guard let node = network.nodes[index] else { continue }
            for member in node.members { digest.add("\(index) \(member)") }
            digest.add("\(node.nextWakeup ?? -1) \(node.healthScore)")
        }
        #expect(network.sent.count > 4_000)
        #expect(digest.value == Self.expectedDigest, "digest \(String(digest.value, radix: 16))")
    }
}

/// 64-bit FNV-1a: a digest that needs no library.
struct FNV1a {
    private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

    mutating func add(_ bytes: [UInt8]) {
        for byte in bytes {
            value ^= UInt64(byte)
            value &*= 0x0000_0100_0000_01B3
        }
        value ^= 0xFF
        value &*= 0x0000_0100_0000_01B3
    }

    mutating func add(_ text: String) { add(Array(text.utf8)) }
}
