import Engine
import Layer2
import Membership
import Speaker
import Testing
import Wire

/// The speaker's memberlist duties (MetalLB internal/speakerlist/speakerlist.go): joining the
/// other speakers once its informers sync and every minute after, rejoining on Node changes
/// per version, ForceSync on membership events, and leaving on SIGTERM.
@Suite("Speaker: memberlist joins, leave and failover")
struct SpeakerMembershipTests {
    static let second = SpeakerNet.second
    static let vip = IPAddress.v4(IPv4Address(192, 0, 2, 100))

    static func members(_ net: SpeakerNet, _ index: Int) -> Set<String> {
        Set(net.speakers[index]?.memberlist?.liveMembers.map(\.name) ?? [])
    }

    /// Three speakers that have joined each other, with one service every node may announce,
    /// and the node that announces it.
    static func convergedThreeNodes() throws -> (SpeakerNet, String) {
        var net = SpeakerNet(count: 3, rules: .current)
        net.run(until: 2 * second)
        let nodes = ["node-0", "node-1", "node-2"]
        let view = SpeakerNet.view("192.0.2.100", endpoints: nodes, rules: .current, nodes: nodes)
        net.deliver([(view.name, view)])
        return (net, try #require(net.announcers(of: vip).first))
    }

    @Test("three speakers join each other once their informers sync, and agree on one owner")
    func joinAndElect() {
        var net = SpeakerNet(count: 3, rules: .current)
        net.run(until: 2 * Self.second)
        for index in 0..<3 { #expect(Self.members(net, index) == ["node-0", "node-1", "node-2"]) }
        let nodes = ["node-0", "node-1", "node-2"]
        let view = SpeakerNet.view("192.0.2.100", endpoints: nodes, rules: .current, nodes: nodes)
        net.deliver([(view.name, view)])
        #expect(net.announcers(of: Self.vip).count == 1)
    }

    @Test(
        "the owner's power loss: the others take over once memberlist declares it dead, not before the suspicion timeout (memberlist state.go suspectNode, suspicion.go)"
    )
    func failoverAfterDeath() throws {
        var (net, owner) = try Self.convergedThreeNodes()
        let index = net.node(owner)
        let fault = net.now
        net.isolated.insert(index)
        net.drive(index) { $0.terminate(graceful: false, now: $1) }
        net.run(until: fault + 30 * Self.second)
        let successor = try #require(net.announcers(of: Self.vip).first)
        #expect(successor != owner)
        let start = try #require(net.startTime(of: successor, announcing: Self.vip))
        // The first probe after the death fails a probe interval after it starts, then the
        // suspicion runs SuspicionMult * max(1, log10(n)) * ProbeInterval (n = 3: 4 s, no
        // confirmations can come); the probe starts within 2n - 2 ticks. So 5 s to 9 s, and the
        // takeover follows the dead verdict at once (ForceSync in the same instant).
        print("takeover \(Double(start - fault) / 1e9) s after the fault")
        #expect(start - fault >= 5 * Self.second - 50_000_000)
        #expect(start - fault <= 9 * Self.second + 50_000_000)
    }

    @Test(
        "SIGTERM: the speaker leaves memberlist and exits once the leave is out; the others take over within a gossip round or two, long before a suspicion could expire"
    )
    func gracefulLeave() throws {
        var (net, owner) = try Self.convergedThreeNodes()
        let index = net.node(owner)
        let stop = net.now
        net.drive(index) { $0.terminate(graceful: true, now: $1) }
        #expect(net.speakers[index] != nil, "still answering while the leave goes out")
        // Exits once the leave is out: well before the 1 s Leave timeout would end it.
        net.run(until: stop + 900_000_000)
        #expect(net.speakers[index] == nil, "exited when the leave had gone out, before Leave(time.Second) ran out")
        let successor = try #require(net.announcers(of: Self.vip).first)
        #expect(successor != owner)
        let start = try #require(net.startTime(of: successor, announcing: Self.vip))
        #expect(start - stop < Self.second)
        let left = net.records.contains {
            if case .member(let event) = $0.record { return event.kind == .leave && event.member.name == owner }
            return false
        }
        #expect(left)
    }

    /// v0.9.4 instead re-adds every service through the rate limiter on each event
    /// (internal/speakerlist/speakerlist.go, `memberlistWatchEvents`; internal/k8s/k8s.go,
    /// `ForceSync`): nothing re-syncs in the instant, and the services come due 5 ms later.
    @Test("v0.9.4: memberlist events re-sync through the rate limiter, 5 ms later, not in the instant")
    func v094ResyncIsRateLimited() {
        var net = SpeakerNet(count: 3, rules: .v0_9_4)
        let nodes = ["node-0", "node-1", "node-2"]
        let view = SpeakerNet.view("192.0.2.100", endpoints: nodes, rules: .v0_9_4, nodes: nodes)
        net.deliver([(view.name, view)])
        net.run(until: 10_000_000)
        let joins = net.records.filter { $0.node == "node-0" && Self.isJoin($0.record) }
        let time = joins.first?.time
        #expect(time != nil)
        if let time {
            // What node-0 armed in the instant of the join.
            let armed = net.armed.filter { $0.node == "node-0" && $0.time == time }
            #expect(!armed.contains { $0.timer == .forceSync }, "\(armed)")
            #expect(armed.contains { $0.timer == .resync && $0.at == time + 5_000_000 }, "\(armed)")
        }
    }

    @Test(
        "memberlist events from several calls in one instant queue one ForceSync (current: the reload pass runs once)",
        arguments: [SpeakerController.Rules.current])
    func oneForceSyncPerInstant(rules: SpeakerController.Rules) {
        // node-1 and node-2 both join through node-0 when their informers sync, 5 ms after a
        // common start: their push/pulls reach node-0 in the same instant, in two calls, each
        // reporting a join.
        var net = SpeakerNet(count: 3, rules: rules)
        net.run(until: 10_000_000)
        let joins = Dictionary(
            grouping: net.records.filter { $0.node == "node-0" && Self.isJoin($0.record) }, by: \.time)
        let burst = joins.first { $0.value.count >= 2 }
        #expect(burst != nil, "node-0 saw two joins in one instant: \(joins.mapValues(\.count))")
        if let (time, _) = burst {
            let forceSyncs = net.armed.filter { $0.node == "node-0" && $0.time == time && $0.timer == .forceSync }
            #expect(forceSyncs.count == 1)
        }
    }

    static func isJoin(_ record: SpeakerRecord) -> Bool {
        if case .member(let event) = record { return event.kind == .join } else { return false }
    }

    @Test(
        """
        Only a change of the speaker's own Node makes it rejoin: any update in v0.9.4 (its node \
        informer watches its own Node, internal/k8s/k8s.go; layer2 SetNode rejoins), only a \
        label or NetworkUnavailable change in current (node_controller.go \
        NodeReconcilerPredicate; layer2_controller.go SetNode ignores other Nodes)
        """,
        arguments: [SpeakerController.Rules.current, .v0_9_4])
    func rejoinOnNodeChange(rules: SpeakerController.Rules) {
        var net = SpeakerNet(count: 2, rules: rules)
        // node-1 never answers: node-0 stays alone and keeps trying.
        net.isolated.insert(1)
        net.run(until: 2 * Self.second)
        func joinsSent(_ body: (inout SpeakerNet) -> Void) -> Int {
            var copy = net
            let before = copy.queue.count
            body(&copy)
            return copy.queue.count - before
        }
        func update(_ name: String, labels: Bool) -> NodeUpdate {
            NodeUpdate(name: name, labelsChanged: labels, networkAvailabilityChanged: false)
        }
        let other = joinsSent { $0.drive(0) { $0.handleNodeChanged(update("node-1", labels: true), now: $1) } }
        let ownLabels = joinsSent { $0.drive(0) { $0.handleNodeChanged(update("node-0", labels: true), now: $1) } }
        let ownStatus = joinsSent { $0.drive(0) { $0.handleNodeChanged(update("node-0", labels: false), now: $1) } }
        #expect(other == 0, "another Node: no rejoin in either version")
        #expect(ownLabels > 0, "its own Node relabelled: a join in both versions")
        if rules == .v0_9_4 {
            #expect(ownStatus > 0, "v0.9.4: any update of its own Node")
        } else {
            #expect(ownStatus == 0, "current: a status-only update is filtered out")
        }
    }
}
