import ArgumentParser
import Foundation
import Layer2
import Live
import Scenario
import Wire

/// `sim live`: the simulator's speaker process on a real interface, with the wall clock: either
/// announcing a given set of addresses (announcer only), or as node NAME of a scenario, with
/// memberlist on real sockets (the whole speaker).
struct LiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "live",
        abstract: "Run lbsim's MetalLB speaker on a real interface: announce given IPs, or be one node of a scenario.",
        usage: """
            sim live --interface IF --announce IP[,IP...] [--announce-file FILE|-] [--pcap FILE] \
            [--version v0.9.4|current] [--duration D]
            sim live --interface IF --scenario FILE --node NAME [--pcap FILE] [--duration D]
            """,
        discussion: """
            With --scenario FILE --node NAME the process is node NAME's whole MetalLB speaker: its \
            configuration (MetalLB version, memberlist profile, the other speakers' addresses) and the \
            services its informers list come from the scenario (its manifests applied to a simulated \
            cluster that settles for 0.5 s: MetalLB's controller allocates, endpoints are known; the \
            timeline is not played; with --watch the file is re-read on change and the services that \
            changed are delivered to the speaker). memberlist runs on real UDP and TCP sockets on the node's address, \
            which must be on IF, port 7946, and joins the other nodes' addresses; the speaker elects and \
            answers ARP/NDP on IF. Instances in network namespaces, one per node, form a MetalLB-like \
            cluster: kill the owner's process and the next node in election order takes over with real \
            gratuitous ARP. SIGTERM or SIGINT leaves memberlist first (MetalLB's graceful stop). \
            Exit status as below, and 65 for a scenario error, 66 for a missing scenario file, 64 for a --node the scenario lacks. \
            Otherwise (announcer only): \
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

    @Option(name: .long, help: ArgumentHelp("Run as node NAME of this scenario (with --node).", valueName: "FILE"))
    var scenario: String?

    @Option(name: .long, help: ArgumentHelp("The scenario node this process is.", valueName: "NAME"))
    var node: String?

    @Flag(
        name: .long, help: "With --scenario: re-read the scenario when it changes (its services, as informers deliver)."
    )
    var watch = false

    @Option(name: .long, help: "Addresses to announce for the whole run, comma-separated.")
    var announce: [String] = []

    @Option(
        name: .customLong("announce-file"),
        help: ArgumentHelp(
            "Follow the announce set in FILE (re-read on change), or on standard input (-).",
            valueName: "FILE|-"))
    var announceFile: String?

    @Option(name: .long, help: ArgumentHelp("Write every frame seen and sent to FILE.", valueName: "FILE"))
    var pcap: String?

    @Option(
        name: .long, help: "Gratuitous schedule: current (5 rounds from the change) or v0.9.4 (free-running ticker).")
    var version: String = LiveVersion.current.rawValue

    @Option(name: .long, help: ArgumentHelp("Stop after D (e.g. 10, 10s, 500ms, 2m).", valueName: "D"))
    var duration: String?

    @Flag(name: .long, help: "Capture in promiscuous mode.")
    var promiscuous = false

    @Flag(name: [.short, .long], help: "Print only the summary.")
    var quiet = false

    func validate() throws {
        if let duration, LiveCommand.nanoseconds(duration) == nil {
            throw ValidationError(
                "--duration must be a positive duration such as 10, 10s, 500ms or 2m, got \(duration)")
        }
        if scenario != nil || node != nil {
            guard scenario != nil, node != nil else {
                throw ValidationError("--scenario FILE and --node NAME go together: the process is node NAME of FILE")
            }
            guard announce.isEmpty, announceFile == nil, version == LiveVersion.current.rawValue, !promiscuous else {
                throw ValidationError(
                    "with --scenario the services and MetalLB version come from the scenario: "
                        + "drop --announce, --announce-file, --version and --promiscuous")
            }
            return
        }
        guard !announce.isEmpty || announceFile != nil else {
            throw ValidationError("give the addresses to announce with --announce IP[,IP...] or --announce-file FILE")
        }
        _ = try parsedAddresses()
        guard LiveVersion(rawValue: version) != nil else {
            throw ValidationError(
                "--version must be one of \(LiveVersion.allCases.map(\.rawValue).joined(separator: ", ")), got \(version)"
            )
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
        if let scenario, let node { return try runNode(scenario: scenario, node: node) }
        let follow: AnnounceSource? = announceFile.map { $0 == "-" ? .standardInput : .file($0) }
        let configuration = LiveConfiguration(
            interface: interface, announce: try parsedAddresses(), follow: follow, pcapPath: pcap,
            version: LiveVersion(rawValue: version) ?? .current,
            durationNanoseconds: duration.flatMap(LiveCommand.nanoseconds),
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
        emitSummary(summary)
    }

    /// `--scenario FILE --node NAME`: node NAME's whole speaker.
    private func runNode(scenario path: String, node: String) throws {
        #if os(Linux)
        try requireScenarioFiles([path])
        let view: LiveScenarioView
        let scenario: Scenario
        do {
            scenario = try ScenarioLoader().load(path)
        } catch {
            printError(error.description)
            throw ExitCode(ExitStatus.dataError)
        }
        do {
            view = try LiveScenarioView.of(scenario, node: node)
        } catch {
            printError("sim live: --node: \(error.description)")
            throw ExitCode(ExitStatus.usage)
        }
        let watching: ScenarioWatch? =
            watch
            ? ScenarioWatch(path: path) {
                do {
                    return .success(try LiveScenarioView.of(try ScenarioLoader().load(path), node: node).services)
                } catch {
                    return .failure(ScenarioReloadError("\(error)"))
                }
            } : nil
        let configuration = LiveNode.Configuration(
            interface: interface, speaker: view.configuration,
            services: view.services, pcapPath: pcap,
            durationNanoseconds: duration.flatMap(LiveCommand.nanoseconds), watch: watching)
        let start = WallClock.monotonicNanoseconds()
        let quiet = self.quiet
        let process: LiveNode
        do {
            process = try LiveNode(configuration: configuration) { event in
                if !quiet || LiveCommand.isProblem(event) {
                    LiveCommand.print(event, elapsed: WallClock.monotonicNanoseconds() - start)
                }
            }
        } catch {
            printError("sim live: \(error.description)")
            throw ExitCode(LiveCommand.exitStatus(for: error))
        }
        LiveCommand.emit(
            "sim live: node \(node) of \(path), \(view.services.count) services, memberlist "
                + (view.configuration.membership == nil
                    ? "off" : "on \(view.configuration.address):\(view.configuration.memberlistPort)"))
        let signals = process.stopOnSignals()
        let summary = process.run()
        withExtendedLifetime(signals) {}
        emitSummary(summary)
        #else
        printError("sim live --scenario: memberlist's sockets are implemented for Linux only")
        throw ExitCode(69)
        #endif
    }

    /// The closing line of a run: what was received, sent and written.
    private func emitSummary(_ summary: LiveSummary) {
        LiveCommand.emit(
            """
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
        case .announceSetRejected, .sendFailed, .captureFailed, .memberlistProblem, .scenarioRejected: return true
        default: return false
        }
    }

    static func print(_ event: LiveEvent, elapsed: Int64) {
        let stamp = String(format: "[%4lld.%09llds]", elapsed / 1_000_000_000, elapsed % 1_000_000_000)
        switch event {
        case .started(let interface, let mac, let version):
            emit("\(stamp) live on \(interface) (\(mac)), MetalLB \(version.rawValue) gratuitous schedule")
        case .announcing(let ip):
            emit("\(stamp) announce \(ip)")
        case .withdrawn(let ip):
            emit("\(stamp) withdraw \(ip)")
        case .answered(let ip, let asker):
            emit("\(stamp) reply \(ip) is-at us, to \(asker)")
        case .gratuitousRound(let ip):
            emit("\(stamp) gratuitous round \(ip)")
        case .announceFailed(let failure):
            emit("\(stamp) service \(failure.service): \(AnnounceFailure.reason): \(failure.message)")
        case .announceSetRejected(let message):
            printError("\(stamp) announce set: \(message)")
        case .sendFailed(let message):
            printError("\(stamp) send failed: \(message)")
        case .captureFailed(let message):
            printError("\(stamp) capture ended: \(message)")
        case .member(let event):
            emit("\(stamp) memberlist: \(event)")
        case .memberlistProblem(let message):
            printError("\(stamp) memberlist: \(message)")
        case .scenarioReloaded(let count):
            emit("\(stamp) scenario changed: \(count) services delivered")
        case .scenarioRejected(let message):
            printError("\(stamp) scenario changed but does not load, keeping the last good view: \(message)")
        }
    }
}
