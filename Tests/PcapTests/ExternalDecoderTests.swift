import Foundation
import Pcap
import TestSupport
import Testing

/// The files must be readable by the tools people will open them with, and say exactly
/// what was written: tcpdump and tshark decode the hand-built ARP frames, and tshark
/// shows the nanosecond time stamp to the digit.
@Suite("tcpdump and tshark")
struct ExternalDecoderTests {
    @Test("tcpdump decodes the ARP request and reply")
    func tcpdumpDecodesARP() throws {
        let tcpdump = try ExternalTool.tcpdump()
        let scratch = try TemporaryDirectory("pcap")
        let path = scratch.path("arp.pcap").path
        try writeStandardTrace(to: path)

        let result = try Subprocess.run(tcpdump, ["-nn", "-e", "-r", path])
        #expect(result.status == 0, "tcpdump failed: \(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        try #require(lines.count == 3, "tcpdump printed:\n\(result.stdout)\(result.stderr)")
        #expect(
            lines[0].contains("00:50:56:00:3b:99 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42"), "\(lines[0])"
        )
        #expect(lines[0].contains("Request who-has 10.200.200.120 tell 10.200.200.50"), "\(lines[0])")
        #expect(
            lines[1].contains("00:50:56:00:3b:6f > 00:50:56:00:3b:99, ethertype ARP (0x0806), length 42"), "\(lines[1])"
        )
        #expect(lines[1].contains("Reply 10.200.200.120 is-at 00:50:56:00:3b:6f"), "\(lines[1])")
        #expect(
            lines[2].contains("00:50:56:00:3b:99 > 00:50:56:00:3b:6f, ethertype IPv4 (0x0800), length 46"),
            "\(lines[2])")
        #expect(lines[2].contains("10.200.200.50.40000 > 10.200.200.120.80: UDP, length 4"), "\(lines[2])")
        #expect(result.stderr.contains("link-type EN10MB"), "\(result.stderr)")
    }

    @Test("tcpdump --nano prints the nanosecond time stamps")
    func tcpdumpNanoseconds() throws {
        let tcpdump = try ExternalTool.tcpdump()
        let scratch = try TemporaryDirectory("pcap")
        let path = scratch.path("arp.pcap").path
        try writeStandardTrace(to: path)

        let result = try Subprocess.run(tcpdump, ["--nano", "-tt", "-nn", "-r", path])
        #expect(result.status == 0, "tcpdump failed: \(result.stderr)")
        let stamps = result.stdout.split(separator: "\n").map { $0.split(separator: " ").first.map(String.init) ?? "" }
        #expect(stamps == ["0.000000000", "20.000000123", "1700000000.999999999"], "\(result.stdout)")
    }

    @Test("tshark decodes the frames and shows the nanosecond time stamps exactly")
    func tsharkFields() throws {
        let tshark = try ExternalTool.tshark()
        let scratch = try TemporaryDirectory("pcap")
        let path = scratch.path("arp.pcap").path
        try writeStandardTrace(to: path)

        let result = try Subprocess.run(
            tshark,
            [
                "-r", path, "-T", "fields",
                "-e", "frame.time_epoch", "-e", "eth.src", "-e", "arp.src.proto_ipv4",
            ])
        #expect(result.status == 0, "tshark failed: \(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(
            lines == [
                "0.000000000\t00:50:56:00:3b:99\t10.200.200.50",
                "20.000000123\t00:50:56:00:3b:6f\t10.200.200.120",
                "1700000000.999999999\t00:50:56:00:3b:99\t",
            ], "tshark printed:\n\(result.stdout)\(result.stderr)")
    }

    @Test("the reader reads pcapng (converted by tshark) with the same records")
    func readsPcapng() throws {
        let tshark = try ExternalTool.tshark()
        let scratch = try TemporaryDirectory("pcap")
        let input = scratch.path("in.pcap").path
        let output = scratch.path("out.pcapng").path
        try writeStandardTrace(to: input)

        let result = try Subprocess.run(tshark, ["-r", input, "-w", output, "-F", "pcapng"])
        #expect(result.status == 0, "tshark failed: \(result.stderr)")
        // Make sure the conversion really produced pcapng (Section Header Block type).
        let head = [UInt8](try Data(contentsOf: URL(fileURLWithPath: output)).prefix(4))
        try #require(head == [0x0a, 0x0d, 0x0d, 0x0a], "not a pcapng file: \(head)")

        let reader = try PcapFileReader(path: output)
        #expect(reader.linkType == .ethernet)
        #expect(try reader.readAll() == standardTrace)
    }

    @Test("the reader scales a microsecond pcap (converted by tshark) to nanoseconds")
    func readsMicrosecondPcap() throws {
        let tshark = try ExternalTool.tshark()
        let scratch = try TemporaryDirectory("pcap")
        let input = scratch.path("nano.pcap").path
        let output = scratch.path("micro.pcap").path
        try writeStandardTrace(to: input)

        let result = try Subprocess.run(tshark, ["-r", input, "-w", output, "-F", "pcap"])
        #expect(result.status == 0, "tshark failed: \(result.stderr)")
        let magic = [UInt8](try Data(contentsOf: URL(fileURLWithPath: output)).prefix(4))
        try #require(
            magic == withUnsafeBytes(of: UInt32(0xa1b2_c3d4)) { Array($0) }, "not a microsecond pcap: \(magic)")

        let records = try PcapFileReader(path: output).readAll()
        #expect(records.map(\.timestampNanoseconds) == [0, 20_000_000_000, 1_700_000_000_999_999_000])
        #expect(records.map(\.bytes) == standardTrace.map(\.bytes))
    }
}
