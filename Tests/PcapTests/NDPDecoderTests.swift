import Layer2
import Pcap
import TestSupport
import Testing
import Wire

struct ResponderSilent: Error {}

/// The NDP frames lbsim builds, as tshark and tcpdump (which nobody here wrote) read them: the
/// fields MetalLB's responder sets, correct ICMPv6 checksums, no malformed-packet warnings.
@Suite("tshark and tcpdump read lbsim's NDP frames")
struct NDPDecoderTests {
    static let vip = IPv6Address("2001:db8::200")!
    static let speaker = L2Interface(name: "eth0", hardwareAddress: MACAddress(0x02, 0, 0x5e, 0x10, 0, 0x12))
    static let client = MACAddress(0x02, 0, 0x5e, 0x10, 0, 0x99)
    static let clientIP = IPv6Address("fe80::99")!

    /// A client's solicitation, the speaker's answer to it, and an unsolicited advertisement.
    static func frames() throws -> [[UInt8]] {
        let group = vip.solicitedNodeMulticast
        let solicitation = EthernetFrame.ndp(
            .neighborSolicitation(target: vip, options: [.sourceLinkLayerAddress(client)]),
            destination: group.multicastMAC, source: client,
            ipSource: clientIP, ipDestination: group)
        guard case .ipv6NDP(let header, let message) = try EthernetFrame.decode(solicitation).payload,
            let answer = NDPResponder.answer(message, in: header, from: speaker, joined: { $0 == group }),
            let unsolicited = NDPResponder.unsolicitedAdvertisement(for: vip, from: speaker)
        else { throw ResponderSilent() }
        return [solicitation, answer.bytes, unsolicited]
    }

    func write(_ frames: [[UInt8]]) throws -> (TemporaryDirectory, String) {
        let scratch = try TemporaryDirectory("pcap")
        let path = scratch.path("ndp.pcap").path
        let writer = try PcapFileWriter(path: path)
        for (index, frame) in frames.enumerated() {
            writer.write(frame, timestampNanoseconds: Int64(index) * 1_000_000)
        }
        writer.close()
        return (scratch, path)
    }

    @Test func tsharkFieldsAndChecksums() throws {
        let tshark = try ExternalTool.tshark()
        let (scratch, path) = try write(try Self.frames())
        _ = scratch
        let result = try Subprocess.run(
            tshark,
            [
                "-r", path, "-T", "fields", "-E", "separator=|",
                "-e", "eth.dst", "-e", "ipv6.src", "-e", "ipv6.dst", "-e", "ipv6.hlim",
                "-e", "icmpv6.type", "-e", "icmpv6.checksum.status",
                "-e", "icmpv6.nd.na.flag.r", "-e", "icmpv6.nd.na.flag.s", "-e", "icmpv6.nd.na.flag.o",
                "-e", "icmpv6.opt.linkaddr", "-e", "_ws.expert",
            ])
        #expect(result.status == 0, "tshark failed: \(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(
            lines == [
                "33:33:ff:00:02:00|fe80::99|ff02::1:ff00:200|255|135|1||||02:00:5e:10:00:99|",
                "02:00:5e:10:00:99|fe80::5eff:fe10:12|fe80::99|255|136|1|0|1|0|02:00:5e:10:00:12|",
                "33:33:00:00:00:01|fe80::5eff:fe10:12|ff02::1|255|136|1|0|0|1|02:00:5e:10:00:12|",
            ], "tshark printed:\n\(result.stdout)\(result.stderr)")
    }

    @Test func tcpdumpWording() throws {
        let tcpdump = try ExternalTool.tcpdump()
        let (scratch, path) = try write(try Self.frames())
        _ = scratch
        let result = try Subprocess.run(tcpdump, ["-nn", "-v", "-r", path])
        #expect(result.status == 0, "tcpdump failed: \(result.stderr)")
        let text = result.stdout
        #expect(text.contains("neighbor solicitation, length 32, who has 2001:db8::200"), "\(text)")
        #expect(text.contains("neighbor advertisement, length 32, tgt is 2001:db8::200, Flags [solicited]"), "\(text)")
        #expect(text.contains("neighbor advertisement, length 32, tgt is 2001:db8::200, Flags [override]"), "\(text)")
        #expect(!text.contains("bad") && !text.contains("[|"), "\(text)")
    }
}
