import Dispatch
import Engine
import Foundation
import Layer2
import Pcap
import Speaker
import Wire

/// Runs the sans-IO `Speaker`, the same process the simulator runs on every node, on a real
/// interface with the wall clock, in "announcer only" mode: no memberlist, and the announce
/// set given on the command line or followed from a file stands in for the API server.
///
/// The driver only moves things between the world and the speaker; every protocol decision
/// (whether to answer a frame, what the reply says, when the gratuitous rounds go out and what
/// they hold) is the speaker's:
/// - frames captured by `LiveCapture` go to `Speaker.handleFrame`;
/// - each address of the announce set is a LoadBalancer service of its own (named by the
///   address) whose only endpoint is on this node, so this node wins its election; an address
///   leaving the set is that service's deletion;
/// - what the speaker produces (`Speaker.poll`) is carried out: frames injected, gratuitous
///   rounds reported from the speaker's own round records, timers kept on CLOCK_MONOTONIC.
///
/// Everything seen and sent is written to the pcap, received frames with the kernel's
/// capture time stamp, sent ones with CLOCK_REALTIME when they were handed to the kernel.
///
/// One thread runs the loop (`run`); the capture thread, the standard-input reader and
/// signal handlers only post to its inbox.
public final class LiveSpeaker: @unchecked Sendable {
    public let configuration: LiveConfiguration
    /// The interface's MAC: what the speaker answers with.
    public var hardwareAddress: MACAddress { port.hardwareAddress }

    private let port: SpeakerPort
    /// The interface as the speaker sees it.
    private let interface: L2Interface
    private var speaker: Speaker
    /// Timers the speaker armed, in arming order.
    private var armed = ArmedTimers()
    private var follower: AnnounceFileFollower?
    /// The set from the followed file or standard input (the `--announce` set is added to it).
    private var followedSet: [IPAddress] = []
    private var announced: Set<IPAddress> = []
    private let inbox = Mailbox<Message>()

    /// What other threads post to the loop: captured frames, announce-set updates, stops.
    private enum Message {
        case frame(PcapRecord)
        case announceSet(Result<[IPAddress], AnnounceAddressError>)
        case stop
    }
    private let onEvent: @Sendable (LiveEvent) -> Void

    /// Checks permission and the interface, opens the capture and the pcap output. Nothing is
    /// sent until `run`.
    ///
    /// - Throws: `LiveError` saying what is missing: CAP_NET_RAW, the interface (or it is
    ///   down), a readable announce file with valid addresses, a writable pcap path.
    public init(
        configuration: LiveConfiguration,
        onEvent: @escaping @Sendable (LiveEvent) -> Void = { _ in }
    ) throws(LiveError) {
        self.configuration = configuration
        self.onEvent = onEvent
        // The announce file must be readable and valid at start; later bad edits are reported
        // and the previous set kept.
        if case .file(let path) = configuration.follow {
            var follower = AnnounceFileFollower(path: path)
            switch follower.poll() {
            case .changed(let set): followedSet = set
            case .unchanged: break
            case .rejected(let message):
                if FileManager.default.isReadableFile(atPath: path) {
                    // Parse again to hand back the typed error with its line.
                    let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
                    do { _ = try AnnounceAddress.parseSet(text, source: path) } catch { throw .badAddress(error) }
                }
                throw .announceFileUnreadable(message)
            }
            self.follower = follower
        }

        port = try SpeakerPort(
            interface: configuration.interface, promiscuous: Self.listensForNDP(configuration),
            pcapPath: configuration.pcapPath)
        self.interface = port.speakerInterface
        speaker = Self.makeSpeaker(interface: self.interface, version: configuration.version, start: 0)
    }

    /// The speaker process of an announcer-only run: this machine is its only node, and it
    /// answers on exactly the interface the user named.
    private static func makeSpeaker(
        interface: L2Interface, version: LiveVersion,
        start: Int64
    ) -> Speaker {
        let configuration = SpeakerConfiguration(
            node: Self.nodeName, address: IPv4Address(0, 0, 0, 0), interfaces: [interface],
            rules: version.rules, interfaceSelection: .given)
        return Speaker(
            configuration: configuration, generator: RandomStream(seed: .random(in: .min ... .max)), now: start)
    }

    /// The node name the announcer-only speaker runs as.
    static let nodeName = "live"

    /// Neighbor Solicitations go to solicited-node multicast groups, which a NIC's filter drops
    /// unless someone joined them (MetalLB joins per address through its ICMPv6 socket). The
    /// capture stands in for that socket, so it runs promiscuous whenever IPv6 addresses may be
    /// announced: given ones, or a followed set that may bring some.
    private static func listensForNDP(_ configuration: LiveConfiguration) -> Bool {
        configuration.promiscuous || configuration.follow != nil
            || configuration.announce.contains { if case .v6 = $0 { return true } else { return false } }
    }

    /// Asks a running `run` to stop (from any thread, e.g. a signal handler's queue).
    public func requestStop() { inbox.post(.stop) }

    /// Stops the run on SIGINT and SIGTERM. Keep the returned sources alive for the run.
    public func stopOnSignals() -> [DispatchSourceSignal] {
        onTerminationSignals { [weak self] in self?.requestStop() }
    }

    /// Runs until `requestStop`, a signal (after `stopOnSignals`), or the configured duration.
    /// On return the capture is stopped and the pcap is complete and closed.
    public func run() -> LiveSummary {
        let start = WallClock.monotonicNanoseconds()
        speaker = Self.makeSpeaker(interface: interface, version: configuration.version, start: start)
        armed = ArmedTimers()
        let deadline = configuration.durationNanoseconds.map { start + $0 }
        let inbox = self.inbox
        port.start { record in inbox.post(.frame(record)) }
        if configuration.follow == .standardInput {
            StandardInputFollower.start { result in inbox.post(.announceSet(result)) }
        }
        onEvent(.started(interface: configuration.interface, mac: hardwareAddress, version: configuration.version))
        apply(now: start)

        var nextPoll = start + configuration.pollIntervalNanoseconds
        var stopped = false
        while !stopped {
            let now = WallClock.monotonicNanoseconds()
            if let deadline, now >= deadline { break }
            var wake = min(nextPoll, deadline ?? .max)
            if let timer = armed.next { wake = min(wake, timer) }
            for message in inbox.wait(untilMonotonic: wake) {
                // After a stop, the rest of the batch is recorded, not answered.
                if stopped {
                    if case .frame(let record) = message { port.record(record) }
                    continue
                }
                switch message {
                case .stop:
                    stopped = true
                case .frame(let record):
                    received(record)
                case .announceSet(.success(let set)):
                    followedSet = set
                    apply(now: WallClock.monotonicNanoseconds())
                case .announceSet(.failure(let error)):
                    onEvent(.announceSetRejected(error.description))
                }
            }
            if stopped { break }
            let after = WallClock.monotonicNanoseconds()
            if after >= nextPoll {
                nextPoll = after + configuration.pollIntervalNanoseconds
                pollFile(now: after)
                if let message = port.readError {
                    onEvent(.captureFailed(message))
                    break
                }
            }
            fireDueTimers(now: after)
            port.flush()
        }
        // Frames captured before the stop are still recorded, not answered.
        return port.close(recording: inbox.drain().compactMap { if case .frame(let frame) = $0 { frame } else { nil } })
    }

    // MARK: the announce set

    private func pollFile(now: Int64) {
        guard var follower else { return }
        defer { self.follower = follower }
        switch follower.poll() {
        case .unchanged: return
        case .rejected(let message): onEvent(.announceSetRejected(message))
        case .changed(let set):
            followedSet = set
            apply(now: now)
        }
    }

    /// Brings the speaker in line with the wanted set: each address is a service of its own,
    /// delivered as the informers would deliver it; the speaker decides what that sends.
    private func apply(now: Int64) {
        let wanted = Set(configuration.announce).union(followedSet)
        for ip in announced.subtracting(wanted).sorted() {
            speaker.handleServices([(ip.description, nil)], now: now)
            onEvent(.withdrawn(ip))
            carryOut()
        }
        for ip in wanted.subtracting(announced).sorted() {
            onEvent(.announcing(ip))
            speaker.handleServices([(ip.description, Self.service(announcing: ip))], now: now)
            carryOut()
        }
        announced = wanted
    }

    /// A LoadBalancer service holding `ip` whose one ready endpoint is on this node: the
    /// speaker, the only candidate, wins its election under either version's rules.
    static func service(announcing ip: IPAddress) -> ServiceView {
        ServiceView(
            name: ip.description, isLoadBalancer: true, ingress: [ip], poolProtocol: .layer2,
            readyEndpointNodes: [nodeName], eligibleNodes: [nodeName])
    }

    /// Runs the speaker's timers that are due, earliest first.
    private func fireDueTimers(now: Int64) {
        while let timer = armed.popDue(now: now) {
            speaker.handleTimeout(timer.timer, now: now, armedFor: timer.at)
            carryOut()
        }
    }

    // MARK: frames

    private func received(_ record: PcapRecord) {
        // A frame the filter let through but that is not a whole Ethernet + ARP or ICMPv6 frame
        // is counted and dropped; the speaker would ignore it anyway.
        guard let decoded = port.received(record) else { return }
        let question: (IPAddress, MACAddress)
        switch decoded.payload {
        case .arp(let request): question = (.v4(request.targetProtocolAddress), request.senderHardwareAddress)
        case .ipv6NDP(_, let message):
            question = (.v6(message.target), message.sourceLinkLayerAddress ?? decoded.ethernet.source)
        case .ipv6Other, .ipv6TCP: return
        default:
            port.countMalformed()
            return
        }
        speaker.handleFrame(record.bytes, interface: 0, now: WallClock.monotonicNanoseconds())
        if carryOut().replies > 0 { onEvent(.answered(question.0, asker: question.1)) }
    }

    /// Carries out what the speaker produced: frames injected and recorded, rounds reported
    /// once each from the speaker's records, timers kept. Returns how many replies went out.
    @discardableResult
    private func carryOut() -> (replies: Int, gratuitous: Int) {
        var sent = (replies: 0, gratuitous: 0)
        while let output = speaker.poll() {
            switch output {
            case .transmit(let frame):
                if let failure = port.transmit(frame) {
                    onEvent(.sendFailed(failure))
                    continue
                }
                switch frame.purpose {
                case .gratuitous: sent.gratuitous += 1
                case .reply: sent.replies += 1
                }
            case .record(.gratuitousRound(let ip, _)):
                onEvent(.gratuitousRound(ip))
            case .record:
                break
            case .arm(let timer, let time):
                armed.arm(timer, at: time)
            case .datagram, .exited:
                // No memberlist and no signals in announcer-only mode.
                break
            }
        }
        return sent
    }
}
