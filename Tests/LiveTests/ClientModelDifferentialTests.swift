#if os(Linux)
import Engine
import Foundation
import Glibc
import Pcap
@testable import Simulation
import Testing
import Wire

// The differential test of the simulator's Linux client model: each case is a sequence of ARP
// frames sent raw from namespace A (through Pcap's live inject, opened inside A) to the real
// kernel in B, and fed with the same relative timing to Simulation's NeighbourTable
// (`arpReceived`). B's `ip neigh` state and MAC must equal the model's after every case.

struct DifferentialCase: CustomStringConvertible, Sendable {
    enum Start: Sendable {
        /// No entry for the address (arp_accept 0 must not create one).
        case noEntry
        /// A REACHABLE entry for M1, made just before the frames.
        case reachable
    }

    struct Step: Sendable {
        /// Wait this long after the previous step (or the start) before sending.
        var delaySeconds: Double
        var frame: Frame
    }

    enum Frame: Sendable {
        /// A request with spa == tpa, tha broadcast, to ff:ff:ff:ff:ff:ff (MetalLB's first frame).
        case gratuitousRequest(from: MACAddress)
        /// A reply with spa == tpa and tha broadcast, to ff:ff:ff:ff:ff:ff (MetalLB's second frame).
        case gratuitousReplyBroadcastTarget(from: MACAddress)
        /// A reply with spa == tpa and tha == sha, to ff:ff:ff:ff:ff:ff (arping -A, keepalived).
        case gratuitousReplyTargetIsSender(from: MACAddress)
        /// An ordinary reply to B (tpa B's address, tha B's MAC), unicast to B.
        case unicastReply(from: MACAddress)
    }

    var name: String
    var start: Start
    var steps: [Step]
    var description: String { name }
}

let m1 = MACAddress(0x02, 0x00, 0x5e, 0x00, 0x00, 0x01)
let m2 = MACAddress(0x02, 0x00, 0x5e, 0x00, 0x00, 0x02)
let m3 = MACAddress(0x02, 0x00, 0x5e, 0x00, 0x00, 0x03)

let differentialCases: [DifferentialCase] = [
    .init(
        name: "a gratuitous request", start: .reachable,
        steps: [.init(delaySeconds: 0.05, frame: .gratuitousRequest(from: m2))]),
    .init(
        name: "a gratuitous reply with broadcast target MAC", start: .reachable,
        steps: [.init(delaySeconds: 0.05, frame: .gratuitousReplyBroadcastTarget(from: m2))]),
    .init(
        name: "a reply with target MAC equal to sender", start: .reachable,
        steps: [.init(delaySeconds: 0.05, frame: .gratuitousReplyTargetIsSender(from: m2))]),
    .init(
        name: "a second update inside locktime (ordinary reply after a gratuitous request)", start: .reachable,
        steps: [
            .init(delaySeconds: 0.05, frame: .gratuitousRequest(from: m2)),
            .init(delaySeconds: 0.1, frame: .unicastReply(from: m3)),
        ]),
    .init(
        name: "a second gratuitous update inside locktime", start: .reachable,
        steps: [
            .init(delaySeconds: 0.05, frame: .gratuitousRequest(from: m2)),
            .init(delaySeconds: 0.1, frame: .gratuitousRequest(from: m3)),
        ]),
    .init(
        name: "an update after locktime (ordinary reply 1.5 s after a gratuitous request)", start: .reachable,
        steps: [
            .init(delaySeconds: 0.05, frame: .gratuitousRequest(from: m2)),
            .init(delaySeconds: 1.5, frame: .unicastReply(from: m3)),
        ]),
    .init(
        name: "MetalLB's broadcast reply after locktime", start: .reachable,
        steps: [.init(delaySeconds: 1.5, frame: .gratuitousReplyBroadcastTarget(from: m2))]),
    .init(
        name: "a gratuitous request for an IP with no entry", start: .noEntry,
        steps: [.init(delaySeconds: 0.05, frame: .gratuitousRequest(from: m2))]),
    .init(
        name: "a gratuitous reply (tha == sha) for an IP with no entry", start: .noEntry,
        steps: [.init(delaySeconds: 0.05, frame: .gratuitousReplyTargetIsSender(from: m2))]),
]

@Suite("Client model next to the Linux kernel", .serialized, .enabled(if: LiveLab.isAvailable, LiveLab.skipReason))
struct ClientModelDifferentialTests {
    @Test(arguments: differentialCases.indices)
    func kernelAndModelAgree(_ index: Int) throws {
        let testCase = differentialCases[index]
        let lab = try Lab()
        defer { lab.delete() }
        let a = try lab.attach("a", address: "192.0.2.1/24")
        let clientMAC = try lab.mac(lab.client, lab.bridge)
        let clientIP = IPv4Address(192, 0, 2, 2)
        let ip = IPv4Address(192, 0, 2, UInt8(20 + index))
        // Pcap's live handle, opened inside A: its packet socket stays in A's namespace.
        let device = a.device
        let injector = try inNamespace(a.namespace) { try LiveCapture(interface: device) }

        var model = NeighbourTable(parameters: NeighbourParameters(), random: RandomStream(seed: 1))
        let origin = WallClockReading()
        func modelTime() -> SimTime { SimTime(nanoseconds: 1_000_000_000 + origin.elapsedNanoseconds()) }

        if testCase.start == .reachable {
            try lab.ip([
                "-n", lab.client, "neigh", "replace", ip.description, "lladdr", m1.description,
                "dev", lab.bridge, "nud", "reachable",
            ])
            // The model's way to a REACHABLE entry: resolve, then a unicast reply.
            var effects = NeighbourTable.Effects()
            let now = modelTime()
            _ = model.resolve(ip, now: now, effects: &effects)
            model.arpReceived(
                ARPPacket(
                    operation: .reply, senderHardwareAddress: m1, senderProtocolAddress: ip,
                    targetHardwareAddress: clientMAC, targetProtocolAddress: clientIP),
                unicastToUs: true, now: now, effects: &effects)
        }

        for step in testCase.steps {
            usleep(UInt32(step.delaySeconds * 1_000_000))
            let (packet, destination) = build(step.frame, ip: ip, clientIP: clientIP, clientMAC: clientMAC)
            try injector.inject(
                EthernetFrame.arp(packet, destination: destination, source: packet.senderHardwareAddress))
            var effects = NeighbourTable.Effects()
            model.arpReceived(packet, unicastToUs: destination == clientMAC, now: modelTime(), effects: &effects)
        }
        usleep(100_000)
        let kernel = try lab.neighbour(ip.description)
        let entry = model.entry(for: ip)
        // The model has no NONE state: an entry it never created reads as no entry at all.
        let modelMAC = entry?.state.isValid == true ? entry?.mac : nil
        let modelState = entry.map(\.state.rawValue)
        let kernelText = kernel.state.map { "\(kernel.mac?.description ?? "-") \($0)" } ?? "no entry"
        let modelText = modelState.map { "\(modelMAC?.description ?? "-") \($0)" } ?? "no entry"
        print("differential: \(testCase.name): kernel \(kernelText), model \(modelText)")
        #expect(
            kernel.mac == modelMAC && kernel.state == modelState,
            "\(testCase.name): kernel \(kernelText), model \(modelText)")
    }

    private func build(
        _ frame: DifferentialCase.Frame, ip: IPv4Address, clientIP: IPv4Address,
        clientMAC: MACAddress
    ) -> (ARPPacket, MACAddress) {
        switch frame {
        case .gratuitousRequest(let mac):
            return (
                ARPPacket(
                    operation: .request, senderHardwareAddress: mac, senderProtocolAddress: ip,
                    targetHardwareAddress: .broadcast, targetProtocolAddress: ip), .broadcast
            )
        case .gratuitousReplyBroadcastTarget(let mac):
            return (
                ARPPacket(
                    operation: .reply, senderHardwareAddress: mac, senderProtocolAddress: ip,
                    targetHardwareAddress: .broadcast, targetProtocolAddress: ip), .broadcast
            )
        case .gratuitousReplyTargetIsSender(let mac):
            return (
                ARPPacket(
                    operation: .reply, senderHardwareAddress: mac, senderProtocolAddress: ip,
                    targetHardwareAddress: mac, targetProtocolAddress: ip), .broadcast
            )
        case .unicastReply(let mac):
            return (
                ARPPacket(
                    operation: .reply, senderHardwareAddress: mac, senderProtocolAddress: ip,
                    targetHardwareAddress: clientMAC, targetProtocolAddress: clientIP), clientMAC
            )
        }
    }
}

extension DifferentialCase.Start: Equatable {}

/// Monotonic time since this value was made, for feeding the model the kernel's timing.
struct WallClockReading {
    private let start = DispatchTime.now().uptimeNanoseconds
    func elapsedNanoseconds() -> Int64 { Int64(DispatchTime.now().uptimeNanoseconds - start) }
}
#endif
