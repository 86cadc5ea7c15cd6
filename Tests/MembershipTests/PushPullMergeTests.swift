import TestSupport
import Testing
import Wire

@testable import Membership

/// A push/pull merged straight from its bytes (Memberlist+PushPullMerge.swift) must change
/// exactly what memberlist's `mergeState` changes (state.go: each remote entry becomes an
/// alive, suspect or dead message, and `aliveNode` drops alive news at an incarnation it
/// already has, for a member at the same address, about another node, before changing
/// anything). Each case merges one message both ways, into two copies of the same node.
@Suite("Push/pull merged from its bytes")
struct PushPullMergeTests {
    static let own = IPv4Address(192, 0, 2, 10)

    /// A node that knows `members` (name, last address byte, incarnation), all alive.
    static func node(knowing members: [(String, UInt8, UInt32)]) -> Memberlist<SplitMix64> {
        var node = Memberlist(name: "node-a", address: own, config: .lan, generator: SplitMix64(seed: 7), now: 0)
        node.mergeState(
            members.map {
                PushNodeState(
                    name: $0.0, address: IPv4Address(192, 0, 2, $0.1), port: 7946, incarnation: $0.2, state: .alive,
                    vsn: commonProtocolVersions)
            }, now: 1)
        _ = node.takeOutput()
        return node
    }

    /// Merges `entries` as a push/pull answer read off a connection (the byte path) and
    /// through `mergeState` of the decoded entries (the general path); returns what each
    /// node then sends as its own list and what each reported.
    static func mergeBothWays(_ entries: [PushNodeState], into node: Memberlist<SplitMix64>) throws -> (
        bytePath: ([UInt8], MembershipOutput), generalPath: ([UInt8], MembershipOutput)
    ) {
        let message = Message.pushPull(PushPull(join: false, isReply: false, nodes: entries)).encoded
        let decoded = message.withUnsafeBufferPointer {
            PushPull.canonicalEntries(in: UnsafeBufferPointer(rebasing: $0.dropFirst()))
        }
        #expect(decoded?.entries.count == entries.count, "lbsim's own encoding is the canonical layout")
        var viaBytes = node
        let answered = viaBytes.receiveStream(
            message, from: IPv4Address(192, 0, 2, 99), port: 40000, dialed: false, now: 5)
        // receiveStream's steps for a push/pull it is asked for, through the general decoder.
        var viaGeneral = node
        viaGeneral.catchUpGossip(5)
        _ = viaGeneral.pushPullPayload(join: false, isReply: false)
        viaGeneral.mergeState(entries, now: 5)
        let generalOutput = viaGeneral.finishStreamMessage(now: 5)
        #expect(answered.reply != nil)
        return (
            (viaBytes.pushPullPayload(join: false, isReply: false), answered.output),
            (viaGeneral.pushPullPayload(join: false, isReply: false), generalOutput)
        )
    }

    static func entry(
        _ name: String, _ last: UInt8, _ incarnation: UInt32, _ state: MemberState = .alive, port: UInt16 = 7946,
        vsn: [UInt8] = commonProtocolVersions
    ) -> PushNodeState {
        PushNodeState(
            name: name, address: IPv4Address(192, 0, 2, last), port: port, incarnation: incarnation, state: state,
            vsn: vsn)
    }

    @Test(
        """
        Every kind of entry merges from the bytes as mergeState merges it: old and new alive \
        news, a newcomer, a changed address, a port of 0, this node itself, bad protocol \
        versions, suspect, dead and left entries (state.go mergeState, aliveNode, suspectNode, \
        deadNode)
        """)
    func everyKindOfEntryMergesAlike() throws {
        let node = Self.node(knowing: [("node-b", 20, 3), ("node-c", 30, 5), ("node-d", 40, 1), ("node-e", 50, 2)])
        let cases: [[PushNodeState]] = [
            [Self.entry("node-b", 20, 3), Self.entry("node-c", 30, 4)],  // old news only
            [Self.entry("node-b", 20, 4)],  // newer incarnation
            [Self.entry("node-f", 60, 1), Self.entry("node-b", 20, 3)],  // a newcomer first
            [Self.entry("node-c", 31, 9)],  // another address: a conflict
            [Self.entry("node-d", 40, 1, port: 0)],  // port 0 means this node's own port
            [Self.entry("node-a", 10, 0), Self.entry("node-a", 10, 7)],  // this node, old and newer
            [Self.entry("node-a", 10, 1, vsn: [1, 5, 3, 0, 0, 0])],  // this node, other versions: refuted
            [Self.entry("node-e", 50, 1, vsn: [0, 5, 2, 0, 0, 0])],  // bad protocol versions
            [Self.entry("node-e", 50, 2, .suspect), Self.entry("node-d", 40, 1, .dead)],
            [Self.entry("node-c", 30, 5, .left), Self.entry("node-b", 20, 2)],
        ]
        for entries in cases {
            let (bytePath, generalPath) = try Self.mergeBothWays(entries, into: node)
            #expect(bytePath.0 == generalPath.0, "list after \(entries.map(\.name))")
            #expect(bytePath.1 == generalPath.1, "output after \(entries.map(\.name))")
        }
    }

    @Test("A random run of push/pulls merges from the bytes as mergeState does, entry for entry")
    func randomMessagesMergeAlike() throws {
        var random = SplitMix64(seed: 42)
        let names = (0..<12).map { "node-\($0)" }
        var node = Self.node(knowing: names.prefix(8).map { ($0, UInt8(20 + names.firstIndex(of: $0)!), 2) })
        for round in 0..<200 {
            let entries = (0..<Int.random(in: 1...10, using: &random)).map { _ -> PushNodeState in
                let index = Int.random(in: 0..<names.count, using: &random)
                let moved = Int.random(in: 0..<10, using: &random) == 0
                return Self.entry(
                    names[index], UInt8(20 + index + (moved ? 100 : 0)), UInt32.random(in: 0...4, using: &random),
                    MemberState(rawValue: Int.random(in: 0...5, using: &random) % 4) ?? .alive)
            }
            let (bytePath, generalPath) = try Self.mergeBothWays(entries, into: node)
            #expect(bytePath.0 == generalPath.0, "round \(round)")
            #expect(bytePath.1 == generalPath.1, "round \(round)")
            // Carry on from what the merge made, so that later rounds meet suspects and newcomers.
            node.mergeState(entries, now: Int64(10 + round))
            _ = node.takeOutput()
        }
    }
}
