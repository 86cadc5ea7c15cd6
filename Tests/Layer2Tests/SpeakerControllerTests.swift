import Testing
import Wire

@testable import Layer2

/// One speaker's per-service decision (METALLB-SEMANTICS.md section 2): the checks before the
/// election, who the candidates are in each version, and what is hashed.
@Suite("SpeakerController")
struct SpeakerControllerTests {
    static func speaker(_ node: String, _ rules: SpeakerController.Rules) -> SpeakerController {
        SpeakerController(
            node: node, rules: rules,
            announcer: Announcer(interfaces: [eth0], schedule: .current))
    }

    static func view(
        name: String = "default/nginx", isLoadBalancer: Bool = true,
        ingress: [String] = ["10.0.0.1"], poolProtocol: ServiceView.PoolAnnouncement? = .layer2,
        endpoints: [String], local: Bool = false, eligible: [String] = []
    ) -> ServiceView {
        ServiceView(
            name: name, isLoadBalancer: isLoadBalancer, ingress: ingress.map(ip),
            poolProtocol: poolProtocol, readyEndpointNodes: endpoints,
            externalTrafficPolicyLocal: local, eligibleNodes: eligible)
    }

    static let threeNodes = ["node-a", "node-b", "node-c"]

    // MARK: Withdraw reasons, checked before any election.

    @Test(
        "a service that is not a LoadBalancer: withdraw, notLoadBalancer",
        arguments: [SpeakerController.Rules.v0_9_4, .current])
    func notLoadBalancer(rules: SpeakerController.Rules) {
        var speaker = Self.speaker("node-b", rules)
        let result = speaker.sync(
            Self.view(isLoadBalancer: false, endpoints: Self.threeNodes, eligible: Self.threeNodes),
            usableSpeakers: nil, now: 0)
        #expect(result.decision == .withdraw(reason: .notLoadBalancer))
        #expect(result.frames.isEmpty)
    }

    @Test(
        "a service with no ingress IP: withdraw, noIPAllocated", arguments: [SpeakerController.Rules.v0_9_4, .current])
    func noIPAllocated(rules: SpeakerController.Rules) {
        var speaker = Self.speaker("node-b", rules)
        let result = speaker.sync(
            Self.view(ingress: [], endpoints: Self.threeNodes, eligible: Self.threeNodes),
            usableSpeakers: nil, now: 0)
        #expect(result.decision == .withdraw(reason: .noIPAllocated))
    }

    @Test("an address in no pool: withdraw, ipNotAllowed", arguments: [SpeakerController.Rules.v0_9_4, .current])
    func ipNotAllowed(rules: SpeakerController.Rules) {
        var speaker = Self.speaker("node-b", rules)
        let result = speaker.sync(
            Self.view(poolProtocol: nil, endpoints: Self.threeNodes, eligible: Self.threeNodes),
            usableSpeakers: nil, now: 0)
        #expect(result.decision == .withdraw(reason: .ipNotAllowed))
        #expect(!speaker.announcer.isAnnouncing(ip("10.0.0.1")))
    }

    @Test("a speaker that loses the election: withdraw, notOwner")
    func notOwner() {
        // v0.9.4, default/nginx over node1..node3: node2 wins.
        for node in ["node1", "node3"] {
            var speaker = Self.speaker(node, .v0_9_4)
            let result = speaker.sync(Self.view(endpoints: ["node1", "node2", "node3"]), usableSpeakers: nil, now: 0)
            #expect(result.decision == .withdraw(reason: .notOwner), "\(node)")
            #expect(result.frames.isEmpty)
            #expect(speaker.announcer.announcedIPs.isEmpty)
        }
    }

    @Test("a speaker that was announcing and loses ownership stops answering")
    func losingOwnershipWithdraws() {
        var speaker = Self.speaker("node1", .v0_9_4)
        // Only node1 has an endpoint: it announces.
        #expect(
            speaker.sync(Self.view(endpoints: ["node1"]), usableSpeakers: nil, now: 0).decision
                == .announce([.v4(ip("10.0.0.1"))]))
        // The pod moves to node2 and node3: node2 wins, node1 withdraws.
        let result = speaker.sync(Self.view(endpoints: ["node2", "node3"]), usableSpeakers: nil, now: 10 * second)
        #expect(result.decision == .withdraw(reason: .notOwner))
        #expect(!speaker.announcer.isAnnouncing(ip("10.0.0.1")))
        #expect(
            speaker.respond(
                to: arpRequest(from: mac("02:00:00:00:00:63"), ip: ip("10.0.0.50"), for: ip("10.0.0.1")), on: 0) == nil)
    }

    // MARK: v0.9.4

    @Test("v0.9.4: the winner announces, with an immediate gratuitous round")
    func v094WinnerAnnounces() throws {
        var speaker = Self.speaker("node2", .v0_9_4)
        let result = speaker.sync(Self.view(endpoints: ["node1", "node2", "node3"]), usableSpeakers: nil, now: 0)
        #expect(result.decision == .announce([.v4(ip("10.0.0.1"))]))
        try expectGratuitousRound(result.frames, for: ip("10.0.0.1"), on: [eth0])
        #expect(speaker.announcer.isAnnouncing(service: "default/nginx"))
    }

    @Test("v0.9.4: the election key is the service's namespace/name")
    func v094KeyIsServiceName() {
        let speaker = Self.speaker("node2", .v0_9_4)
        #expect(speaker.electionKey(Self.view(endpoints: []), ip: .v4(ip("10.0.0.1"))) == "default/nginx")
    }

    @Test("v0.9.4: candidates are the ready-endpoint nodes, for Cluster as for Local")
    func v094CandidatesAreEndpointNodes() {
        let speaker = Self.speaker("node2", .v0_9_4)
        for local in [false, true] {
            let service = Self.view(endpoints: ["node3"], local: local, eligible: ["node1", "node2", "node3"])
            #expect(speaker.candidates(for: service, usableSpeakers: nil) == ["node3"])
        }
    }

    @Test("v0.9.4: the node with the only endpoint announces, though the hash prefers another")
    func v094MacFollowsThePod() {
        var node3 = Self.speaker("node3", .v0_9_4)
        var node2 = Self.speaker("node2", .v0_9_4)
        let service = Self.view(endpoints: ["node3"], eligible: ["node1", "node2", "node3"])
        #expect(node3.sync(service, usableSpeakers: nil, now: 0).decision == .announce([.v4(ip("10.0.0.1"))]))
        #expect(node2.sync(service, usableSpeakers: nil, now: 0).decision == .withdraw(reason: .notOwner))
    }

    @Test("v0.9.4: endpoint nodes without a usable speaker are not candidates")
    func v094FilteredByUsableSpeakers() {
        let speaker = Self.speaker("node1", .v0_9_4)
        let service = Self.view(endpoints: ["node1", "node2", "node3"])
        #expect(speaker.candidates(for: service, usableSpeakers: ["node1", "node3", "node9"]) == ["node1", "node3"])
        // node2 would win; with its speaker dead, node1 (next in hash order) takes over.
        var live = speaker
        #expect(
            live.sync(service, usableSpeakers: ["node1", "node3"], now: 0).decision == .announce([.v4(ip("10.0.0.1"))]))
    }

    @Test("v0.9.4: no ready endpoint, no candidate")
    func v094NoEndpoints() {
        var speaker = Self.speaker("node2", .v0_9_4)
        let service = Self.view(endpoints: [], eligible: ["node1", "node2", "node3"])
        #expect(speaker.candidates(for: service, usableSpeakers: nil) == [])
        #expect(speaker.sync(service, usableSpeakers: nil, now: 0).decision == .withdraw(reason: .notOwner))
    }

    // MARK: current

    @Test("current: nobody announces when no endpoint is ready")
    func currentNoEndpointsNobody() {
        let service = Self.view(endpoints: [], eligible: Self.threeNodes)
        for node in Self.threeNodes {
            var speaker = Self.speaker(node, .current)
            #expect(speaker.candidates(for: service, usableSpeakers: nil) == [])
            #expect(speaker.sync(service, usableSpeakers: nil, now: 0).decision == .withdraw(reason: .notOwner))
            #expect(speaker.announcer.announcedIPs.isEmpty)
        }
    }

    @Test("current: with policy Cluster every eligible node is a candidate, endpoint or not")
    func currentClusterCandidatesAreEligibleNodes() {
        let speaker = Self.speaker("node-b", .current)
        let service = Self.view(endpoints: ["node-a"], eligible: Self.threeNodes)
        #expect(speaker.candidates(for: service, usableSpeakers: nil) == Self.threeNodes)
        // 10.0.0.1 hashes node-b first; node-b has no endpoint but announces.
        var nodeB = speaker
        #expect(nodeB.sync(service, usableSpeakers: nil, now: 0).decision == .announce([.v4(ip("10.0.0.1"))]))
        var nodeA = Self.speaker("node-a", .current)
        #expect(nodeA.sync(service, usableSpeakers: nil, now: 0).decision == .withdraw(reason: .notOwner))
    }

    @Test("current: excluded nodes (left out of the eligible list) are not candidates")
    func currentExcludedNodes() {
        // node-b is labelled exclude-from-external-load-balancers: not eligible.
        let service = Self.view(endpoints: Self.threeNodes, eligible: ["node-a", "node-c"])
        var nodeB = Self.speaker("node-b", .current)
        #expect(nodeB.candidates(for: service, usableSpeakers: nil) == ["node-a", "node-c"])
        #expect(nodeB.sync(service, usableSpeakers: nil, now: 0).decision == .withdraw(reason: .notOwner))
        // Next in hash order for 10.0.0.1 is node-a.
        var nodeA = Self.speaker("node-a", .current)
        #expect(nodeA.sync(service, usableSpeakers: nil, now: 0).decision == .announce([.v4(ip("10.0.0.1"))]))
    }

    @Test("current: with policy Local only eligible nodes with an endpoint are candidates")
    func currentLocalCandidates() {
        let service = Self.view(endpoints: ["node-c", "node-a"], local: true, eligible: Self.threeNodes)
        var nodeB = Self.speaker("node-b", .current)
        #expect(Set(nodeB.candidates(for: service, usableSpeakers: nil)) == ["node-a", "node-c"])
        #expect(nodeB.sync(service, usableSpeakers: nil, now: 0).decision == .withdraw(reason: .notOwner))
        // 10.0.0.1 over node-a and node-c: node-a.
        var nodeA = Self.speaker("node-a", .current)
        #expect(nodeA.sync(service, usableSpeakers: nil, now: 0).decision == .announce([.v4(ip("10.0.0.1"))]))
    }

    @Test("current: with policy Local an endpoint on an ineligible node does not make it a candidate")
    func currentLocalNeedsEligibility() {
        let speaker = Self.speaker("node-b", .current)
        let service = Self.view(endpoints: ["node-b"], local: true, eligible: ["node-a", "node-c"])
        #expect(speaker.candidates(for: service, usableSpeakers: nil) == [])
    }

    @Test("current: memberlist's view filters the candidates")
    func currentUsableSpeakers() {
        let speaker = Self.speaker("node-a", .current)
        let service = Self.view(endpoints: ["node-a"], eligible: Self.threeNodes)
        #expect(speaker.candidates(for: service, usableSpeakers: ["node-a", "node-c"]) == ["node-a", "node-c"])
        var nodeA = speaker
        // node-b (the hash's favourite) is dead in node-a's view: node-a takes 10.0.0.1.
        #expect(
            nodeA.sync(service, usableSpeakers: ["node-a", "node-c"], now: 0).decision
                == .announce([.v4(ip("10.0.0.1"))]))
    }

    @Test("current: the election key is the ingress IP's text")
    func currentKeyIsIP() {
        let speaker = Self.speaker("node-b", .current)
        #expect(
            speaker.electionKey(Self.view(ingress: ["10.20.30.1"], endpoints: []), ip: .v4(ip("10.20.30.1")))
                == "10.20.30.1")
    }

    @Test("current: iris1/iris2 split their two addresses")
    func currentIrisSplit() {
        let one = Self.view(
            name: "default/one", ingress: ["10.20.30.1"], endpoints: ["iris1"], eligible: ["iris1", "iris2"])
        let two = Self.view(
            name: "default/two", ingress: ["10.20.30.2"], endpoints: ["iris1"], eligible: ["iris1", "iris2"])
        var iris1 = Self.speaker("iris1", .current)
        var iris2 = Self.speaker("iris2", .current)
        #expect(iris1.sync(one, usableSpeakers: nil, now: 0).decision == .withdraw(reason: .notOwner))
        #expect(iris2.sync(one, usableSpeakers: nil, now: 0).decision == .announce([.v4(ip("10.20.30.1"))]))
        #expect(iris1.sync(two, usableSpeakers: nil, now: 0).decision == .announce([.v4(ip("10.20.30.2"))]))
        #expect(iris2.sync(two, usableSpeakers: nil, now: 0).decision == .withdraw(reason: .notOwner))
    }

    // MARK: Changes over time

    @Test("an IP change withdraws the old address and announces the new one")
    func ipChangeReannounces() throws {
        // node-b wins both 10.0.0.1 and 10.0.0.2 over node-a..c.
        var speaker = Self.speaker("node-b", .current)
        let old = ip("10.0.0.1")
        let new = ip("10.0.0.2")
        _ = speaker.sync(
            Self.view(ingress: ["10.0.0.1"], endpoints: Self.threeNodes, eligible: Self.threeNodes),
            usableSpeakers: nil, now: 0)
        #expect(speaker.announcer.announcedIPs == [.v4(old)])
        let result = speaker.sync(
            Self.view(ingress: ["10.0.0.2"], endpoints: Self.threeNodes, eligible: Self.threeNodes),
            usableSpeakers: nil, now: 2 * second)
        #expect(result.decision == .announce([.v4(new)]))
        try expectGratuitousRound(result.frames, for: new, on: [eth0])
        #expect(speaker.announcer.announcedIPs == [.v4(new)])
        let client = mac("02:00:00:00:00:63")
        let clientIP = ip("10.0.0.50")
        #expect(speaker.respond(to: arpRequest(from: client, ip: clientIP, for: old), on: 0) == nil)
        #expect(speaker.respond(to: arpRequest(from: client, ip: clientIP, for: new), on: 0) != nil)
    }

    @Test("an IP change to an address this node does not win withdraws the old one too")
    func ipChangeToLostAddress() {
        // current keys on the IP: iris2 wins 10.20.30.1 but not 10.20.30.2.
        var iris2 = Self.speaker("iris2", .current)
        let nodes = ["iris1", "iris2"]
        #expect(
            iris2.sync(
                Self.view(ingress: ["10.20.30.1"], endpoints: nodes, eligible: nodes),
                usableSpeakers: nil, now: 0
            ).decision == .announce([.v4(ip("10.20.30.1"))]))
        let result = iris2.sync(
            Self.view(ingress: ["10.20.30.2"], endpoints: nodes, eligible: nodes),
            usableSpeakers: nil, now: second)
        #expect(result.decision == .withdraw(reason: .notOwner))
        #expect(iris2.announcer.announcedIPs.isEmpty)
    }

    @Test("a resync of an announced service confirms it without an extra immediate round")
    func resyncNoExtraRound() {
        var speaker = Self.speaker("node2", .v0_9_4)
        let service = Self.view(endpoints: ["node1", "node2", "node3"])
        #expect(speaker.sync(service, usableSpeakers: nil, now: 0).frames.count == 2)
        let again = speaker.sync(service, usableSpeakers: nil, now: second)
        #expect(again.decision == .announce([.v4(ip("10.0.0.1"))]))
        #expect(again.frames.isEmpty)
        // The window now ends at 6 s: ticks at 1.1 ... 5.5.
        var rounds = 0
        while let wake = speaker.announcer.nextWakeup {
            if !speaker.tick(now: wake).isEmpty { rounds += 1 }
        }
        #expect(rounds == 5)
    }

    @Test("deleting a service stops its announcement")
    func deleteStops() {
        var speaker = Self.speaker("node2", .v0_9_4)
        _ = speaker.sync(Self.view(endpoints: ["node2"]), usableSpeakers: nil, now: 0)
        speaker.delete(service: "default/nginx")
        #expect(!speaker.announcer.isAnnouncing(ip("10.0.0.1")))
        #expect(!speaker.announcer.isAnnouncing(service: "default/nginx"))
    }

    @Test("reset forgets every announcement")
    func resetForgets() {
        var speaker = Self.speaker("node2", .v0_9_4)
        _ = speaker.sync(Self.view(endpoints: ["node2"]), usableSpeakers: nil, now: 0)
        speaker.reset()
        #expect(speaker.announcer.announcedIPs.isEmpty)
        #expect(speaker.announcer.nextWakeup == nil)
    }
}
