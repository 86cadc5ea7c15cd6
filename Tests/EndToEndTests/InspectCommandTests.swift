import Foundation
import Pcap
import TestSupport
import Testing

/// `sim inspect` as a command: pcapng, text output, exit statuses for files that are not
/// captures, damaged, empty, or of a link type it does not decode.
@Suite("sim inspect")
struct InspectCommandTests {
    /// The seed scenario's trace, written by `sim run` into `folder`.
    static func seedTrace(in folder: TemporaryDirectory) throws -> URL {
        let run = try Sim.run(["run", Repository.seedScenario.path, "--out", "out", "--quiet"], in: folder.url)
        guard run.status == 0 else { throw HarnessError("\(run)") }
        return folder.path("out/trace.pcap")
    }

    /// A classic pcap file (microseconds, little-endian) of `linkType` holding `records`.
    static func pcap(linkType: UInt32, records: [[UInt8]]) -> Data {
        var bytes: [UInt8] = []
        func u32(_ value: UInt32) { bytes += withUnsafeBytes(of: value.littleEndian, Array.init) }
        u32(0xa1b2_c3d4)
        bytes += [2, 0, 4, 0]
        u32(0)
        u32(0)
        u32(65535)
        u32(linkType)
        for (index, record) in records.enumerated() {
            u32(UInt32(index + 1))
            u32(0)
            u32(UInt32(record.count))
            u32(UInt32(record.count))
            bytes += record
        }
        return Data(bytes)
    }

    @Test func aPcapngCopyOfATraceGivesTheSameAnalysis() throws {
        let folder = try TemporaryDirectory("inspect-pcapng")
        defer { folder.remove() }
        let trace = try Self.seedTrace(in: folder)
        let pcapng = folder.path("out/trace.pcapng")
        let editcap = try ExternalTool.find("editcap", package: "wireshark-common")
        _ = try ExternalTool.run(editcap, ["-F", "pcapng", trace.path, pcapng.path], in: folder.url)
        #expect(
            try folder.data("out/trace.pcapng").prefix(4) == Data([0x0a, 0x0d, 0x0d, 0x0a]),
            "editcap should write pcapng")
        var classic = try InspectDocument.of(trace, in: folder.url).json
        var next = try InspectDocument.of(pcapng, in: folder.url).json
        #expect(classic["file"] as? String == trace.path && next["file"] as? String == pcapng.path)
        classic["file"] = nil
        next["file"] = nil
        #expect(NSDictionary(dictionary: classic) == NSDictionary(dictionary: next))
        #expect((classic["addresses"] as? [Any])?.isEmpty == false)
    }

    @Test func textOutputShowsEachIPsClaimsAndTheChange() throws {
        let folder = try TemporaryDirectory("inspect-text")
        defer { folder.remove() }
        let trace = try Self.seedTrace(in: folder)
        let result = try Sim.run(["inspect", trace.path], in: folder.url)
        #expect(result.status == 0, "\(result)")
        let lines = result.stdoutLines
        let vip = try #require(lines.firstIndex(of: "10.200.200.120"), "\(result.stdout)")
        let block = lines[(vip + 1)...].prefix { $0.hasPrefix("  ") }
        #expect(block.count == 3, "\(block)")
        #expect(block.first?.hasPrefix("  claimed by 00:50:56:00:3b:6f from 0.10005 to ") == true, "\(block)")
        #expect(
            block.dropFirst().first?.hasPrefix("  claimed by 00:50:56:00:3b:71 from 21.505 to ") == true, "\(block)")
        #expect(
            block.last?.hasPrefix("  changed 00:50:56:00:3b:6f -> 00:50:56:00:3b:71 at 21.505, ") == true, "\(block)")
        #expect(lines.first?.hasPrefix("\(trace.path): EN10MB, ") == true)
        // Only the service IP: the cluster was running before the trace began, so no node had to
        // resolve another (their neighbour entries stay in use) and no start-up claims show.
        #expect(lines.last == "1 IPs, 0 conflicts, 0 unanswered stretches")
    }

    @Test func aFileThatIsNotACaptureIsADataError() throws {
        let folder = try TemporaryDirectory("inspect-bad")
        defer { folder.remove() }
        try folder.write("notes.pcap", String(repeating: "not a capture\n", count: 10))
        let result = try Sim.run(["inspect", "notes.pcap"], in: folder.url)
        #expect(result.status == 65, "\(result)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("notes.pcap is not a capture libpcap can read"), "\(result)")
        let missing = try Sim.run(["inspect", "absent.pcap"], in: folder.url)
        #expect(missing.status == 66 && missing.stderr.contains("cannot read absent.pcap"), "\(missing)")
        let usage = try Sim.run(["inspect", "notes.pcap", "--answer-window", "soon"], in: folder.url)
        #expect(usage.status == 64 && usage.stderr.contains("--answer-window"), "\(usage)")
    }

    @Test func aCaptureCutInARecordShowsWhatWasReadAndExits65() throws {
        let folder = try TemporaryDirectory("inspect-cut")
        defer { folder.remove() }
        let trace = try Self.seedTrace(in: folder)
        let whole = try InspectDocument.of(trace, in: folder.url)
        let bytes = try Data(contentsOf: trace)
        try bytes.prefix(bytes.count - 10).write(to: folder.path("cut.pcap"))
        let result = try Sim.run(["inspect", "--json", "cut.pcap"], in: folder.url)
        #expect(result.status == 65, "\(result)")
        #expect(result.stderr.contains("cut.pcap is damaged after frame"), "\(result)")
        let cut = try InspectDocument(parsing: result.stdout)
        #expect((cut.json["damage"] as? String)?.contains("truncated") == true, "\(cut.json)")
        #expect(cut.frames["total"] as? Int == (whole.frames["total"] as? Int ?? 0) - 1)
    }

    @Test func anEmptyCaptureIsFine() throws {
        let folder = try TemporaryDirectory("inspect-empty")
        defer { folder.remove() }
        try Self.pcap(linkType: 1, records: []).write(to: folder.path("empty.pcap"))
        let document = try InspectDocument.of(folder.path("empty.pcap"), in: folder.url)
        #expect(document.frames["total"] as? Int == 0 && document.addresses.isEmpty)
        #expect(document.json["start"] is NSNull && document.json["damage"] is NSNull)
    }

    @Test func anotherLinkTypeIsCountedAsNotDecodedAndExits0() throws {
        let folder = try TemporaryDirectory("inspect-raw")
        defer { folder.remove() }
        // Two raw-IPv4 (LINKTYPE_IPV4, 228) records: no link layer, so no MAC to report.
        try Self.pcap(linkType: 228, records: [[UInt8](repeating: 0x45, count: 44), [UInt8](repeating: 1, count: 16)])
            .write(to: folder.path("raw.pcap"))
        let document = try InspectDocument.of(folder.path("raw.pcap"), in: folder.url)
        let undecoded = try #require(document.frames["linkTypesNotDecoded"] as? [[String: Any]])
        #expect(undecoded.count == 1)
        #expect(undecoded.first?["dlt"] as? Int == 228 && undecoded.first?["frames"] as? Int == 2, "\(undecoded)")
        let text = try Sim.run(["inspect", "raw.pcap"], in: folder.url)
        #expect(text.status == 0 && text.stdout.contains("(228) not decoded: 2 frames skipped"), "\(text)")
    }

    /// The seed trace rewritten as `tcpdump -i any` would have captured it: every Ethernet
    /// header replaced by a Linux cooked (SLL) header, nanosecond times kept.
    static func cookedCopy(of trace: URL, to destination: URL) throws {
        let records = try PcapFileReader(path: trace.path).readAll()
        var bytes: [UInt8] = []
        func u32(_ value: UInt32) { bytes += withUnsafeBytes(of: value.littleEndian, Array.init) }
        u32(0xa1b2_3c4d)  // nanosecond-resolution classic pcap
        bytes += [2, 0, 4, 0]
        u32(0)
        u32(0)
        u32(262_144)
        u32(113)
        for record in records {
            let frame = record.bytes
            // packet type 0, ARPHRD_ETHER, address length 6, sender MAC padded to 8, protocol.
            let cooked =
                [0, 0, 0, 1, 0, 6] + Array(frame[6..<12]) + [0, 0] + Array(frame[12..<14]) + Array(frame[14...])
            u32(UInt32(record.timestampNanoseconds / 1_000_000_000))
            u32(UInt32(record.timestampNanoseconds % 1_000_000_000))
            u32(UInt32(cooked.count))
            u32(UInt32(cooked.count))
            bytes += cooked
        }
        try Data(bytes).write(to: destination)
    }

    @Test func aLinuxCookedCaptureGivesTheSameClaimsAsEthernet() throws {
        let folder = try TemporaryDirectory("inspect-sll")
        defer { folder.remove() }
        let trace = try Self.seedTrace(in: folder)
        let cooked = folder.path("out/any.pcap")
        try Self.cookedCopy(of: trace, to: cooked)
        // tshark reads the copy as a Linux cooked capture: as many ARP frames, none malformed.
        let tshark = try ExternalTool.tshark()
        let arpInTrace = try ExternalTool.run(tshark, ["-r", trace.path, "-Y", "arp"], in: folder.url).stdout
        let arpInCopy = try ExternalTool.run(tshark, ["-r", cooked.path, "-Y", "arp && sll"], in: folder.url).stdout
        #expect(!arpInCopy.isEmpty && arpInCopy.split(separator: "\n").count == arpInTrace.split(separator: "\n").count)
        let problems = try Tshark.problems(cooked.path, in: folder.url)
        #expect(problems.isEmpty, "\(problems)")

        let plain = try InspectDocument.of(trace, in: folder.url)
        let fromCooked = try InspectDocument.of(cooked, in: folder.url)
        #expect((fromCooked.frames["linkTypesNotDecoded"] as? [Any] ?? []).isEmpty)
        #expect(
            fromCooked.addresses.compactMap { $0["ip"] as? String }
                == plain.addresses.compactMap { $0["ip"] as? String })
        for ip in plain.addresses.compactMap({ $0["ip"] as? String }) {
            #expect(
                try fromCooked.runs(of: ip).map { "\($0.mac) \($0.from) \($0.to)" }
                    == (try plain.runs(of: ip)).map { "\($0.mac) \($0.from) \($0.to)" }, "\(ip)")
        }
    }
}
