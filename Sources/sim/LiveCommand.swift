import ArgumentParser
import Foundation
import Live
import Wire

/// `sim live`: the simulator's layer2 speaker (Layer2's `Announcer`, unchanged) answering ARP
/// on a real interface, with the wall clock.
struct LiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "live",
        abstract: "Answer ARP and NDP for service IPs on a real interface with lbsim's layer2 speaker.",
        usage: """
            sim live --interface IF --announce IP[,IP...] [--announce-file FILE|-] [--pcap FILE] \
            [--version v0.9.4|current] [--duration D]
            """,
        discussion: """
            Answers ARP requests for the announced IPv4 addresses and Neighbor Solicitations (with a source \
            link-layer address, to the solicited-node group) for the IPv6 ones with IF's MAC, and sends \
            MetalLB's gratuitous rounds when an address starts being announced: an ARP request and reply, \
            broadcast, or an unsolicited Neighbor Advertisement (override) to ff02::1 from IF's link-local \
            address (no link-local address, no NDP). The capture runs promiscuous when IPv6 may be \
            announced, standing in for MetalLB's multicast group joins. \
            With --announce-file FILE the set is re-read whenever FILE changes (one IP per line, # comments): \
            an address removed stops being answered, one added starts with gratuitous rounds, so two \
            `sim live` processes hand an address over by editing their files. With --announce-file - the \
            set follows standard input line by line: IP (or +IP) adds, -IP removes. \
            Stops on SIGINT or SIGTERM (or after --duration), with the pcap flushed. Needs CAP_NET_RAW. \
            Exit status: 0 stopped cleanly, 64 bad usage or address, 65 a bad \
            address in the announce file, 66 the announce file cannot be read, 69 the interface does not \
            exist or is down, 71 libpcap failed, 73 the pcap cannot be written, 77 no CAP_NET_RAW.
            """)

    @Option(name: .long, help: "The interface to answer on (must exist and be up).")
    var interface: String

    @Option(name: .long, help: "Addresses to announce for the whole run, comma-separated.")
    var announce: [String] = []

    @Option(name: .customLong("announce-file"),
            help: ArgumentHelp("Follow the announce set in FILE (re-read on change), or on standard input (-).",
                               valueName: "FILE|-"))
    var announceFile: String?

    @Option(name: .long, help: ArgumentHelp("Write every frame seen and sent to FILE.", valueName: "FILE"))
    var pcap: String?

    @Option(name: .long, help: "Gratuitous schedule: current (5 rounds from the change) or v0.9.4 (free-running ticker).")
    var version: String = LiveVersion.current.rawValue

    @Option(name: .long, help: ArgumentHelp("Stop after D (e.g. 10, 10s, 500ms, 2m).", valueName: "D"))
    var duration: String?

    @Flag(name: .long, help: "Capture in promiscuous mode.")
    var promiscuous = false

    @Flag(name: [.short, .long], help: "Print only the summary.")
    var quiet = false

    func validate() throws {
        guard !announce.isEmpty || announceFile != nil else {
            throw ValidationError("give the addresses to announce with --announce IP[,IP...] or --announce-file FILE")
        }
        _ = try parsedAddresses()
        guard LiveVersion(rawValue: version) != nil else {
            throw ValidationError("--version must be one of \(LiveVersion.allCases.map(\.rawValue).joined(separator: ", ")), got \(version)")
        }
        if let duration, LiveCommand.nanoseconds(duration) == nil {
            throw ValidationError("--duration must be a positive duration such as 10, 10s, 500ms or 2m, got \(duration)")
        }
    }

    private func parsedAddresses() throws -> [IPAddress] {
        var addresses: [IPAddress] = []
        for item in announce.flatMap({ $0.split(separator: ",", omittingEmptySubsequences: false) }) {
            do {
                addresses.append(try AnnounceAddress.parse(item, location: "--announce"))
            } catch {
                throw ValidationError("cannot announce \(error.description)")
            }
        }
        return addresses
    }

    /// "10", "10s", "1.5s", "500ms", "2m" in nanoseconds; nil when not a positive duration.
    static func nanoseconds(_ text: String) -> Int64? {
        let units: [(String, Double)] = [("ms", 1e6), ("s", 1e9), ("m", 60e9)]
        var number = Substring(text)
        var scale = 1e9
        for (suffix, value) in units where text.hasSuffix(suffix) {
            number = text.dropLast(suffix.count)
            scale = value
            break
        }
        guard let value = Double(number), value > 0, value * scale < 9e18 else { return nil }
        return Int64(value * scale)
    }

    func run() throws {
        let follow: AnnounceSource? = announceFile.map { $0 == "-" ? .standardInput : .file($0) }
        let configuration = LiveConfiguration(
            interface: interface, announce: try parsedAddresses(), follow: follow, pcapPath: pcap,
            version: LiveVersion(rawValue: version) ?? .current, durationNanoseconds: duration.flatMap(LiveCommand.nanoseconds),
            promiscuous: promiscuous)
        let start = WallClock.monotonicNanoseconds()
        let quiet = self.quiet
        let speaker: LiveSpeaker
        do {
            speaker = try LiveSpeaker(configuration: configuration) { event in
                if !quiet || LiveCommand.isProblem(event) {
                    LiveCommand.print(event, elapsed: WallClock.monotonicNanoseconds() - start)
                }
            }
        } catch {
            printError("sim live: \(error.description)")
            throw ExitCode(LiveCommand.exitStatus(for: error))
        }
        let signals = speaker.stopOnSignals()
        let summary = speaker.run()
        withExtendedLifetime(signals) {}
        LiveCommand.emit("""
            sim live: stopped; \(summary.framesReceived) frames received (\(summary.malformedFrames) malformed), \
            \(summary.repliesSent) replies and \(summary.gratuitousFramesSent) gratuitous frames sent, \
            \(summary.sendErrors) send errors\(summary.kernelDropped.map { ", \($0) dropped by the kernel" } ?? "")\
            \(pcap.map { "; \(summary.framesRecorded) frames written to \($0)" } ?? "")
            """)
    }

    /// One line to standard output, written at once (not held in a buffer while the run goes
    /// on: whoever watches a live run reads it as it happens).
    static func emit(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static func exitStatus(for error: LiveError) -> Int32 {
        switch error {
        case .badAddress: return ExitStatus.dataError
        case .announceFileUnreadable: return 66  // EX_NOINPUT
        case .interfaceUnavailable: return 69  // EX_UNAVAILABLE
        case .capture: return 71  // EX_OSERR
        case .output: return ExitStatus.cannotCreate
        case .notPermitted: return 77  // EX_NOPERM
        }
    }

    static func isProblem(_ event: LiveEvent) -> Bool {
        switch event {
        case .announceSetRejected, .sendFailed, .captureFailed: return true
        default: return false
        }
    }

    static func print(_ event: LiveEvent, elapsed: Int64) {
        let stamp = String(format: "[%4lld.%09llds]", elapsed / 1_000_000_000, elapsed % 1_000_000_000)
        switch event {
        case let .started(interface, mac, version):
            emit("\(stamp) live on \(interface) (\(mac)), MetalLB \(version.rawValue) gratuitous schedule")
        case let .announcing(ip):
            emit("\(stamp) announce \(ip)")
        case let .withdrawn(ip):
            emit("\(stamp) withdraw \(ip)")
        case let .answered(ip, asker):
            emit("\(stamp) reply \(ip) is-at us, to \(asker)")
        case let .gratuitousRound(ip):
            emit("\(stamp) gratuitous round \(ip)")
        case let .announceSetRejected(message):
            printError("\(stamp) announce set: \(message)")
        case let .sendFailed(message):
            printError("\(stamp) send failed: \(message)")
        case let .captureFailed(message):
            printError("\(stamp) capture ended: \(message)")
        }
    }
}
