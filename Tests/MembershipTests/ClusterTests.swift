import Foundation
import Testing
import Wire

@testable import Membership

/// Whole clusters of `Memberlist`s on the in-test network (`TestNetwork`, 1 ms latency).
@Suite("Memberlist clusters")
struct ClusterTests {
    // MARK: - Joining

    @Test(arguments: [3, 5])
    func everyoneSeesEveryoneAliveAfterJoining(size: Int) {
        var network = TestNetwork.cluster(size)
        network.run(until: 5 * second)
        let names = (0..<size).map(TestNetwork.name)
        for index in 0..<size {
            let view = network.node(index).members
            #expect(view.map(\.name) == names, "\(TestNetwork.name(index)) sees \(view.map(\.name))")
            #expect(view.allSatisfy { $0.state == .alive && $0.incarnation == 1 })
            // One join event per member, itself included, and nothing else.
            let events = network.events.filter { $0.node == index }
            #expect(events.map(\.event.kind) == [MemberEvent.Kind](repeating: .join, count: size))
            #expect(Set(events.map(\.event.member.name)) == Set(names))
            #expect(network.node(index).healthScore == 0)
        }
        #expect(network.discarded.isEmpty, "\(network.discarded)")
    }

    @Test func probesGoRoundRobinOverEveryOtherMember() {
        var network = TestNetwork.cluster(5)
        network.run(until: 20 * second)
        for index in 0..<5 {
            let probes = network.probes.filter { $0.node == index && $0.time >= 2 * second }
            // One probe a second, on the node's own one-second grid (it was created at
            // index × 37 ms).
            for (earlier, later) in zip(probes, probes.dropFirst()) {
                #expect(later.time - earlier.time == second)
            }
            #expect(probes.allSatisfy { ($0.time - Int64(index) * 37 * millisecond) % second == 0 })
            // Round robin: the other four members, each as often as the others.
            #expect(!probes.contains { $0.target == TestNetwork.name(index) })
            // Each pass is a fresh shuffle, so the same member may end one pass and start
            // the next, but never waits more than two passes (less one) for its turn, and
            // over the window (partial passes at both ends) the counts differ by at most 2.
            let counts = Dictionary(grouping: probes, by: \.target).mapValues(\.count)
            #expect(counts.count == 4)
            #expect(counts.values.max()! - counts.values.min()! <= 2, "\(counts)")
            for target in counts.keys {
                let turns = probes.indices.filter { probes[$0].target == target }
                for (earlier, later) in zip(turns, turns.dropFirst()) {
                    #expect(later - earlier <= 7, "\(target) waited \(later - earlier) probes")
                }
            }
        }
    }

    // MARK: - Failure detection

    /// 3 nodes: k = 0, so a suspicion lasts exactly the minimum, 4 s.
    @Test func silencedNodeIsSuspectedThenDeclaredDeadInAThreeNodeCluster() throws {
        try checkSilencedNode(clusterSize: 3, config: .lan, minimum: 4 * second, maximum: 24 * second, expected: 0)
    }

    /// 5 nodes: k = 2 confirmations expected; the timer starts at 24 s and shrinks as the
    /// others' suspicions arrive.
    @Test func silencedNodeIsSuspectedThenDeclaredDeadInAFiveNodeCluster() throws {
        let confirmations = try checkSilencedNode(
            clusterSize: 5, config: .lan, minimum: 4 * second, maximum: 24 * second, expected: 2)
        #expect(
            confirmations.contains { $0 > 0 }, "some observer's timer was shortened by confirmations: \(confirmations)")
    }

    /// The WAN profile: 5 s probes, SuspicionMult 6 (30 s minimum for 3 nodes).
    @Test func wanProfileIsSlower() throws {
        try checkSilencedNode(clusterSize: 3, config: .wan, minimum: 30 * second, maximum: 180 * second, expected: 0)
    }

    /// Silences the last node at 10 s and checks every other node's view against
    /// memberlist's rules, recomputed here from what went over the network:
    /// - it is suspected exactly one probe interval after a probe of it began (the first
    ///   suspecter), and by everyone within one probe interval of their first probe of it;
    /// - each observer declares it dead when its own suspicion timer runs out (start +
    ///   timeout for the confirmations it had heard by then) or when a dead message from
    ///   another arrives, whichever is first;
    /// - each observer emits exactly one leave event for it and nothing more.
    /// Returns the confirmations each observer's timer used.
    @discardableResult
    func checkSilencedNode(
        clusterSize: Int, config: MembershipConfig, minimum: Int64, maximum: Int64,
        expected k: Int
    ) throws -> [Int] {
        let target = clusterSize - 1
        let targetName = TestNetwork.name(target)
        var network = TestNetwork.cluster(clusterSize, config: config, watching: targetName)
        let silence = 10 * config.probeInterval
        network.run(until: silence)
        for index in 0..<clusterSize {
            #expect(network.node(index).liveMembers.count == clusterSize, "converged before the silence")
        }
        network.block(target)
        network.run(until: silence + 2 * maximum + 10 * config.probeInterval)

        var confirmationCounts: [Int] = []
        var firstSuspicion: Int64 = .max
        var firstSuspecterProbe: Int64?
        for observer in 0..<target {
            let name = TestNetwork.name(observer)
            let suspected = try #require(
                network.firstTime(observer, sees: .suspect, from: silence), "\(name) never suspected")
            let dead = try #require(
                network.firstTime(observer, sees: .dead, from: silence), "\(name) never declared it dead")

            // Suspected within one probe interval of this observer's first probe of it.
            let ownProbes = network.probes.filter { $0.node == observer && $0.target == targetName }
            if let firstAfter = ownProbes.first(where: { $0.time >= silence }) {
                #expect(suspected <= firstAfter.time + config.probeInterval, "\(name) suspected late")
            }
            if suspected < firstSuspicion {
                firstSuspicion = suspected
                firstSuspecterProbe = ownProbes.first { $0.time + config.probeInterval == suspected }?.time
            }

            // Reports that may confirm the suspicion: suspect messages about the target
            // delivered to this observer, and this observer's own failed probes of it.
            var reports: [(time: Int64, order: Int, from: String)] = []
            var deadArrival: Int64?
            for (position, delivery) in network.delivered.enumerated()
            where delivery.to == observer && delivery.time >= suspected {
                for message in delivery.messages {
                    switch message {
                    case .suspect(let s) where s.node == targetName:
                        reports.append((delivery.time, position, s.from))
                    case .dead(let d) where d.node == targetName:
                        deadArrival = deadArrival ?? delivery.time
                    case .pushPull(let p)
                    where p.nodes.contains { $0.name == targetName && ($0.state == .dead || $0.state == .suspect) }:
                        reports.append((delivery.time, position, name))
                    default:
                        break
                    }
                }
            }
            for probe in ownProbes where probe.time + config.probeInterval >= suspected {
                reports.append((probe.time + config.probeInterval, Int.max, name))
            }
            reports.sort { ($0.time, $0.order) < ($1.time, $1.order) }
            // The report that started the suspicion: a message delivered at that instant,
            // else this observer's own failed probe.
            let starter = try #require(reports.first, "\(name): nothing explains the suspicion")
            #expect(starter.time == suspected)
            var reporters = [starter.from]
            var confirmations = 0
            var deadline = suspected + (k < 1 ? minimum : maximum)
            for report in reports.dropFirst() {
                if report.time > deadline { break }
                guard confirmations < k, !reporters.contains(report.from) else { continue }
                reporters.append(report.from)
                confirmations += 1
                deadline = max(suspected + shrunkTimeout(confirmations, k, minimum, maximum), report.time)
            }
            let expectedDeath = min(deadline, deadArrival ?? .max)
            #expect(
                dead == expectedDeath,
                "\(name): suspected at \(suspected), \(confirmations) confirmations, timer \(deadline), dead message \(String(describing: deadArrival)), dead at \(dead)"
            )
            confirmationCounts.append(deadline <= (deadArrival ?? .max) ? confirmations : -1)

            // Exactly one leave event, and the target never came back.
            let events = network.events(of: observer, about: targetName).filter { $0.time >= silence }
            #expect(events.map(\.event.kind) == [.leave], "\(name): \(events.map(\.event))")
            #expect(events.first?.time == dead)
            #expect(events.first?.event.member.state == .dead)
        }
        // The first suspecter found out from its own probe, exactly one interval after it.
        let probeStart = try #require(firstSuspecterProbe, "the first suspicion came from a probe")
        #expect(firstSuspicion == probeStart + config.probeInterval)
        #expect(firstSuspicion > silence && firstSuspicion <= silence + Int64(clusterSize) * config.probeInterval)
        return confirmationCounts
    }

    /// The timeout after c confirmations, written out independently of the module:
    /// max − (max − min) × ln(c + 1) / ln(k + 1), floored to the millisecond, at least min.
    func shrunkTimeout(_ c: Int, _ k: Int, _ minimum: Int64, _ maximum: Int64) -> Int64 {
        let maxSeconds = Double(maximum) / 1e9
        let minSeconds = Double(minimum) / 1e9
        let raw = maxSeconds - (maxSeconds - minSeconds) * log(Double(c + 1)) / log(Double(k + 1))
        return max(Int64((raw * 1000).rounded(.down)) * millisecond, minimum)
    }

    /// A node that cannot be reached directly by one member, but can by the others, is
    /// vouched for by the indirect probes: nobody suspects it.
    @Test func indirectProbesSaveANodeWithOneBrokenLink() {
        var network = TestNetwork.cluster(5, watching: "node-e")
        network.run(until: 10 * second)
        network.blocked.insert([0, 4])
        network.blocked.insert([4, 0])
        network.run(until: 40 * second)
        #expect(network.viewChanges.filter { $0.time >= 10 * second }.isEmpty, "\(network.viewChanges)")
        // node-a's probes of node-e went through the others.
        let relayedAcks = network.delivered.filter { $0.to == 0 && $0.time > 10 * second && $0.from != 4 }
            .flatMap(\.messages).filter { if case .ack = $0 { return true } else { return false } }
        #expect(!relayedAcks.isEmpty)
        #expect(network.node(0).healthScore == 0)
    }

    /// Lifeguard: a node cut off from everyone gets no nacks from the members it asks to
    /// help, blames itself, and stretches its own probe interval.
    @Test func anIsolatedNodeSlowsItsOwnProbing() {
        var network = TestNetwork.cluster(5)
        network.run(until: 10 * second)
        network.block(0)
        network.run(until: 30 * second)
        #expect(network.node(0).healthScore > 0)
        let probes = network.probes.filter { $0.node == 0 && $0.time > 10 * second }
        let gaps = zip(probes, probes.dropFirst()).map { $1.time - $0.time }
        #expect(gaps.contains { $0 > second }, "\(gaps)")
        // Everyone else stays healthy.
        for index in 1..<5 { #expect(network.node(index).healthScore == 0) }
    }

    // MARK: - Refuting, leaving, coming back

    /// node-c is cut off long enough to be suspected, not long enough to be declared dead;
    /// when it hears of the suspicion it refutes it with a higher incarnation.
    @Test func partitionedThenHealedNodeRefutes() throws {
        var network = TestNetwork.cluster(3, watching: "node-c")
        network.run(until: 10 * second)
        network.block(2)
        let suspected = network.run(until: 20 * second) { network in
            (0..<2).contains { network.node($0).member(named: "node-c")?.state == .suspect }
        }
        #expect(suspected)
        let suspectedAt = network.now
        network.run(until: suspectedAt + 1500 * millisecond)
        network.unblock(2)
        network.run(until: suspectedAt + 15 * second)

        let refuted = network.node(2).localMember.incarnation
        #expect(refuted > 1)
        for observer in 0..<2 {
            let view = try #require(network.node(observer).member(named: "node-c"))
            #expect(view.state == .alive)
            #expect(view.incarnation == refuted)
            #expect(network.events(of: observer, about: "node-c").filter { $0.time >= 10 * second }.isEmpty)
        }
        // The alive message carrying the new incarnation went over the wire.
        let refutations = network.delivered.filter { $0.from == 2 }.flatMap(\.messages).contains {
            if case .alive(let alive) = $0 { return alive.node == "node-c" && alive.incarnation == refuted }
            return false
        }
        #expect(refutations)
        // And the cluster is whole again in everyone's eyes.
        for index in 0..<3 {
            #expect(network.node(index).liveMembers.count == 3)
            #expect(network.node(index).members.allSatisfy { $0.state == .alive })
        }
    }

    /// A graceful leave reaches everyone within a few gossip rounds: no suspicion, no
    /// waiting for timeouts.
    @Test func gracefulLeaveIsImmediate() throws {
        var network = TestNetwork.cluster(5, watching: "node-e")
        network.run(until: 10 * second)
        let output = network.nodes[4]!.leave(now: network.now)
        #expect(output.events.map(\.kind) == [.leave])
        #expect(output.events.first?.member.state == .left)
        #expect(network.node(4).hasLeft)
        network.run(until: 10 * second + 400 * millisecond)
        #expect(network.node(4).leaveBroadcastFinished)
        network.stop(4)
        network.run(until: 30 * second)
        for observer in 0..<4 {
            let left = try #require(network.firstTime(observer, sees: .left))
            #expect(left < 10 * second + 300 * millisecond, "\(TestNetwork.name(observer)) learned at \(left)")
            #expect(network.firstTime(observer, sees: .suspect) == nil)
            let events = network.events(of: observer, about: "node-e").filter { $0.time >= 10 * second }
            #expect(events.map(\.event.kind) == [.leave])
            #expect(network.node(observer).liveMembers.count == 4)
        }
    }

    /// Dead members are forgotten GossipToTheDeadTime after they died, at the next probe
    /// round's reshuffle; a restarted node joining again is alive to everyone.
    @Test func aDeadNodeThatRestartsComesBack() throws {
        var network = TestNetwork.cluster(3, watching: "node-c")
        network.run(until: 10 * second)
        network.stop(2)
        network.run(until: 25 * second)
        for observer in 0..<2 { #expect(network.node(observer).member(named: "node-c")?.state == .dead) }
        network.start(2, seed: 99, joining: [0])
        network.run(until: 35 * second)
        for observer in 0..<2 {
            let view = try #require(network.node(observer).member(named: "node-c"))
            #expect(view.state == .alive)
            #expect(view.incarnation > 1, "the restarted node refuted the old death")
            let kinds = network.events(of: observer, about: "node-c").filter { $0.time >= 10 * second }.map(
                \.event.kind)
            #expect(kinds == [.leave, .join])
        }
        #expect(network.node(2).liveMembers.count == 3)
    }

    @Test func deadMembersAreForgottenAfterGossipToTheDeadTime() {
        var network = TestNetwork.cluster(3)
        network.run(until: 10 * second)
        network.stop(2)
        network.run(until: 20 * second)
        #expect(network.node(0).members.count == 3)
        network.run(until: 60 * second)
        #expect(network.node(0).members.map(\.name) == ["node-a", "node-b"])
    }

    // MARK: - Determinism

    @Test func sameSeedSameDatagrams() {
        func run(seed: UInt64) -> [TestNetwork.Sent] {
            var network = TestNetwork.cluster(5, seed: seed)
            network.run(until: 10 * second)
            network.block(3)
            network.run(until: 45 * second)
            return network.sent
        }
        let firstRun = run(seed: 7)
        let secondRun = run(seed: 7)
        #expect(firstRun.count > 300)
        #expect(firstRun == secondRun)
        #expect(run(seed: 8) != firstRun)
    }

    @Test func pushPullExchangesFullState() {
        var network = TestNetwork.cluster(3)
        network.run(until: 70 * second)
        let exchanges = network.delivered.flatMap(\.messages).compactMap { message -> PushPull? in
            if case .pushPull(let exchange) = message { return exchange }
            return nil
        }
        // Two joins (request and answer each) and then periodic exchanges every 30 s per node.
        #expect(exchanges.filter(\.join).count == 4)
        let periodic = exchanges.filter { !$0.join }
        #expect(periodic.count >= 8 && periodic.count <= 12, "\(periodic.count)")
        #expect(periodic.allSatisfy { $0.nodes.count == 3 })
        #expect(network.discarded.isEmpty, "\(network.discarded)")
    }

    /// Gossip goes out on the 200 ms ticker, and pings carry queued gossip with them.
    @Test func gossipRidesTheTickerAndThePings() {
        var network = TestNetwork.cluster(5)
        network.run(until: 10 * second)
        network.block(4)
        network.run(until: 20 * second)
        var sawPiggyback = false
        for sent in network.sent {
            let messages = Packet.decode(sent.payload).messages
            guard messages.count > 1, case .ping = messages.first else { continue }
            sawPiggyback = true
        }
        #expect(sawPiggyback)
        // Gossip-only packets (CRC-wrapped: sent to a known member) leave on the sender's
        // 200 ms grid.
        let gossip = network.sent.filter { $0.payload.first == MessageType.hasCRC.rawValue }
        #expect(!gossip.isEmpty)
        for packet in gossip {
            #expect((packet.time - Int64(packet.from) * 37 * millisecond) % (200 * millisecond) == 0)
        }
    }
}
