import Testing
import Wire

@testable import Layer2

/// A view may carry every node in election order (the simulator precomputes it once per key);
/// the speaker then takes the first candidate in it. That must be exactly the node the sort
/// over the candidates picks, for both rule sets, whatever the endpoints, eligibility,
/// traffic policy and memberlist view.
@Suite("Election by ranking")
struct RankingTests {
    static let nodes = (0..<12).map { "node-\($0)" }

    /// A small deterministic generator, so failures replay.
    struct Draws {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        mutating func subset(_ all: [String]) -> [String] { all.filter { _ in next() % 3 != 0 } }
    }

    @Test(arguments: [SpeakerController.Rules.v0_9_4, .current])
    func theFirstRankedCandidateIsTheElectionWinner(rules: SpeakerController.Rules) {
        var draws = Draws(state: 42)
        for round in 0..<500 {
            let ip = IPv4Address(10, 0, UInt8(round / 250), UInt8(round % 250 + 1))
            let name = "default/svc-\(round)"
            let endpoints = draws.next() % 5 == 0 ? [] : draws.subset(Self.nodes)
            let eligible = draws.subset(Self.nodes)
            let local = draws.next() % 2 == 0
            let usable: Set<String>? = draws.next() % 4 == 0 ? nil : Set(draws.subset(Self.nodes))
            let key = rules == .v0_9_4 ? name : ip.description
            var view = ServiceView(
                name: name, isLoadBalancer: true, ingress: [ip], poolProtocol: .layer2,
                readyEndpointNodes: endpoints, externalTrafficPolicyLocal: local,
                eligibleNodes: eligible)
            let speaker = SpeakerController(
                node: "node-0", rules: rules,
                announcer: Announcer(interfaces: [], schedule: .current))
            let bySort = speaker.winner(of: view, ip: .v4(ip), usableSpeakers: usable)
            view.ranking = Election.order(candidates: Self.nodes, key: key)
            let byRanking = speaker.winner(of: view, ip: .v4(ip), usableSpeakers: usable)
            #expect(
                bySort == byRanking,
                "round \(round): sort picked \(bySort ?? "nobody"), ranking \(byRanking ?? "nobody")")
            // The candidates written out from the rules here, not from SpeakerController: v0.9.4
            // the endpoint nodes; current the eligible nodes when some endpoint is ready (only
            // endpoint nodes for Local); both within the memberlist view.
            var candidates: [String]
            switch rules {
            case .v0_9_4: candidates = endpoints
            case .current: candidates = endpoints.isEmpty ? [] : eligible.filter { !local || endpoints.contains($0) }
            }
            if let usable { candidates = candidates.filter(usable.contains) }
            #expect(bySort == Election.winner(candidates: candidates, key: key), "round \(round)")
        }
    }
}
