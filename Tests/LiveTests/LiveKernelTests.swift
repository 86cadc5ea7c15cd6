#if os(Linux)
import Foundation
import Glibc
import NamespaceLab
import Pcap
import Testing
import Wire

// `sim live` against the real kernel: a speaker namespace plugged into the client namespace's
// bridge, the kernel in the client answering arping and keeping the `ip neigh` entry.

@Suite("sim live against the Linux kernel", .serialized, .enabled(if: LiveLab.isAvailable, LiveLab.skipReason))
struct LiveKernelTests {
    let vip = "192.0.2.10"

    // (1) and (4): arping from B is answered with A's MAC, and the pcap sim live wrote opens in
    // tcpdump with the replies and five gratuitous rounds 1.1 s apart.
    @Test func answersArpingWithItsMACAndWritesAReadablePcap() throws {
        let lab = try Lab()
        defer { lab.delete() }
        let a = try lab.attach("a", address: "192.0.2.1/24")
        let macA = try lab.mac(a.namespace, a.device)
        let pcap = FileManager.default.temporaryDirectory.appendingPathComponent("lbsim-live-\(lab.tag).pcap").path
        defer { try? FileManager.default.removeItem(atPath: pcap) }

        let live = try LiveProcess(
            namespace: a.namespace,
            arguments: ["--interface", a.device, "--announce", vip, "--pcap", pcap])
        #expect(live.waitFor("announce \(vip)", seconds: 10), "sim live did not start: \(live.text)")
        let arping = try lab.arpingFromClient(vip, count: 3)
        // Let the gratuitous rounds (0 to 4.4 s) finish before stopping.
        usleep(5_200_000)
        let status = live.stop()
        #expect(status == 0, "sim live exited \(status): \(live.text)")
        #expect(!arping.macs.isEmpty, "no replies to arping: \(arping.output)")
        #expect(
            arping.macs.allSatisfy { $0 == macA }, "replies from \(arping.macs), expected \(macA): \(arping.output)")
        #expect(live.text.contains("frames written to \(pcap)"), "no summary: \(live.text)")

        // tcpdump reads the file and shows both kinds of frames.
        let tcpdump = try LiveLab.run("tcpdump", ["-nn", "-e", "-tt", "-r", pcap, "arp"])
        let replies = tcpdump.split(separator: "\n").filter { $0.contains("Reply \(vip) is-at \(macA)") }
        let gratuitousRequests = tcpdump.split(separator: "\n").filter {
            $0.contains("Request who-has \(vip) ") && $0.contains("tell \(vip),")
                && $0.contains("\(macA) > ff:ff:ff:ff:ff:ff")
        }
        #expect(replies.count >= 3 + 5, "3 answers to arping and 5 gratuitous replies expected:\n\(tcpdump)")
        #expect(gratuitousRequests.count == 5, "five gratuitous rounds expected (current):\n\(tcpdump)")
        let times = gratuitousRequests.compactMap { line in line.split(separator: " ").first.flatMap { Double($0) } }
        let gaps = zip(times.dropFirst(), times).map { $0 - $1 }
        #expect(gaps.count == 4 && gaps.allSatisfy { abs($0 - 1.1) < 0.05 }, "round spacing \(gaps) s, expected 1.1 s")
        // The arping requests themselves were captured too (what it saw), with the kernel's stamp.
        #expect(
            tcpdump.split(separator: "\n").contains {
                $0.contains("Request who-has \(vip) ") && $0.contains("tell 192.0.2.2,")
            },
            "arping's requests missing:\n\(tcpdump)")
    }

    // (2): B's entry, made while another host owned the address, moves to A's MAC with the
    // gratuitous rounds once sim live announces it.
    @Test func gratuitousRoundsMoveTheClientsEntry() throws {
        let lab = try Lab()
        defer { lab.delete() }
        let old = try lab.attach("o", address: "\(vip)/24")
        let a = try lab.attach("a", address: "192.0.2.1/24")
        let macOld = try lab.mac(old.namespace, old.device)
        let macA = try lab.mac(a.namespace, a.device)
        try lab.udpFromClient(to: vip)
        let before = try lab.waitForNeighbour(vip, seconds: 2) { $0.mac == macOld }
        #expect(before.mac == macOld, "B should have learned the old owner's MAC first, got \(before)")
        // The old owner goes away (as a failed node does), then lbsim takes over.
        try lab.ip(["-n", old.namespace, "addr", "del", "\(vip)/24", "dev", old.device])

        let live = try LiveProcess(namespace: a.namespace, arguments: ["--interface", a.device, "--announce", vip])
        defer { live.stop() }
        #expect(live.waitFor("gratuitous round \(vip)", seconds: 10), "no gratuitous round: \(live.text)")
        let after = try lab.waitForNeighbour(vip, seconds: 3) { $0.mac == macA }
        #expect(after.mac == macA, "B's entry is \(after), expected \(macA) after the gratuitous rounds")
        #expect(
            after.state == "STALE", "a broadcast gratuitous frame leaves the entry STALE, got \(after.state ?? "none")")
    }

    // (3): two sim live instances hand the address over through their announce files.
    @Test func twoInstancesHandAnAddressOverThroughTheirAnnounceFiles() throws {
        let lab = try Lab()
        defer { lab.delete() }
        let one = try lab.attach("s1", address: "192.0.2.3/24")
        let two = try lab.attach("s2", address: "192.0.2.4/24")
        let macOne = try lab.mac(one.namespace, one.device)
        let macTwo = try lab.mac(two.namespace, two.device)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lbsim-live-\(lab.tag)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let fileOne = directory.appendingPathComponent("one.txt")
        let fileTwo = directory.appendingPathComponent("two.txt")
        try "# speaker one\n\(vip)\n".write(to: fileOne, atomically: true, encoding: .utf8)
        try "".write(to: fileTwo, atomically: true, encoding: .utf8)

        let first = try LiveProcess(
            namespace: one.namespace,
            arguments: ["--interface", one.device, "--announce-file", fileOne.path])
        defer { first.stop() }
        let second = try LiveProcess(
            namespace: two.namespace,
            arguments: ["--interface", two.device, "--announce-file", fileTwo.path])
        defer { second.stop() }
        #expect(first.waitFor("announce \(vip)", seconds: 10), "first did not announce: \(first.text)")
        #expect(second.waitFor("live on", seconds: 10), "second did not start: \(second.text)")

        try lab.udpFromClient(to: vip)
        let before = try lab.waitForNeighbour(vip, seconds: 2) { $0.mac == macOne }
        #expect(before.mac == macOne, "B should resolve \(vip) to the first speaker, got \(before)")

        // Hand over: the first stops answering, the second starts with gratuitous rounds.
        try "".write(to: fileOne, atomically: true, encoding: .utf8)
        #expect(first.waitFor("withdraw \(vip)", seconds: 5), "first did not withdraw: \(first.text)")
        try "\(vip)\n".write(to: fileTwo, atomically: true, encoding: .utf8)
        #expect(second.waitFor("gratuitous round \(vip)", seconds: 5), "second sent no rounds: \(second.text)")
        let after = try lab.waitForNeighbour(vip, seconds: 3) { $0.mac == macTwo }
        #expect(after.mac == macTwo, "B's entry is \(after), expected the second speaker's \(macTwo)")
        let arping = try lab.arpingFromClient(vip, count: 2)
        #expect(
            !arping.macs.isEmpty && arping.macs.allSatisfy { $0 == macTwo },
            "after the handover only the second speaker answers: \(arping.output)")
    }

    // The refusals that need an interface to exist: a down interface, a missing one.
    @Test func refusesADownOrMissingInterface() throws {
        let lab = try Lab()
        defer { lab.delete() }
        let a = try lab.attach("a", address: "192.0.2.1/24")
        try lab.ip(["-n", a.namespace, "link", "set", a.device, "down"])
        let down = try LiveProcess(namespace: a.namespace, arguments: ["--interface", a.device, "--announce", vip])
        let downStatus = down.stop()
        #expect(downStatus == 69, "exit \(downStatus): \(down.text)")
        #expect(down.text.contains("is down"), "\(down.text)")

        let missing = try LiveProcess(namespace: a.namespace, arguments: ["--interface", "nosuch0", "--announce", vip])
        let missingStatus = missing.stop()
        #expect(missingStatus == 69, "exit \(missingStatus): \(missing.text)")
        #expect(missing.text.contains("no interface named nosuch0"), "\(missing.text)")
    }

    // Addresses that are not unicast are refused before anything is opened.
    @Test(arguments: ["0.0.0.0", "224.0.0.1", "255.255.255.255", "239.1.2.3", "ff02::1", "fe80::1", "192.0.2"])
    func refusesANonUnicastAddress(_ address: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try LiveLab.simExecutable())
        process.arguments = ["live", "--interface", "lo", "--announce", address]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 64, "exit \(process.terminationStatus): \(text)")
        #expect(text.contains("cannot announce"), "\(text)")
    }
}

extension Lab {
    /// Sends one UDP datagram from B to `address`, so that B's kernel resolves it (ARP) and
    /// keeps an entry: what `ping` does, without needing ping installed.
    func udpFromClient(to address: String) throws {
        guard let target = IPv4Address(address) else { throw LabError(description: "bad address \(address)") }
        try KernelLab.sendUDP(from: client, to: target)
    }
}
#endif
