#if os(Linux)
import Engine
import Foundation
import Glibc
import Pcap
@testable import Simulation
import Testing
import Wire

// The IPv6 half of the client model's differential test: Neighbor Advertisements sent raw from
// namespace A to the real kernel in B (its nd_tbl, net/ipv6/ndisc.c `ndisc_recv_na` over
// net/core/neighbour.c `__neigh_update`), and the same messages fed to Simulation's
// `NDNeighbourTable`. B's `ip -6 neigh` state and MAC must equal the model's after every case.

struct NDPDifferentialCase: CustomStringConvertible, Sendable {
    enum Start: Sendable {
        /// No entry for the address (an unsolicited NA must not create one).
        case noEntry
        /// An entry for M1 in this state, made just before the advertisements.
        case reachable, stale
    }

    /// One advertisement for the case's address, with a target link-layer option of `from`.
    struct Advertisement: Sendable {
        var delaySeconds: Double
        var from: MACAddress
        /// S: sent unicast to B in answer to a solicitation; otherwise to ff02::1.
        var solicited: Bool
        /// O: the sender asks to replace a cached link-layer address.
        var override: Bool
    }

    var name: String
    var start: Start
    var advertisements: [Advertisement]
    var description: String { name }
}

private let n1 = MACAddress(0x02, 0x00, 0x5e, 0x00, 0x06, 0x01)
private let n2 = MACAddress(0x02, 0x00, 0x5e, 0x00, 0x06, 0x02)
private let n3 = MACAddress(0x02, 0x00, 0x5e, 0x00, 0x06, 0x03)

let ndpDifferentialCases: [NDPDifferentialCase] = [
    .init(
        name: "MetalLB's unsolicited NA (O=1) from a new owner", start: .reachable,
        advertisements: [.init(delaySeconds: 0.05, from: n2, solicited: false, override: true)]),
    .init(
        name: "an unsolicited NA without override from another MAC", start: .reachable,
        advertisements: [.init(delaySeconds: 0.05, from: n2, solicited: false, override: false)]),
    .init(
        name: "MetalLB's solicited NA (S=1, O=0) from another MAC", start: .reachable,
        advertisements: [.init(delaySeconds: 0.05, from: n2, solicited: true, override: false)]),
    .init(
        name: "a solicited NA with override (S=1, O=1) from another MAC", start: .reachable,
        advertisements: [.init(delaySeconds: 0.05, from: n2, solicited: true, override: true)]),
    .init(
        name: "two overriding NAs 0.1 s apart (no locktime in NDP)", start: .reachable,
        advertisements: [
            .init(delaySeconds: 0.05, from: n2, solicited: false, override: true),
            .init(delaySeconds: 0.1, from: n3, solicited: false, override: true),
        ]),
    .init(
        name: "an unsolicited NA from the cached MAC", start: .reachable,
        advertisements: [.init(delaySeconds: 0.05, from: n1, solicited: false, override: true)]),
    .init(
        name: "an NA without override on a STALE entry", start: .stale,
        advertisements: [.init(delaySeconds: 0.05, from: n2, solicited: false, override: false)]),
    .init(
        name: "an unsolicited NA for an address with no entry", start: .noEntry,
        advertisements: [.init(delaySeconds: 0.05, from: n2, solicited: false, override: true)]),
]

@Suite("IPv6 client model next to the Linux kernel", .serialized, .enabled(if: LiveLab.isAvailable, LiveLab.skipReason))
struct NDPDifferentialTests {
    static let clientAddress = IPv6Address("2001:db8::2")!

    @Test(arguments: ndpDifferentialCases.indices)
    func kernelAndModelAgree(_ index: Int) throws {
        let testCase = ndpDifferentialCases[index]
        let lab = try Lab(ipv6: true)
        defer { lab.delete() }
        try lab.ip(["-n", lab.client, "-6", "addr", "add", "\(Self.clientAddress)/64", "dev", lab.bridge])
        let a = try lab.attach("a")
        let clientMAC = try lab.mac(lab.client, lab.bridge)
        let target = IPv6Address("2001:db8::1:\(20 + index)")!
        let device = a.device
        let injector = try inNamespace(a.namespace) { try LiveCapture(interface: device) }

        var model = NDNeighbourTable(parameters: NeighbourParameters(), random: RandomStream(seed: 1))
        let origin = WallClockReading()
        func modelTime() -> SimTime { SimTime(nanoseconds: 1_000_000_000 + origin.elapsedNanoseconds()) }
        func advertisement(from mac: MACAddress, solicited: Bool, override: Bool) -> NDPMessage {
            .neighborAdvertisement(
                router: false, solicited: solicited, override: override, target: target,
                options: [.targetLinkLayerAddress(mac)])
        }

        if testCase.start != .noEntry {
            let state = testCase.start == .reachable ? "reachable" : "stale"
            try lab.ip([
                "-n", lab.client, "-6", "neigh", "replace", target.description, "lladdr", n1.description,
                "dev", lab.bridge, "nud", state,
            ])
            // The model's way to the same entry: resolve, then a solicited answer (REACHABLE)
            // or an unsolicited one (STALE).
            var effects = NDNeighbourTable.Effects()
            let now = modelTime()
            _ = model.resolve(target, now: now, effects: &effects)
            model.advertisementReceived(
                advertisement(from: n1, solicited: testCase.start == .reachable, override: true),
                now: now, effects: &effects)
        }

        for step in testCase.advertisements {
            usleep(UInt32(step.delaySeconds * 1_000_000))
            let message = advertisement(from: step.from, solicited: step.solicited, override: step.override)
            // A solicited NA answers B: unicast to it (the kernel drops a multicast one).
            let frame = EthernetFrame.ndp(
                message, destination: step.solicited ? clientMAC : IPv6Address.allNodes.multicastMAC,
                source: step.from, ipSource: IPv6Address.linkLocal(for: step.from),
                ipDestination: step.solicited ? Self.clientAddress : .allNodes)
            try injector.inject(frame)
            var effects = NDNeighbourTable.Effects()
            model.advertisementReceived(message, now: modelTime(), effects: &effects)
        }
        usleep(100_000)
        let kernel = try lab.neighbour(target.description)
        let entry = model.entry(for: target)
        let modelMAC = entry?.state.isValid == true ? entry?.mac : nil
        let modelState = entry.map(\.state.rawValue)
        let kernelText = kernel.state.map { "\(kernel.mac?.description ?? "-") \($0)" } ?? "no entry"
        let modelText = modelState.map { "\(modelMAC?.description ?? "-") \($0)" } ?? "no entry"
        print("differential (NDP): \(testCase.name): kernel \(kernelText), model \(modelText)")
        #expect(
            kernel.mac == modelMAC && kernel.state == modelState,
            "\(testCase.name): kernel \(kernelText), model \(modelText)")
    }
}
#endif
