import Foundation
import Inspect
import Pcap
import TestSupport
import Testing

/// The tcpdump test captures (../shared/corpus/tcpdump-tests: ~830 classic pcap and pcapng
/// files, many link types, many deliberately malformed): everything must be read without a
/// crash or a hang, every damaged file must be an error with libpcap's message, and the
/// skipped frames must be counted.
enum Corpus {
    static let directory = Repository.root.deletingLastPathComponent().appendingPathComponent(
        "shared/corpus/tcpdump-tests")

    static let files: [URL] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng") }.sorted()
            .map { directory.appendingPathComponent($0) }
    }()

    static var available: Bool { !files.isEmpty }

    /// What reading one file in-process gave.
    struct Outcome {
        var analysis: CaptureAnalysis?
        /// The file could not be opened, or was damaged partway (then `analysis` covers the
        /// frames before the damage).
        var error: PcapError?
        var seconds: Double
    }

    /// Reads `file` with Pcap into Inspect, as `sim inspect` does.
    static func inspect(_ file: URL) -> Outcome {
        let started = DispatchTime.now().uptimeNanoseconds
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 }
        let reader: PcapFileReader
        do {
            reader = try PcapFileReader(path: file.path)
        } catch {
            return Outcome(analysis: nil, error: error, seconds: elapsed())
        }
        var analyzer = CaptureAnalyzer()
        let damage = analyzer.add { () throws(PcapError) in
            try reader.next().map {
                CapturedFrame(
                    timestampNanoseconds: $0.timestampNanoseconds, linkType: reader.linkType.rawValue,
                    originalLength: $0.originalLength, bytes: $0.bytes)
            }
        }
        return Outcome(analysis: analyzer.analysis(), error: damage, seconds: elapsed())
    }
}

@Suite(
    "sim inspect over the tcpdump corpus",
    .enabled(if: Corpus.available, "no captures in ../shared/corpus/tcpdump-tests beside the repository"))
struct InspectCorpusTests {
    @Test(.timeLimit(.minutes(10)))
    func everyFileIsReadInProcessWithoutACrashOrAHang() throws {
        let started = DispatchTime.now().uptimeNanoseconds
        var whole = 0
        var damaged = 0
        var unreadable = 0
        var claims = 0
        var truncated = 0
        var malformed = 0
        var undecodedFiles = 0
        var linkTypes: [Int32: Int] = [:]
        var slowest: (file: String, seconds: Double) = ("", 0)
        for file in Corpus.files {
            let outcome = Corpus.inspect(file)
            if outcome.seconds > slowest.seconds { slowest = (file.lastPathComponent, outcome.seconds) }
            #expect(outcome.seconds < 20, "\(file.lastPathComponent) took \(outcome.seconds) s")
            guard let analysis = outcome.analysis else {
                unreadable += 1
                #expect(
                    !(outcome.error?.message.isEmpty ?? true),
                    "\(file.lastPathComponent): an error without libpcap's message")
                continue
            }
            if outcome.error == nil { whole += 1 } else { damaged += 1 }
            let counts = analysis.counts
            #expect(
                counts.claims + counts.requests + counts.unrelated + counts.skipped == counts.frames,
                "\(file.lastPathComponent): every frame is used, unrelated or skipped")
            claims += counts.claims
            truncated += counts.truncated
            malformed += counts.malformed
            if !counts.undecodedLinkTypes.isEmpty { undecodedFiles += 1 }
            for entry in counts.undecodedLinkTypes { linkTypes[entry.linkType, default: 0] += 1 }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        print(
            """
            tcpdump corpus, in-process: \(Corpus.files.count) files in \(String(format: "%.1f", seconds)) s \
            (slowest \(slowest.file), \(String(format: "%.2f", slowest.seconds)) s): \(whole) read whole, \
            \(damaged) damaged partway, \(unreadable) not captures; \(undecodedFiles) files of \(linkTypes.count) link types \
            not decoded; \(claims) claims, \(truncated) truncated and \(malformed) malformed frames skipped
            """)
        #expect(whole + damaged + unreadable == Corpus.files.count)
        #expect(Corpus.files.count >= 800, "the corpus should hold about 830 captures")
        // The corpus holds Ethernet ARP (arp-oobr.pcap: thousands of frames, malformed ones among
        // them) and many other link types: the counts must show both.
        #expect(claims > 0 && malformed > 0 && truncated > 0 && linkTypes.count > 10)
    }

    @Test func arpOobrHoldsClaimsRequestsAndMalformedARP() throws {
        let file = Corpus.directory.appendingPathComponent("arp-oobr.pcap")
        try #require(FileManager.default.fileExists(atPath: file.path))
        let outcome = Corpus.inspect(file)
        let counts = try #require(outcome.analysis?.counts)
        #expect(outcome.error == nil)
        #expect(counts.claims > 0 && counts.requests > 1000 && counts.malformed > 100, "\(counts)")
        #expect(counts.firstMalformed?.reason.hasPrefix("ARP: ") == true)
    }

    /// Every 20th file, and the ones known to be nasty, through the real binary, each with a
    /// time limit: exit 0 with JSON that matches the in-process analysis, or 65 with a message.
    @Test func aSampleThroughTheBinaryExits0Or65() throws {
        let nasty = [
            "arp-oobr.pcap", "arp-too-long-tha.pcap", "802.1ad_QinQ.pcap", "empty.pcapng", "time_2106_max.pcap",
            "timestamp_invalid_nano.pcap", "pim_header_asan-2.pcap", "bgp_vpn_rt-oobr.pcap",
        ]
        let sample = Corpus.files.enumerated().filter {
            $0.offset % 20 == 0 || nasty.contains($0.element.lastPathComponent)
        }
        .map(\.element)
        let executable = try Sim.url()
        for file in sample {
            let result = try Subprocess.run(
                executable, ["inspect", "--json", file.path], in: Corpus.directory, timeout: 60)
            let name = file.lastPathComponent
            #expect(result.status == 0 || result.status == 65, "\(name): \(result)")
            let outcome = Corpus.inspect(file)
            if result.status == 65 {
                #expect(result.stderr.contains(file.path), "\(name): the message names the file: \(result.stderr)")
                #expect(outcome.error != nil, "\(name): the binary failed where the library did not")
            } else {
                #expect(outcome.error == nil, "\(name): the library failed where the binary did not")
            }
            guard !result.stdout.isEmpty else { continue }
            let document = try InspectDocument(parsing: result.stdout)
            let counts = try #require(outcome.analysis?.counts)
            #expect(
                document.frames["total"] as? Int == counts.frames && document.frames["claims"] as? Int == counts.claims
                    && document.frames["truncated"] as? Int == counts.truncated
                    && document.frames["malformed"] as? Int == counts.malformed, "\(name)")
        }
    }
}
