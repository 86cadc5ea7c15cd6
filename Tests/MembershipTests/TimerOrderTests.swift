import Testing

@testable import Membership

/// Timers due at the same instant run in the order Go's runtime gives memberlist's goroutines.
/// `schedule()` (memberlist.go) starts the probe ticker and then the gossip ticker, and
/// `probeNode` (state.go) arms a probe's deadline only after its tick has run and its ping is
/// out: so at an instant where a probe deadline and a gossip tick coincide, the gossip round has
/// already run when the probe fails. The suspect message it queues leaves on the next probe's
/// ping (started at once, from the tick the probe ticker kept while the probe blocked), and in
/// gossip only one GossipInterval later.
@Suite("Memberlist: same-instant timer order")
struct TimerOrderTests {
    static func suspects(_ payload: [UInt8], accused: String, by accuser: String) -> Bool {
        Packet.decode(payload).messages.contains {
            if case .suspect(let suspect) = $0 { return suspect.node == accused && suspect.from == accuser }
            return false
        }
    }

    static func carriesPing(_ payload: [UInt8]) -> Bool {
        Packet.decode(payload).messages.contains { if case .ping = $0 { return true } else { return false } }
    }

    /// A gossip round's packet: broadcasts only (anything else may carry them piggybacked).
    static func isGossip(_ payload: [UInt8]) -> Bool {
        Packet.decode(payload).messages.allSatisfy {
            switch $0 {
            case .alive, .suspect, .dead: return true
            default: return false
            }
        }
    }

    @Test func aSuspicionFromAFailedProbeMissesThatInstantsGossipRound() throws {
        let config = MembershipConfig.lan
        var network = TestNetwork.cluster(3)
        network.run(until: 5 * second)
        network.block(2)
        network.run(until: 20 * second)
        let accuser = TestNetwork.name(0)
        let accused = TestNetwork.name(2)
        let origin = network.node(0).origin
        let carrying = network.sent.filter { $0.from == 0 && Self.suspects($0.payload, accused: accused, by: accuser) }
        let deadline = try #require(carrying.first?.time, "node-a never suspected node-c itself")
        // The probe's deadline is on node-a's probe grid, so a gossip tick falls there too.
        #expect((deadline - origin) % config.gossipInterval == 0, "deadline \(deadline), origin \(origin)")

        let atDeadline = carrying.filter { $0.time == deadline }
        #expect(
            atDeadline.allSatisfy { Self.carriesPing($0.payload) },
            "at the deadline only the next probe's ping carries the suspicion: \(atDeadline.map(\.destination))")
        let gossiped = carrying.first { Self.isGossip($0.payload) }
        #expect(
            gossiped?.time == deadline + config.gossipInterval,
            "gossiped in the next round, at \(String(describing: gossiped?.time)), deadline \(deadline)")
    }
}
