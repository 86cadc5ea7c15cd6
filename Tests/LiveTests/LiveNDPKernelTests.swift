#if os(Linux)
import Foundation
import Glibc
import NamespaceLab
import Testing
import Wire

// `sim live` answering IPv6 neighbour discovery from the real kernel: ndisc6 (a solicitation
// with a source link-layer address to the solicited-node group) gets A's MAC back, and the
// kernel's neighbour entry follows the unsolicited override advertisements.

@Suite("sim live: NDP against the Linux kernel", .serialized, .enabled(if: LiveLab.isAvailable, LiveLab.skipReason))
struct LiveNDPKernelTests {
    let vip = "2001:db8::10"

    static func ndisc6(_ lab: Lab, _ address: String) throws -> String {
        guard LiveLab.executable("ndisc6") != nil else {
            throw LabError(description: "ndisc6 is not installed: apt-get install ndisc6 (CI: .ci/run installs it)")
        }
        return try LiveLab.run(
            "ip",
            [
                "netns", "exec", lab.client, "ndisc6", "-n", "-r", "3", "-w", "1000",
                address, lab.bridge,
            ], allowFailure: true)
    }

    /// ndisc6 sends a solicitation with a source link-layer address to the solicited-node
    /// group, and the speaker answers it. (ndisc6 itself prints "No response" for such an
    /// answer: it ignores advertisements whose source is not the target, and does the same
    /// with the kernel's own proxy-NDP answers, which come from the link-local address too.)
    /// Then the kernel in B resolves the address itself, and its neighbour entry gets A's MAC.
    @Test func solicitationsFromNdisc6AndTheKernelAreAnsweredAndThePcapShowsIt() throws {
        let lab = try Lab(ipv6: true)
        defer { lab.delete() }
        try lab.ip(["-n", lab.client, "-6", "addr", "add", "2001:db8::2/64", "dev", lab.bridge])
        let a = try lab.attach("a")
        let macA = try lab.mac(a.namespace, a.device)
        let pcap = FileManager.default.temporaryDirectory.appendingPathComponent("lbsim-live6-\(lab.tag).pcap").path
        defer { try? FileManager.default.removeItem(atPath: pcap) }

        let live = try LiveProcess(
            namespace: a.namespace,
            arguments: ["--interface", a.device, "--announce", vip, "--pcap", pcap])
        #expect(live.waitFor("announce \(vip)", seconds: 10), "sim live did not start: \(live.text)")
        _ = try Self.ndisc6(lab, vip)
        #expect(live.waitFor("reply \(vip) is-at us", seconds: 3), "no answer to ndisc6: \(live.text)")
        // The kernel resolves the address for a datagram of its own.
        _ = try LiveLab.run(
            "ip", ["netns", "exec", lab.client, "bash", "-c", "echo lbsim > /dev/udp/\(vip)/9"],
            allowFailure: true)
        let entry = try lab.waitForNeighbour(vip, seconds: 3) { $0.mac == macA }
        #expect(entry.mac == macA, "B's kernel should resolve \(vip) to \(macA): \(String(describing: entry))")
        usleep(5_200_000)
        let status = live.stop()
        #expect(status == 0, "sim live exited \(status): \(live.text)")

        let tcpdump = try LiveLab.run("tcpdump", ["-nn", "-e", "-v", "-r", pcap, "icmp6"])
        let lines = tcpdump.split(separator: "\n").map(String.init)
        let solicited = lines.filter {
            $0.contains("neighbor advertisement") && $0.contains("tgt is \(vip)") && $0.contains("Flags [solicited]")
        }
        let unsolicited = lines.filter {
            $0.contains("neighbor advertisement") && $0.contains("tgt is \(vip)") && $0.contains("Flags [override]")
        }
        #expect(solicited.count >= 2, "answers to ndisc6 and to the kernel expected in the pcap:\n\(tcpdump)")
        #expect(unsolicited.count == 5, "five unsolicited rounds expected (current):\n\(tcpdump)")
        #expect(!tcpdump.contains("bad"), "\(tcpdump)")
    }

    @Test func theClientsEntryFollowsTheUnsolicitedAdvertisements() throws {
        let lab = try Lab(ipv6: true)
        defer { lab.delete() }
        let a = try lab.attach("a")
        let macA = try lab.mac(a.namespace, a.device)
        // B's kernel believes the address is elsewhere (an entry left by a previous owner).
        let stale = MACAddress(0x02, 0x00, 0x5e, 0x00, 0x53, 0x99)
        try lab.ip([
            "-n", lab.client, "-6", "neigh", "replace", vip, "lladdr", stale.description, "dev", lab.bridge, "nud",
            "stale",
        ])
        #expect(try lab.neighbour(vip).mac == stale)

        let live = try LiveProcess(namespace: a.namespace, arguments: ["--interface", a.device, "--announce", vip])
        defer { live.stop() }
        #expect(live.waitFor("announce \(vip)", seconds: 10), "sim live did not start: \(live.text)")
        let reading = try lab.waitForNeighbour(vip, seconds: 6) { $0.mac == macA }
        #expect(reading.mac == macA, "B's entry should move to \(macA), is \(String(describing: reading))")
    }
}
#endif
