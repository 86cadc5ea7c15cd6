import ArgumentParser
import Engine
import Foundation
import Inspect
import Pcap

/// `sim inspect PCAP`: who claimed which IP in a capture (ARP replies, gratuitous ARP,
/// Neighbor Advertisements), which requests went unanswered, and where two MACs fought over
/// an IP. Reads with Pcap, analyses with Inspect, prints; nothing else.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show which MACs claimed each IP in a capture, unanswered requests and conflicts.",
        usage: "sim inspect PCAP [--json] [--answer-window D] [--conflict-window D]",
        discussion: """
            Reads a classic pcap or pcapng file through libpcap (any source: lbsim's traces, tcpdump, \
            Wireshark) and prints, per IP in numeric order: the runs of claims by each MAC (ARP replies, \
            gratuitous ARP requests, Neighbor Advertisements) with their first and last time, each change \
            of MAC and the silence across it, ARP requests and Neighbor Solicitations no claim followed \
            within the answer window, and conflicts: the IP going from one MAC to another and back with \
            one of the changes within the conflict window. Times are the capture's, in seconds since \
            the epoch (lbsim's traces start at 0, so they are the report's times). Ethernet frames \
            (with or without 802.1Q/802.1ad tags) and Linux cooked captures (tcpdump -i any: SLL and \
            SLL2) are decoded; frames of other link types, truncated and malformed frames are counted \
            and skipped. \
            Exit status: 0 the capture was read to its end, 65 it is not a capture or is damaged partway \
            (what was read before the damage is still shown), 66 it cannot be opened, 64 bad usage.
            """)

    @Argument(help: ArgumentHelp("The capture file (pcap or pcapng; - for standard input).", valueName: "PCAP"))
    var pcap: String

    @Flag(name: .long, help: "Print JSON for machines instead of text.")
    var json = false

    @Option(
        name: .customLong("answer-window"),
        help: ArgumentHelp("A request counts as answered when a claim follows within D.", valueName: "D"))
    var answerWindow = "1s"

    @Option(
        name: .customLong("conflict-window"),
        help: ArgumentHelp("A flip-flop between MACs is a conflict when a change comes within D.", valueName: "D"))
    var conflictWindow = "1s"

    func validate() throws {
        _ = try options()
    }

    private func options() throws -> InspectOptions {
        func window(_ text: String, _ flag: String) throws -> Int64 {
            guard let duration = SimDuration(parsing: text), duration.nanoseconds > 0 else {
                throw ValidationError("\(flag) must be a positive duration such as 1s or 500ms, got \(text)")
            }
            return duration.nanoseconds
        }
        return InspectOptions(
            answerWindow: try window(answerWindow, "--answer-window"),
            conflictWindow: try window(conflictWindow, "--conflict-window"))
    }

    func run() throws {
        if pcap != "-" && !FileManager.default.isReadableFile(atPath: pcap) {
            printError(
                "sim inspect: cannot read \(pcap): \(FileManager.default.fileExists(atPath: pcap) ? "permission denied" : "no such file")"
            )
            throw ExitCode(ExitStatus.noInput)
        }
        let reader: PcapFileReader
        do {
            reader = try PcapFileReader(path: pcap)
        } catch {
            printError("sim inspect: \(pcap) is not a capture libpcap can read: \(error.message)")
            throw ExitCode(ExitStatus.dataError)
        }
        var analyzer = CaptureAnalyzer(options: try options())
        let damage = analyzer.add { () throws(PcapError) in
            try reader.next().map {
                CapturedFrame(
                    timestampNanoseconds: $0.timestampNanoseconds, linkType: reader.linkType.rawValue,
                    originalLength: $0.originalLength, bytes: $0.bytes)
            }
        }
        let analysis = analyzer.analysis()
        let capture = InspectedCapture(path: pcap, linkType: reader.linkType, damage: damage?.message)
        if json {
            print(InspectJSON.document(analysis, capture: capture).serialized(), terminator: "")
        } else {
            for line in InspectText.lines(analysis, capture: capture) { print(line) }
        }
        if let damage {
            printError("sim inspect: \(pcap) is damaged after frame \(analysis.counts.frames): \(damage.message)")
            throw ExitCode(ExitStatus.dataError)
        }
    }
}

/// What the command knows about the file besides the analysis.
struct InspectedCapture {
    var path: String
    var linkType: LinkType
    /// libpcap's message when reading stopped at damage before the end of the file.
    var damage: String?
}
