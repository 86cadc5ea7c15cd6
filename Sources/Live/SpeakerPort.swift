import Dispatch
import Foundation
import Layer2
import Pcap
import Speaker
import Wire

/// A speaker's real interface, as both live drivers (`LiveSpeaker`, `LiveNode`) use it: the
/// checks before anything is opened (CAP_NET_RAW, the interface exists, is up and has a MAC),
/// the libpcap capture frames come in through, the injection frames go out through, the pcap
/// of everything seen and sent, and the counters of a run.
final class SpeakerPort: @unchecked Sendable {
    let name: String
    /// The interface's MAC: what the speaker answers with.
    let hardwareAddress: MACAddress
    private let capture: LiveCapture
    private var writer: PcapFileWriter?
    private(set) var summary = LiveSummary()

    /// Checks permission and the interface, and opens the capture (`arp or icmp6`, promiscuous
    /// when asked: the stand-in for MetalLB's solicited-node group joins) and the pcap.
    init(interface name: String, promiscuous: Bool, pcapPath: String?) throws(LiveError) {
        if CapturePermission.hasNetRaw() == false { throw .notPermitted(CapturePermission.missingMessage) }
        let interface: LiveInterface
        do {
            interface = try LiveInterface.lookup(name)
        } catch {
            throw .interfaceUnavailable(error.message)
        }
        guard interface.isUp else {
            throw .interfaceUnavailable(
                "interface \(interface.name) is down: bring it up with `ip link set \(interface.name) up`")
        }
        guard let bytes = interface.hardwareAddress, bytes.count == 6 else {
            throw .interfaceUnavailable("interface \(interface.name) has no Ethernet MAC address to answer with")
        }
        self.name = interface.name
        hardwareAddress = MACAddress(bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5])
        do {
            capture = try LiveCapture(
                interface: interface.name,
                options: LiveCapture.Options(filter: "arp or icmp6", promiscuous: promiscuous))
        } catch {
            throw .capture(error.description)
        }
        if let pcapPath {
            do { writer = try PcapFileWriter(path: pcapPath) } catch { throw .output(error.description) }
        }
    }

    /// The interface as the speaker sees it: its MAC and its real link-local address (NDP
    /// answers come from it; without one, IPv6 off, there is no NDP responder, as in MetalLB).
    var speakerInterface: L2Interface {
        L2Interface(name: name, hardwareAddress: hardwareAddress, linkLocal: .some(LinkLocalAddress.of(name)))
    }

    /// Starts capturing; `deliver` runs on the capture thread for every frame.
    func start(_ deliver: @escaping @Sendable (PcapRecord) -> Void) { capture.start(deliver) }

    /// Why capturing ended early, if it did (the interface went away).
    var readError: String? { capture.readError }

    /// A frame came in: counted and recorded. Returns whether it is a whole Ethernet frame the
    /// speaker should see (a truncated or undecodable one is counted as malformed).
    func received(_ record: PcapRecord) -> DecodedFrame? {
        summary.framesReceived += 1
        self.record(record)
        guard !record.isTruncated, let decoded = try? EthernetFrame.decode(record.bytes) else {
            summary.malformedFrames += 1
            return nil
        }
        return decoded
    }

    /// A frame the speaker could not use although it decoded: counted as malformed.
    func countMalformed() { summary.malformedFrames += 1 }

    /// Injects a speaker's frame, records it and counts it by purpose. Returns the failure to
    /// report, if it could not be sent.
    func transmit(_ frame: SpeakerFrame) -> String? {
        do {
            try capture.inject(frame.bytes)
        } catch {
            summary.sendErrors += 1
            return error.description
        }
        writer?.write(frame.bytes, timestampNanoseconds: WallClock.realtimeNanoseconds())
        switch frame.purpose {
        case .gratuitous: summary.gratuitousFramesSent += 1
        case .reply: summary.repliesSent += 1
        }
        return nil
    }

    func flush() { writer?.flush() }

    /// Stops capturing, records what was captured but not handled (`unhandled`), closes the
    /// pcap and returns the run's counters.
    func close(recording unhandled: [PcapRecord]) -> LiveSummary {
        capture.stop()
        for frame in unhandled { record(frame) }
        summary.kernelDropped = capture.kernelDropped
        summary.framesRecorded = writer?.framesWritten ?? 0
        writer?.close()
        return summary
    }

    /// Writes a captured frame to the pcap without handling it (one that came after the stop).
    func record(_ record: PcapRecord) {
        writer?.write(
            record.bytes, timestampNanoseconds: record.timestampNanoseconds, originalLength: record.originalLength)
    }
}

/// SIGINT and SIGTERM call `handler` (on a global queue) instead of ending the process. Keep
/// the returned sources alive for as long as the handling should last.
func onTerminationSignals(_ handler: @escaping @Sendable () -> Void) -> [DispatchSourceSignal] {
    [SIGINT, SIGTERM].map { number in
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler(handler: handler)
        source.resume()
        return source
    }
}
