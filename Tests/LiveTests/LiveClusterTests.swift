#if os(Linux)
import Foundation
import Glibc
import Layer2
import Live
import NamespaceLab
import TestSupport
import Testing
import Wire

// Three `sim live --scenario Scenarios/live/three-node-cluster.yaml --node NAME` processes, one
// per network namespace on one bridge, with a real kernel as the client: the whole speaker on
// real interfaces. They find each other through memberlist on real sockets, elect the owner
// the simulator elects, and when the owner's process is killed, memberlist's failure detector
// in the survivors declares it dead and the next node in election order takes over with
// gratuitous ARP, which moves the client kernel's `ip neigh` entry. Addresses from
// 192.0.2.0/24 only, inside namespaces the test creates and deletes.

@Suite(
    "sim live --scenario: a three-node MetalLB cluster on real interfaces", .serialized,
    .enabled(if: LiveLab.isAvailable, LiveLab.skipReason))
struct LiveClusterTests {
    static let scenario = Repository.root.appendingPathComponent("Scenarios/live/three-node-cluster.yaml").path
    static let vip = "192.0.2.200"
    /// The scenario's nodes: name, address and the MAC it declares (set on the veth, so the
    /// live cluster and the simulated one hash and announce the same things).
    static let nodes: [(name: String, address: String, mac: String)] = [
        ("node-a", "192.0.2.11", "02:00:c0:00:02:0b"),
        ("node-b", "192.0.2.12", "02:00:c0:00:02:0c"),
        ("node-c", "192.0.2.13", "02:00:c0:00:02:0d"),
    ]

    @Test func theNextNodeInElectionOrderTakesOverWhenTheOwnersProcessIsKilled() throws {
        let lab = try Lab()
        defer { lab.delete() }
        let output = try TemporaryDirectory("live-cluster")
        var processes: [String: LiveProcess] = [:]
        defer { for process in processes.values { process.stop() } }
        for (index, node) in Self.nodes.enumerated() {
            let side = try lab.attach("n\(index)", address: "\(node.address)/24")
            try lab.ip(["-n", side.namespace, "link", "set", "dev", side.device, "address", node.mac])
            processes[node.name] = try LiveProcess(
                namespace: side.namespace,
                arguments: [
                    "--interface", side.device, "--scenario", Self.scenario, "--node", node.name,
                    "--pcap", output.url.appendingPathComponent("\(node.name).pcap").path,
                ])
        }
        // current MetalLB elects by sha256 of node name and ingress address, over every node
        // with a live speaker (the Deployment has a ready pod: every node is a candidate).
        let order = Election.order(candidates: Self.nodes.map(\.name), key: Self.vip)
        let owner = try #require(Self.nodes.first { $0.name == order[0] })
        let successor = try #require(Self.nodes.first { $0.name == order[1] })
        #expect(owner.name == "node-b", "the simulated run of the same scenario elects node-b")

        // Converged: every speaker sees the other two, and only the owner answers.
        for (name, process) in processes {
            for other in Self.nodes.map(\.name) where other != name {
                #expect(process.waitFor("memberlist: join \(other)", seconds: 15), "\(name):\n\(process.text)")
            }
        }
        let answers = try Self.waitForAnswers(lab, from: [MACAddress(owner.mac)!], seconds: 10)
        #expect(answers == [MACAddress(owner.mac)!], "only the owner answers ARP for \(Self.vip)")
        try KernelLab.sendUDP(from: lab.client, to: IPv4Address(Self.vip)!)
        let before = try lab.waitForNeighbour(Self.vip, seconds: 5) { $0.mac != nil }
        #expect(before.mac == MACAddress(owner.mac), "the client resolves the address to the owner")

        // The owner's process dies: no leave, its sockets close.
        DetectionWindow.waitForARandomPhase()
        let ownerProcess = try #require(processes[owner.name])
        kill(ownerProcess.process.processIdentifier, SIGKILL)
        let killedAt = Date()
        let window = DetectionWindow.silentDeath(members: 3)
        let after = try lab.waitForNeighbour(Self.vip, seconds: window.upperBound + 5) {
            $0.mac == MACAddress(successor.mac)
        }
        let moved = Date().timeIntervalSince(killedAt)
        print("the client's entry moved to \(successor.name) \(moved) s after the kill (window \(window))")
        #expect(
            after.mac == MACAddress(successor.mac),
            "the client's entry follows \(successor.name)'s gratuitous ARP; after \(moved) s it is \(after)")
        // Takeover follows the dead verdict at once (ForceSync, then an immediate gratuitous
        // round); the client's poll adds up to 50 ms.
        #expect(
            moved >= window.lowerBound && moved <= window.upperBound + 0.2,
            "moved \(moved) s after the kill; memberlist's window is \(window)")
        // Each survivor's own verdict, then what it did after it: the successor announces, the
        // third node does not (its suspicion may expire a little later than the successor's).
        let successorProcess = try #require(processes[successor.name])
        let third = try #require(processes[order[2]])
        let verdict = "memberlist: leave \(owner.name)"
        #expect(third.waitFor(verdict, seconds: window.upperBound + 2), "\(third.text)")
        let successorAfter = successorProcess.text.components(separatedBy: verdict).dropFirst().joined()
        #expect(successorAfter.contains("announce \(Self.vip)"), "\(successorProcess.text)")
        let thirdAfter = third.text.components(separatedBy: verdict).dropFirst().joined()
        #expect(
            !thirdAfter.isEmpty && !thirdAfter.contains("announce \(Self.vip)"),
            "the third node does not announce after the owner's death:\n\(third.text)")

        // The successor's pcap holds its gratuitous rounds, as tcpdump reads them: current's
        // five, at 0 to 4.4 s after the takeover, so stop once they are out.
        usleep(5_000_000)
        for process in processes.values { process.stop() }
        processes = [:]
        let pcap = output.url.appendingPathComponent("\(successor.name).pcap").path
        let dump = try LiveLab.run("tcpdump", ["-n", "-e", "-r", pcap, "arp"])
        let rounds = dump.split(separator: "\n").filter {
            $0.contains("\(successor.mac) > ff:ff:ff:ff:ff:ff") && $0.contains("Request who-has \(Self.vip)")
                && $0.hasSuffix("tell \(Self.vip), length 46")
        }
        // Its start-up round (alone before memberlist joined) and the takeover's five.
        #expect(rounds.count >= 6, "tcpdump of \(successor.name)'s capture:\n\(dump)")
    }

    /// The whole speaker (`sim live --scenario`, a process of its own) and a real Go memberlist
    /// node (Debian's hashicorp/memberlist, `Tests/MemberlistPeer`) join each other, and each
    /// declares the other dead within memberlist's window when it is SIGKILLed.
    @Test(.enabled(if: GoPeerBuild.isAvailable, "needs golang-go and golang-github-hashicorp-memberlist-dev"))
    func aGoMemberlistNodeAndTheSpeakerProcessDetectEachOther() throws {
        let lab = try Lab()
        defer { lab.delete() }
        let node = Self.nodes[0]
        let side = try lab.attach("n0", address: "\(node.address)/24")
        try lab.ip(["-n", side.namespace, "link", "set", "dev", side.device, "address", node.mac])
        let go = try lab.attach("g", address: "192.0.2.21/24")
        let speaker = try LiveProcess(
            namespace: side.namespace,
            arguments: [
                "--interface", side.device, "--scenario", Self.scenario, "--node", node.name,
            ])
        defer { speaker.stop() }
        #expect(speaker.waitFor("memberlist on \(node.address):7946", seconds: 10), "\(speaker.text)")
        let window = DetectionWindow.silentDeath(members: 2)

        // Go joins the speaker; both list each other alive.
        let first = try GoPeer(namespace: go.namespace, name: "go-a", bind: "192.0.2.21", join: "\(node.address):7946")
        #expect(
            first.waitFor(seconds: 10) { $0.event == "join" && $0.node == node.name }?.state == "alive",
            "\(first.transcript)")
        #expect(speaker.waitFor("memberlist: join go-a", seconds: 10), "\(speaker.text)")

        // The Go node dies: the speaker's memberlist declares it dead.
        DetectionWindow.waitForARandomPhase()
        _ = first.killHard()
        let goKilled = Date()
        #expect(speaker.waitFor("memberlist: leave go-a", seconds: window.upperBound + 5), "\(speaker.text)")
        let speakerVerdict = Date().timeIntervalSince(goKilled)
        #expect(
            window.contains(speakerVerdict),
            "the speaker declared go-a dead after \(speakerVerdict) s; window \(window)")

        // A new Go node joins; then the speaker's process dies and Go declares it dead.
        let second = try GoPeer(namespace: go.namespace, name: "go-b", bind: "192.0.2.21", join: "\(node.address):7946")
        #expect(
            second.waitFor(seconds: 10) { $0.event == "join" && $0.node == node.name }?.state == "alive",
            "\(second.transcript)")
        DetectionWindow.waitForARandomPhase()
        let speakerKilled = WallClock.monotonicNanoseconds()
        kill(speaker.process.processIdentifier, SIGKILL)
        let verdict = try #require(
            second.waitFor(seconds: window.upperBound + 5) { $0.event == "leave" && $0.node == node.name },
            "\(second.transcript)")
        let goVerdict = Double(verdict.monotonic - speakerKilled) / 1e9
        #expect(verdict.state == "dead")
        #expect(window.contains(goVerdict), "go-b declared the speaker dead after \(goVerdict) s; window \(window)")
        print(
            "speaker saw go-a dead after \(speakerVerdict) s; go-b saw the speaker dead after \(goVerdict) s (window \(window))"
        )
    }

    /// `--watch`: the scenario file stands in for the API server. Deleting the Service from it
    /// withdraws the address (the speaker's informers deliver the deletion); a broken edit is
    /// reported and changes nothing.
    @Test func watchDeliversScenarioChangesToTheSpeaker() throws {
        let lab = try Lab()
        defer { lab.delete() }
        let node = Self.nodes[0]
        let side = try lab.attach("n0", address: "\(node.address)/24")
        try lab.ip(["-n", side.namespace, "link", "set", "dev", side.device, "address", node.mac])
        let folder = try TemporaryDirectory("live-watch")
        let original = try Repository.text("Scenarios/live/three-node-cluster.yaml")
        try folder.write("cluster.yaml", original)
        let scenario = folder.path("cluster.yaml").path
        let speaker = try LiveProcess(
            namespace: side.namespace,
            arguments: [
                "--interface", side.device, "--scenario", scenario, "--node", node.name, "--watch",
            ])
        defer { speaker.stop() }
        // Alone (the other nodes never start), node-a wins the service.
        #expect(speaker.waitFor("announce \(Self.vip)", seconds: 10), "\(speaker.text)")

        // A broken edit: reported, the address stays announced.
        try folder.write("cluster.yaml", original.replacingOccurrences(of: "duration: 60s", with: "duration: [60s"))
        #expect(speaker.waitFor("does not load", seconds: 5), "\(speaker.text)")
        #expect(!speaker.text.contains("withdraw \(Self.vip)"))

        // The Service deleted: one change delivered, the address withdrawn.
        let withoutService =
            original.components(separatedBy: "  - apiVersion: v1\n    kind: Service")[0]
            + "timeline: []\nexpect: []\n"
        try folder.write("cluster.yaml", withoutService)
        #expect(speaker.waitFor("scenario changed: 1 services delivered", seconds: 5), "\(speaker.text)")
        #expect(speaker.waitFor("withdraw \(Self.vip)", seconds: 2), "\(speaker.text)")
    }

    /// Polls the client's arping until only `expected` answer, or `seconds` pass; returns the
    /// last set of answering MACs.
    static func waitForAnswers(_ lab: Lab, from expected: Set<MACAddress>, seconds: Double) throws -> Set<MACAddress> {
        let end = Date().addingTimeInterval(seconds)
        var answers = Set(try lab.arpingFromClient(vip, count: 2).macs)
        while answers != expected, Date() < end {
            usleep(200_000)
            answers = Set(try lab.arpingFromClient(vip, count: 2).macs)
        }
        return answers
    }
}
#endif
