#if os(Linux)
import Dispatch
import Engine
import Foundation
import Layer2
import Membership
import OrderedCollections
import Pcap
import Speaker
import Wire

/// One node of a MetalLB-like cluster on real interfaces: the whole `Speaker` (the same
/// process the simulator runs on every node) with memberlist on real UDP and TCP sockets and
/// its responders on a libpcap capture (`sim live --scenario FILE --node NAME`).
///
/// The speaker's configuration and its informers' services come from a scenario
/// (`LiveScenarioView` in Scenario: the simulated cluster settles, then its API state is read);
/// the API view is static. Several instances in network namespaces, one per node of the
/// scenario, find each other through memberlist, elect one announcer per service, and hand an
/// address over when a process dies, with real gratuitous ARP to real kernels.
///
/// The driver only moves things between the world and the speaker, as `LiveSpeaker` does:
/// captured frames to `handleFrame`, datagrams and streams from `MemberlistTransport` to
/// `handleDatagram`/`handleStream`, its outputs carried out in order, its timers kept on
/// CLOCK_MONOTONIC. SIGTERM or SIGINT is the pod's graceful stop: memberlist leaves first.
public final class LiveNode: @unchecked Sendable {
    /// What the node runs with.
    public struct Configuration: Sendable {
        /// The interface to answer on; it must carry the node's address.
        public var interface: String
        /// The speaker as the scenario configures node NAME (its interfaces are replaced by
        /// `interface`).
        public var speaker: SpeakerConfiguration
        /// The services its informers list.
        public var services: [(String, ServiceView)]
        public var pcapPath: String?
        /// Stop after this many nanoseconds (nil: until a signal).
        public var durationNanoseconds: Int64?
        /// Re-read the scenario on change (`--watch`); nil: the API view is static.
        public var watch: ScenarioWatch?

        public init(
            interface: String, speaker: SpeakerConfiguration, services: [(String, ServiceView)],
            pcapPath: String? = nil, durationNanoseconds: Int64? = nil, watch: ScenarioWatch? = nil
        ) {
            self.interface = interface
            self.speaker = speaker
            self.services = services
            self.pcapPath = pcapPath
            self.durationNanoseconds = durationNanoseconds
            self.watch = watch
        }
    }

    public let configuration: Configuration
    /// The interface's MAC: what the speaker answers with.
    public var hardwareAddress: MACAddress { port.hardwareAddress }
    private let port: SpeakerPort
    private var transport: MemberlistTransport?
    private var speaker: Speaker?
    private var speakerConfiguration: SpeakerConfiguration
    private var armed = ArmedTimers()
    private let inbox = Mailbox<Message>()
    private let onEvent: @Sendable (LiveEvent) -> Void

    private enum Message {
        case frame(PcapRecord)
        case memberlist(MemberlistTransport.Arrival)
        case terminate
    }

    /// Checks permission and the interface, binds memberlist's sockets on the node's address,
    /// opens the capture and the pcap. Nothing is sent until `run`.
    public init(configuration: Configuration, onEvent: @escaping @Sendable (LiveEvent) -> Void = { _ in })
        throws(LiveError)
    {
        self.configuration = configuration
        self.onEvent = onEvent
        let wantsNDP = configuration.services.contains {
            $0.1.ingress.contains { if case .v6 = $0 { true } else { false } }
        }
        port = try SpeakerPort(
            interface: configuration.interface, promiscuous: wantsNDP, pcapPath: configuration.pcapPath)
        var process = configuration.speaker
        process.interfaces = [port.speakerInterface]
        process.interfaceSelection = .given
        // On a real network memberlist runs with DefaultLANConfig exactly: compression on.
        process.membership?.enableCompression = true
        speakerConfiguration = process
        if let membership = process.membership {
            let inbox = self.inbox
            do {
                transport = try MemberlistTransport(
                    address: process.address, port: process.memberlistPort,
                    config: membership
                ) { inbox.post(.memberlist($0)) }
            } catch {
                throw .interfaceUnavailable(
                    "memberlist cannot bind \(process.address):\(process.memberlistPort): \(error.description) "
                        + "(node \(process.node)'s address must be on \(port.name))")
            }
        }
    }

    /// Asks a running `run` for the graceful stop (from any thread).
    public func requestStop() { inbox.post(.terminate) }

    /// SIGINT and SIGTERM start the graceful stop. Keep the returned sources alive for the run.
    public func stopOnSignals() -> [DispatchSourceSignal] {
        onTerminationSignals { [weak self] in self?.requestStop() }
    }

    /// Runs until the speaker has exited (after a signal or the duration) and returns the
    /// counters. The capture, the sockets and the pcap are closed on return.
    public func run() -> LiveSummary {
        let start = WallClock.monotonicNanoseconds()
        let deadline = configuration.durationNanoseconds.map { start + $0 }
        let inbox = self.inbox
        port.start { record in inbox.post(.frame(record)) }
        transport?.start()
        onEvent(
            .started(
                interface: configuration.interface, mac: hardwareAddress,
                version: speakerConfiguration.rules == .v0_9_4 ? .v0_9_4 : .current))
        // The informers list the scenario's services when they sync; memberlist joins then too.
        var informer = OrderedDictionary<String, ServiceView>()
        for (key, view) in configuration.services { informer[key] = view }
        speaker = Speaker(
            configuration: speakerConfiguration,
            generator: RandomStream(seed: .random(in: .min ... .max)), now: start,
            informer: informer, resyncWhenInformersSync: true)
        carryOut(now: start)
        var terminated = false
        var watched = configuration.watch.map { FileChangeDetector(path: $0.path) }
        var services = configuration.services
        var nextWatch = start + ScenarioWatch.pollInterval
        while speaker != nil {
            let now = WallClock.monotonicNanoseconds()
            if !terminated, let deadline, now >= deadline {
                terminated = true
                drive { $0.terminate(graceful: true, now: $1) }
                continue
            }
            var wake = now + 100_000_000  // also the --watch poll's granularity
            if let timer = armed.next { wake = min(wake, timer) }
            if !terminated, let deadline { wake = min(wake, deadline) }
            for message in inbox.wait(untilMonotonic: wake) {
                // Once the process has exited, what is left is wound up, not handled.
                guard speaker != nil else {
                    windUp(message)
                    continue
                }
                switch message {
                case .frame(let record):
                    received(record)
                case .memberlist(let arrival):
                    arrived(arrival)
                case .terminate:
                    terminated = true
                    drive { $0.terminate(graceful: true, now: $1) }
                }
            }
            fireDueTimers()
            if let watch = configuration.watch, !terminated, WallClock.monotonicNanoseconds() >= nextWatch {
                nextWatch = WallClock.monotonicNanoseconds() + ScenarioWatch.pollInterval
                if watched?.changed() == true {
                    switch watch.reload() {
                    case .success(let reloaded):
                        let changes = ScenarioWatch.changes(from: services, to: reloaded)
                        services = reloaded
                        onEvent(.scenarioReloaded(changedServices: changes.count))
                        if !changes.isEmpty { drive { $0.handleServices(changes, now: $1) } }
                    case .failure(let error):
                        onEvent(.scenarioRejected(error.message))
                    }
                }
            }
            if let message = port.readError {
                onEvent(.captureFailed(message))
                break
            }
            port.flush()
        }
        transport?.stop()
        let leftover = inbox.drain()
        for message in leftover { windUp(message) }
        return port.close(recording: [])
    }

    /// A message that came after the process exited: a captured frame is still recorded; a
    /// connection waiting for its reply gets none at once (its thread closes it), rather than
    /// waiting out memberlist's TCP timeout.
    private func windUp(_ message: Message) {
        switch message {
        case .frame(let record): port.record(record)
        case .memberlist(.incoming(_, _, _, let reply)): reply.put(nil)
        case .memberlist, .terminate: break
        }
    }

    // MARK: events in

    private func drive(_ body: (inout Speaker, Int64) -> Void) {
        guard speaker != nil else { return }
        let now = WallClock.monotonicNanoseconds()
        body(&speaker!, now)
        carryOut(now: now)
    }

    private func received(_ record: PcapRecord) {
        guard port.received(record) != nil else { return }
        drive { $0.handleFrame(record.bytes, interface: 0, now: $1) }
    }

    private func arrived(_ arrival: MemberlistTransport.Arrival) {
        switch arrival {
        case .datagram(let payload, let from, let port):
            drive { $0.handleDatagram(payload, from: from, port: port, now: $1) }
        case .incoming(let message, let from, let port, let reply):
            var answer: [UInt8]?
            drive { answer = $0.handleStream(message, from: from, port: port, dialed: false, now: $1) }
            reply.put(answer)
        case .answer(let message, let from, let port):
            drive { _ = $0.handleStream(message, from: from, port: port, dialed: true, now: $1) }
        case .failed(let reason):
            onEvent(.memberlistProblem(reason))
        }
    }

    private func fireDueTimers() {
        let now = WallClock.monotonicNanoseconds()
        while speaker != nil, let timer = armed.popDue(now: now) {
            speaker!.handleTimeout(timer.timer, now: now, armedFor: timer.at)
            carryOut(now: now)
        }
    }

    // MARK: outputs

    /// Carries out what the speaker produced, in order.
    private func carryOut(now: Int64) {
        while let output = speaker?.poll() {
            switch output {
            case .transmit(let frame):
                if let failure = port.transmit(frame) { onEvent(.sendFailed(failure)) }
            case .datagram(let datagram):
                if let failure = transport?.send(datagram) { onEvent(.sendFailed(failure)) }
            case .record(let record):
                switch record {
                case .startedAnnouncing(let ip): onEvent(.announcing(ip))
                case .stoppedAnnouncing(let ip): onEvent(.withdrawn(ip))
                case .gratuitousRound(let ip, _): onEvent(.gratuitousRound(ip))
                case .member(let event): onEvent(.member(event))
                case .announceFailed(let failure): onEvent(.announceFailed(failure))
                // `sim live` takes its pools from the scenario and never delivers a ConfigMap,
                // and answers on the interface it was given, which it never scans again.
                case .configRefused, .responder: break
                }
            case .arm(let timer, let time):
                armed.arm(timer, at: time)
            case .exited:
                speaker = nil
            }
        }
    }
}
#endif
