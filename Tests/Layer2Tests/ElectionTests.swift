import Foundation
import TestSupport
import Testing
import Wire

@testable import Layer2

/// The speaker's "election" (METALLB-SEMANTICS.md section 2): every speaker sorts the
/// candidate nodes by sha256(node + "#" + key), bytes ascending, and the first one announces.
/// The expected orders below were checked with `sha256sum` outside Swift.
@Suite("Election")
struct ElectionTests {
    struct Golden: Sendable, CustomTestStringConvertible {
        var candidates: [String]
        var key: String
        var order: [String]
        var testDescription: String { "\(key) over \(candidates.joined(separator: ","))" }
    }

    static let goldens: [Golden] = [
        // current: the key is the first ingress IP's text.
        Golden(candidates: ["node-a", "node-b", "node-c"], key: "10.0.0.1", order: ["node-b", "node-a", "node-c"]),
        Golden(candidates: ["node-a", "node-b", "node-c"], key: "10.0.0.2", order: ["node-b", "node-c", "node-a"]),
        Golden(candidates: ["iris1", "iris2"], key: "10.20.30.1", order: ["iris2", "iris1"]),
        Golden(candidates: ["iris1", "iris2"], key: "10.20.30.2", order: ["iris1", "iris2"]),
        // v0.9.4: the key is the service's namespace/name.
        Golden(candidates: ["node1", "node2", "node3"], key: "default/nginx", order: ["node2", "node1", "node3"]),
    ]

    @Test("golden orders from the semantics reference", arguments: goldens)
    func goldenOrder(golden: Golden) {
        #expect(Election.order(candidates: golden.candidates, key: golden.key) == golden.order)
        #expect(Election.winner(candidates: golden.candidates, key: golden.key) == golden.order.first)
    }

    @Test("10.0.0.1 over node-a, node-b, node-c: node-b first")
    func nodeBFirstForDotOne() {
        #expect(Election.winner(candidates: ["node-a", "node-b", "node-c"], key: "10.0.0.1") == "node-b")
    }

    @Test("10.0.0.2 over node-a, node-b, node-c: node-b first, node-c second")
    func nodeBThenNodeCForDotTwo() {
        let order = Election.order(candidates: ["node-a", "node-b", "node-c"], key: "10.0.0.2")
        #expect(Array(order.prefix(2)) == ["node-b", "node-c"])
    }

    @Test("iris1/iris2: 10.20.30.1 goes to iris2 and 10.20.30.2 to iris1")
    func irisPair() {
        #expect(Election.winner(candidates: ["iris1", "iris2"], key: "10.20.30.1") == "iris2")
        #expect(Election.winner(candidates: ["iris1", "iris2"], key: "10.20.30.2") == "iris1")
    }

    @Test("v0.9.4 key default/nginx over node1..node3: node2")
    func v094Nginx() {
        #expect(Election.winner(candidates: ["node1", "node2", "node3"], key: "default/nginx") == "node2")
    }

    /// The digest of "node-b#10.0.0.1", computed outside Swift with
    /// `printf '%s' 'node-b#10.0.0.1' | sha256sum`.
    @Test("the digest is sha256 of node#key (constant computed with sha256sum)")
    func digestConstant() {
        let expected = "2acae88581fd8b477d8abf5bd882a2094b0c9631507ebc7770a5682a13cd71f1"
        #expect(hexString(Election.digest(node: "node-b", key: "10.0.0.1")) == expected)
    }

    /// The same check against the coreutils tool, run now.
    @Test(
        "the digest matches /usr/bin/sha256sum run on node#key",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/sha256sum")))
    func digestMatchesSha256sum() throws {
        for (node, key) in [("node1", "default/nginx"), ("iris2", "10.20.30.1"), ("speaker-x", "ns/svc-with-dashes")] {
            let reference = try sha256sum(Array("\(node)#\(key)".utf8))
            #expect(hexString(Election.digest(node: node, key: key)) == reference, "\(node)#\(key)")
        }
    }

    @Test("the order does not depend on the order candidates are listed in")
    func orderIndependentOfInput() {
        let nodes = ["node-a", "node-b", "node-c"]
        let permutations = [
            ["node-a", "node-b", "node-c"], ["node-a", "node-c", "node-b"], ["node-b", "node-a", "node-c"],
            ["node-b", "node-c", "node-a"], ["node-c", "node-a", "node-b"], ["node-c", "node-b", "node-a"],
        ]
        for permutation in permutations {
            #expect(Election.order(candidates: permutation, key: "10.0.0.2") == ["node-b", "node-c", "node-a"])
        }
        #expect(Set(Election.order(candidates: nodes, key: "x")) == Set(nodes))
    }

    @Test("no candidates, no winner")
    func noCandidates() {
        #expect(Election.winner(candidates: [], key: "10.0.0.1") == nil)
        #expect(Election.order(candidates: [], key: "10.0.0.1") == [])
    }

    @Test("a single candidate always wins")
    func singleCandidate() {
        #expect(Election.winner(candidates: ["lonely"], key: "10.0.0.1") == "lonely")
    }

    /// Two speakers with the same view, deciding alone: for every address of a /24 exactly
    /// one of them believes it is first, and the hash spreads the addresses over both.
    @Test("every IP of 10.0.0.0/24 has exactly one winner among two nodes, and both nodes win some")
    func exactlyOneWinnerPerAddress() {
        let nodes = ["node-a", "node-b"]
        var wins: [String: Int] = [:]
        for last in 0...255 {
            let key = "10.0.0.\(last)"
            let believers = nodes.filter { Election.winner(candidates: nodes, key: key) == $0 }
            #expect(believers.count == 1, "\(key): \(believers)")
            if let winner = believers.first { wins[winner, default: 0] += 1 }
            // The winner is the one whose digest is smaller.
            let a = Election.digest(node: "node-a", key: key)
            let b = Election.digest(node: "node-b", key: key)
            #expect(believers.first == (a.lexicographicallyPrecedes(b) ? "node-a" : "node-b"))
        }
        #expect(wins["node-a", default: 0] > 0)
        #expect(wins["node-b", default: 0] > 0)
        #expect(wins.values.reduce(0, +) == 256)
        // Far from a coin that always lands one way: each side wins at least a quarter.
        #expect(wins.values.allSatisfy { $0 > 64 }, "\(wins)")
    }

    @Test("the digest is 32 bytes and changes with the key and the node")
    func digestShape() {
        let d = Election.digest(node: "node-a", key: "10.0.0.1")
        #expect(d.count == 32)
        #expect(d != Election.digest(node: "node-a", key: "10.0.0.2"))
        #expect(d != Election.digest(node: "node-b", key: "10.0.0.1"))
    }
}

/// Runs `/usr/bin/sha256sum` on `input` and returns the hex digest it prints.
func sha256sum(_ input: [UInt8]) throws -> String {
    let text = try Subprocess.run(URL(fileURLWithPath: "/usr/bin/sha256sum"), [], input: Data(input)).stdout
    return String(text.prefix { $0 != " " })
}

/// current's `sortL2Candidates` (speaker/layer2_controller.go): the preference score first,
/// highest first, then the sha256 order; a node with no score counts 0.
@Suite("Election with preference scores")
struct ElectionScoreTests {
    @Test func scoresComeBeforeTheHash() {
        let nodes = ["worker-1", "worker-2", "worker-3", "control-plane"]
        let key = "198.51.100.201"
        let hashed = Election.order(candidates: nodes, key: key)
        #expect(hashed == ["worker-2", "control-plane", "worker-3", "worker-1"])
        #expect(Election.order(candidates: nodes, key: key, scores: nil) == hashed)
        #expect(
            Election.order(candidates: nodes, key: key, scores: ["worker-1": 50, "worker-3": 50, "control-plane": 10])
                == ["worker-3", "worker-1", "control-plane", "worker-2"])
    }
}
