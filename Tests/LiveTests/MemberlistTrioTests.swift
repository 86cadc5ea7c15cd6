#if os(Linux)
import Foundation
import Glibc
import Live
import Membership
import NamespaceLab
import Testing
import Wire

// Two Go memberlist nodes that know only lbsim: they find each other through it, and when one
// dies, the probes for it go through the other two (indirect pings and Lifeguard's nacks
// across the two implementations). Addresses from 192.0.2.0/24 only.

@Suite(
    "Memberlist interop: two Go nodes through lbsim", .serialized,
    .enabled(
        if: LiveLab.isAvailable && GoPeerBuild.isAvailable,
        "needs root and ip netns, and golang-go with golang-github-hashicorp-memberlist-dev"))
struct MemberlistTrioTests {
    static let lbsimAddress = IPv4Address(192, 0, 2, 11)
    static let window = DetectionWindow.silentDeath(members: 3)

    /// What a Go node logs when it cannot read what another sent it (net.go `handleCommand`,
    /// `handleCompressed`, `ingestPacket`, `handleConn`).
    static let decodeFailures = [
        "Failed to decode", "Failed to decompress", "invalid checksum",
        "msgType", "Failed to receive", "Failed to read remote state",
    ]

    @Test func goNodesMeetThroughLbsimAndAgreeWhenOneDies() throws {
        let lab = try Lab()
        defer { lab.delete() }
        let lbsimSide = try lab.attach("s", address: "\(Self.lbsimAddress)/24")
        let first = try lab.attach("g", address: "192.0.2.21/24")
        let second = try lab.attach("h", address: "192.0.2.22/24")
        let lbsim = try LbsimPeer(namespace: lbsimSide.namespace, name: "lbsim-a", address: Self.lbsimAddress)
        let seed = "\(Self.lbsimAddress):7946"
        let goA = try GoPeer(namespace: first.namespace, name: "go-a", bind: "192.0.2.21", join: seed)
        #expect(goA.waitFor(seconds: 10) { $0.event == "joined" } != nil, "\(goA.transcript)")
        let goB = try GoPeer(namespace: second.namespace, name: "go-b", bind: "192.0.2.22", join: seed)

        // Each Go node hears of the other, though neither was told of it.
        #expect(
            goA.waitFor(seconds: 10) { $0.event == "join" && $0.node == "go-b" }?.state == "alive", "\(goA.transcript)")
        #expect(
            goB.waitFor(seconds: 10) { $0.event == "join" && $0.node == "go-a" }?.state == "alive", "\(goB.transcript)")
        #expect(
            lbsim.waitForMember(seconds: 10) { $0.kind == .join && $0.member.name == "go-b" } != nil,
            "\(lbsim.transcript)")

        usleep(UInt32(6 * DetectionWindow.probeInterval * 1e6))
        let everyone = ["go-a", "go-b", "lbsim-a"]
        for go in [goA, goB] {
            let members = go.members() ?? []
            #expect(
                members.map(\.node).sorted() == everyone && members.allSatisfy { $0.state == "alive" },
                "\(go.name)'s members: \(members)")
        }
        #expect(
            lbsim.node.members.map(\.name) == everyone && lbsim.node.members.allSatisfy { $0.state == .alive },
            "lbsim's members: \(lbsim.node.members)")

        DetectionWindow.waitForARandomPhase()
        let killedAt = goB.killHard()
        let lbsimVerdict = lbsim.waitForMember(seconds: Self.window.upperBound + 5) {
            $0.kind == .leave && $0.member.name == "go-b"
        }
        let goVerdict = goA.waitFor(seconds: Self.window.upperBound + 5) { $0.event == "leave" && $0.node == "go-b" }
        let lbsimSaw = try #require(lbsimVerdict, "lbsim never declared go-b dead:\n\(lbsim.transcript)")
        let goSaw = try #require(goVerdict, "go-a never declared go-b dead:\n\(goA.transcript)")
        let lbsimSeconds = Double(lbsimSaw.at - killedAt) / 1e9
        let goSeconds = Double(goSaw.monotonic - killedAt) / 1e9
        print(
            "go-b killed: dead for lbsim after \(lbsimSeconds) s, for go-a after \(goSeconds) s (window \(Self.window))"
        )
        #expect(lbsimSaw.event.member.state == .dead)
        #expect(goSaw.state == "dead")
        #expect(Self.window.contains(lbsimSeconds), "lbsim: dead after \(lbsimSeconds) s, window \(Self.window)")
        #expect(Self.window.contains(goSeconds), "go-a: dead after \(goSeconds) s, window \(Self.window)")

        // go-a's direct pings to go-b failed, so it asked lbsim (the only other member) to
        // ping go-b for it: an indirect ping from Go to lbsim, a nack back (state.go `probeNode`).
        #expect(goA.transcript.contains("Failed ping: go-b"), "\(goA.transcript)")
        // The survivors still have each other, and the Go node read everything lbsim sent
        // it: pings, indirect pings, nacks, gossip, push/pulls.
        let survivors = goA.members() ?? []
        #expect(
            survivors.map(\.node).sorted() == ["go-a", "lbsim-a"] && survivors.allSatisfy { $0.state == "alive" },
            "go-a's members: \(survivors)")
        #expect(lbsim.node.members.first { $0.name == "go-a" }?.state == .alive)
        for failure in Self.decodeFailures {
            #expect(!goA.transcript.contains(failure), "go-a logged \"\(failure)\":\n\(goA.transcript)")
        }
        #expect(
            !lbsim.events.contains { if case .discarded = $0 { return true } else { return false } },
            "\(lbsim.transcript)")
    }
}
#endif
