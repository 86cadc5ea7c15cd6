import Cluster
import IPAM
import Testing
import Wire

@testable import Layer2

/// MetalLB's own election table cases (speaker/layer2_controller_test.go in metallb/metallb),
/// restated: two speakers, iris1 and iris2, both live in memberlist, decide alone for the
/// service `default/test1` at 10.20.30.1 whether to announce, and with which reason if not.
@Suite("MetalLB's layer2 election table")
struct MetalLBElectionTableTests {
    static let ip = IPv4Address(10, 20, 30, 1)
    static let usable: Set<String> = ["iris1", "iris2"]

    static func node(_ name: String, excluded: Bool = false) -> Node {
        var labels = ["kubernetes.io/hostname": name]
        if excluded { labels[Node.excludeFromLoadBalancersLabel] = "" }
        return Node(name: name, internalIP: IPv4Address(10, 0, 0, name == "iris1" ? 1 : 2), labels: labels)
    }

    /// An advertisement whose node selector picks exactly the named nodes.
    static func advertisement(on nodes: [String]) -> L2Advertisement {
        L2Advertisement(
            name: "adv-\(nodes.joined(separator: "-"))",
            nodeSelectors: [
                ResourceSelector(matchExpressions: [
                    .init(key: "kubernetes.io/hostname", operator: .in, values: nodes)
                ])
            ])
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var desc: String
        var advertisements: [[String]]
        var endpoints: [String]
        var local: Bool
        var excluded: [String] = []
        var ignoreExcludeLB = false
        /// nil: announces; otherwise the reason it does not.
        var iris1: String?
        var iris2: String?
        var testDescription: String { desc }
    }

    static let cases: [Case] = [
        Case(
            desc: "endpoint on iris1, advertisement on iris1: iris1 announces",
            advertisements: [["iris1"]], endpoints: ["iris1"], local: false,
            iris1: nil, iris2: "noMatchingAdvertisement"),
        Case(
            desc: "Local, endpoint on iris1, split advertisements: iris1 announces",
            advertisements: [["iris1"], ["iris2"]], endpoints: ["iris1"], local: true,
            iris1: nil, iris2: "notOwner"),
        Case(
            desc: "endpoint on iris1, advertisement for both: the hash picks iris2",
            advertisements: [["iris1", "iris2"]], endpoints: ["iris1"], local: false,
            iris1: "notOwner", iris2: nil),
        Case(
            desc: "endpoints on both, advertisement on iris1: iris1 announces",
            advertisements: [["iris1"]], endpoints: ["iris1", "iris2"], local: false,
            iris1: nil, iris2: "noMatchingAdvertisement"),
        Case(
            desc: "Local, endpoint on iris1, advertisement on iris2: nobody announces",
            advertisements: [["iris2"]], endpoints: ["iris1"], local: true,
            iris1: "noMatchingAdvertisement", iris2: "notOwner"),
        Case(
            desc: "iris2 excluded from load balancers: iris1 announces",
            advertisements: [["iris1", "iris2"]], endpoints: ["iris1"], local: false, excluded: ["iris2"],
            iris1: nil, iris2: "notOwner"),
        Case(
            desc: "iris1 excluded from load balancers: iris2 announces",
            advertisements: [["iris1", "iris2"]], endpoints: ["iris1"], local: false, excluded: ["iris1"],
            iris1: "notOwner", iris2: nil),
        Case(
            desc: "both excluded: nobody announces",
            advertisements: [["iris1", "iris2"]], endpoints: ["iris1"], local: false, excluded: ["iris1", "iris2"],
            iris1: "notOwner", iris2: "notOwner"),
        Case(
            desc: "Local, both excluded, --ignore-exclude-lb: iris1 announces",
            advertisements: [["iris1", "iris2"]], endpoints: ["iris1"], local: true, excluded: ["iris1", "iris2"],
            ignoreExcludeLB: true, iris1: nil, iris2: "notOwner"),
    ]

    static func decision(of speaker: String, _ test: Case) -> String? {
        let nodes = ["iris1", "iris2"].map { node($0, excluded: test.excluded.contains($0)) }
        let ads = test.advertisements.map(advertisement(on:))
        var view = ServiceView(
            name: "default/test1", isLoadBalancer: true, ingress: [ip], poolProtocol: .layer2,
            readyEndpointNodes: test.endpoints, externalTrafficPolicyLocal: test.local,
            eligibleNodes: L2Eligibility.eligibleNodes(
                nodes, advertisements: ads,
                ignoreExcludeLB: test.ignoreExcludeLB))
        view.advertisingNodes = Set(L2Eligibility.advertisingNodes(nodes, advertisements: ads))
        var controller = SpeakerController(
            node: speaker, rules: .current,
            announcer: Announcer(interfaces: [], schedule: .current))
        switch controller.sync(view, usableSpeakers: usable, now: 0).decision {
        // ShouldAnnounce said yes; announceFailed comes after it, in SetBalancer.
        case .announce, .announceFailed: return nil
        case .withdraw(let reason): return reason.rawValue  // MetalLB's table spells reasons as strings
        }
    }

    @Test(arguments: cases)
    func eachSpeakerDecidesAsMetalLB(_ test: Case) {
        #expect(Self.decision(of: "iris1", test) == test.iris1, "iris1")
        #expect(Self.decision(of: "iris2", test) == test.iris2, "iris2")
    }

    /// `nodesWithEndpoint` cases: which nodes count as holding an endpoint, for current
    /// (EndpointSlices, `EndpointCanServe`) and v0.9.4 (Endpoints: Ready addresses only).
    @Test(
        arguments: [
            (
                "two endpoints on different hosts",
                [EndpointState(nodeName: "iris1", ready: true), EndpointState(nodeName: "iris2", ready: true)],
                ["iris1", "iris2"], ["iris1", "iris2"]
            ),
            (
                "two endpoints on the same host",
                [EndpointState(nodeName: "iris1", ready: true), EndpointState(nodeName: "iris1", ready: true)],
                ["iris1"], ["iris1"]
            ),
            (
                "same host, one not ready",
                [EndpointState(nodeName: "iris1", ready: true), EndpointState(nodeName: "iris1", ready: false)],
                ["iris1"], ["iris1"]
            ),
            (
                "not ready but serving (terminating)",
                [
                    EndpointState(nodeName: "iris1", ready: false, serving: true),
                    EndpointState(nodeName: "iris2", ready: false, serving: true),
                ],
                ["iris1", "iris2"], []
            ),
            (
                "ready but not serving",
                [
                    EndpointState(nodeName: "iris1", ready: true, serving: false),
                    EndpointState(nodeName: "iris2", ready: true, serving: false),
                ],
                ["iris1", "iris2"], ["iris1", "iris2"]
            ),
            (
                "Ready unset counts as ready for EndpointSlices", [EndpointState(nodeName: "iris1", ready: nil)],
                ["iris1"], []
            ),
            ("no node name", [EndpointState(nodeName: nil, ready: true)], [], []),
            ("not ready, not serving", [EndpointState(nodeName: "iris1", ready: false, serving: false)], [], []),
        ] as [(String, [EndpointState], [String], [String])])
    func endpointNodes(_ desc: String, endpoints: [EndpointState], current: [String], v094: [String]) {
        #expect(EndpointState.nodes(endpoints, rules: .current) == current, "\(desc): current")
        #expect(EndpointState.nodes(endpoints, rules: .v0_9_4) == v094, "\(desc): v0.9.4")
    }
}
