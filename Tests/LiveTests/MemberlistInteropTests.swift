#if os(Linux)
import Foundation
import Glibc
import Live
import Membership
import NamespaceLab
import Testing
import Wire

// lbsim's Membership, driven by LiveMemberlist on real sockets, against a real Go memberlist
// node (hashicorp/memberlist from Debian, DefaultLANConfig with MetalLB's settings), each in
// its own namespace plugged into the lab's bridge. Addresses from 192.0.2.0/24 only.
//
// When each side must notice a death or a leave: DetectionWindow.swift.
//
// Both nodes compress (memberlist's EnableCompression, lbsim's `.liveLAN`), and memberlist
// compresses every stream message whatever its size: a join in either direction is an LZW
// push/pull each way, so it only works if each side reads the other's LZW.

@Suite(
    "Memberlist interop with Go memberlist", .serialized,
    .enabled(
        if: LiveLab.isAvailable && GoPeerBuild.isAvailable,
        "needs root and ip netns, and golang-go with golang-github-hashicorp-memberlist-dev"))
struct MemberlistInteropTests {
    static let goAddress = "192.0.2.21"
    static let lbsimAddress = IPv4Address(192, 0, 2, 11)
    static let window = DetectionWindow.silentDeath(members: 2)

    struct Pair {
        let lab: Lab
        let go: GoPeer
        let lbsim: LbsimPeer
    }

    /// A lab with the Go node (started first, joining lbsim if `goJoins`) and the lbsim node
    /// (joining Go unless `goJoins`), both seeing the other alive.
    static func pair(goJoins: Bool) throws -> Pair {
        let lab = try Lab()
        let goSide = try lab.attach("g", address: "\(goAddress)/24")
        let lbsimSide = try lab.attach("s", address: "\(lbsimAddress)/24")
        if goJoins {
            let lbsim = try LbsimPeer(namespace: lbsimSide.namespace, name: "lbsim-a", address: lbsimAddress)
            let go = try GoPeer(
                namespace: goSide.namespace, name: "go-a", bind: goAddress, join: "\(lbsimAddress):7946")
            return Pair(lab: lab, go: go, lbsim: lbsim)
        }
        let go = try GoPeer(namespace: goSide.namespace, name: "go-a", bind: goAddress)
        guard go.waitFor(seconds: 10, { $0.event == "started" }) != nil else {
            throw LabError(description: "the Go peer did not start:\n\(go.transcript)")
        }
        let lbsim = try LbsimPeer(namespace: lbsimSide.namespace, name: "lbsim-a", address: lbsimAddress)
        lbsim.node.join([(IPv4Address(goAddress)!, 7946)])
        return Pair(lab: lab, go: go, lbsim: lbsim)
    }

    /// Both sides list the other as alive, and after several probe rounds still do (the
    /// probes and acks go through both ways, or someone would be suspected).
    static func expectMutuallyAlive(_ pair: Pair) {
        let goSawLbsim = pair.go.waitFor(seconds: 10) { $0.event == "join" && $0.node == "lbsim-a" }
        #expect(goSawLbsim?.state == "alive", "Go did not see lbsim join:\n\(pair.go.transcript)")
        let lbsimSawGo = pair.lbsim.waitForMember(seconds: 10) { $0.kind == .join && $0.member.name == "go-a" }
        #expect(lbsimSawGo?.event.member.state == .alive, "lbsim did not see Go join:\n\(pair.lbsim.transcript)")

        usleep(UInt32(4 * DetectionWindow.probeInterval * 1e6))
        let goMembers = pair.go.members() ?? []
        #expect(goMembers.map(\.node).sorted() == ["go-a", "lbsim-a"], "Go's members: \(goMembers)")
        #expect(goMembers.allSatisfy { $0.state == "alive" }, "Go's members: \(goMembers)\n\(pair.go.transcript)")
        let lbsimMembers = pair.lbsim.node.members
        #expect(lbsimMembers.map(\.name) == ["go-a", "lbsim-a"], "lbsim's members: \(lbsimMembers)")
        #expect(lbsimMembers.allSatisfy { $0.state == .alive }, "lbsim's members: \(lbsimMembers)")
        #expect(!pair.go.events.contains { $0.event == "leave" || $0.state == "suspect" }, "\(pair.go.transcript)")
        #expect(
            !pair.lbsim.events.contains {
                if case .member(let event, _) = $0 { return event.kind != .join } else { return false }
            },
            "\(pair.lbsim.transcript)")
        // Nothing either side could not read or send: memberlist logs those as [ERR] or [WARN]
        // (a bad checksum, an undecodable message, a failed push/pull merge), lbsim reports them.
        #expect(
            !pair.go.transcript.contains("[ERR]") && !pair.go.transcript.contains("[WARN]"), "\(pair.go.transcript)")
        #expect(
            !pair.lbsim.events.contains {
                switch $0 {
                case .discarded, .streamFailed, .sendFailed: return true
                case .member, .pushPullAnswered: return false
                }
            }, "\(pair.lbsim.transcript)")
    }

    @Test func lbsimJoinsGoAndDeclaresAKilledGoNodeDead() throws {
        let pair = try Self.pair(goJoins: false)
        defer { pair.lab.delete() }
        Self.expectMutuallyAlive(pair)
        #expect(
            pair.lbsim.events.contains { if case .pushPullAnswered = $0 { return true } else { return false } },
            "the join's push/pull got no answer:\n\(pair.lbsim.transcript)")

        #expect(pair.lbsim.node.healthScore == 0)
        DetectionWindow.waitForARandomPhase()
        let killedAt = pair.go.killHard()
        let dead = pair.lbsim.waitForMember(seconds: Self.window.upperBound + 5) {
            $0.kind == .leave && $0.member.name == "go-a"
        }
        let detected = try #require(dead, "lbsim never declared the killed Go node dead:\n\(pair.lbsim.transcript)")
        let seconds = Double(detected.at - killedAt) / 1e9
        print("lbsim declared the SIGKILLed Go node dead after \(seconds) s (window \(Self.window))")
        #expect(detected.event.member.state == .dead)
        #expect(Self.window.contains(seconds), "dead after \(seconds) s, window \(Self.window)")
    }

    @Test func goJoinsLbsimAndDeclaresAStoppedLbsimNodeDead() throws {
        let pair = try Self.pair(goJoins: true)
        defer { pair.lab.delete() }
        let joined = pair.go.waitFor(seconds: 10) { $0.event == "joined" }
        #expect(joined != nil && !(joined!.raw.contains("error")), "Go's join: \(pair.go.transcript)")
        Self.expectMutuallyAlive(pair)

        // Stopped without a word: the loop ends and the sockets close, as when killed.
        DetectionWindow.waitForARandomPhase()
        let stoppedAt = WallClock.monotonicNanoseconds()
        pair.lbsim.node.requestStop()
        #expect(pair.lbsim.waitForStop(seconds: 5))
        let dead = pair.go.waitFor(seconds: Self.window.upperBound + 5) {
            $0.event == "leave" && $0.node == "lbsim-a"
        }
        let detected = try #require(dead, "Go never declared the stopped lbsim node dead:\n\(pair.go.transcript)")
        let seconds = Double(detected.monotonic - stoppedAt) / 1e9
        print("Go declared the stopped lbsim node dead after \(seconds) s (window \(Self.window))")
        #expect(detected.state == "dead")
        #expect(Self.window.contains(seconds), "dead after \(seconds) s, window \(Self.window)")
    }

    @Test func aGoNodeThatLeavesIsSeenAsLeft() throws {
        let pair = try Self.pair(goJoins: false)
        defer { pair.lab.delete() }
        Self.expectMutuallyAlive(pair)

        let leftAt = pair.go.terminate()
        let left = pair.lbsim.waitForMember(seconds: 10) { $0.kind == .leave && $0.member.name == "go-a" }
        let seen = try #require(left, "lbsim never saw Go leave:\n\(pair.lbsim.transcript)\n\(pair.go.transcript)")
        let seconds = Double(seen.at - leftAt) / 1e9
        print("lbsim saw the Go node leave after \(seconds) s (window \(DetectionWindow.leave))")
        #expect(seen.event.member.state == .left)
        #expect(DetectionWindow.leave.contains(seconds), "left after \(seconds) s, window \(DetectionWindow.leave)")
        #expect(pair.go.waitForExit(seconds: 10) == 0, "\(pair.go.transcript)")
    }

    @Test func anLbsimNodeThatLeavesIsSeenAsLeft() throws {
        let pair = try Self.pair(goJoins: true)
        defer { pair.lab.delete() }
        Self.expectMutuallyAlive(pair)

        let leftAt = WallClock.monotonicNanoseconds()
        pair.lbsim.node.leave()
        let left = pair.go.waitFor(seconds: 10) { $0.event == "leave" && $0.node == "lbsim-a" }
        let seen = try #require(left, "Go never saw lbsim leave:\n\(pair.go.transcript)")
        let seconds = Double(seen.monotonic - leftAt) / 1e9
        print("Go saw the lbsim node leave after \(seconds) s (window \(DetectionWindow.leave))")
        #expect(seen.state == "left")
        #expect(DetectionWindow.leave.contains(seconds), "left after \(seconds) s, window \(DetectionWindow.leave)")
        // The leave finished (its message sent its full number of times) and run returned.
        #expect(pair.lbsim.waitForStop(seconds: 10))
    }
}
#endif
