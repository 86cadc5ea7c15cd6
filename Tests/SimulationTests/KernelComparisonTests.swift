#if os(Linux)
import Dispatch
import Engine
import Foundation
import Glibc
import NamespaceLab
import Testing
import Wire
@testable import Simulation

// The NeighbourTable next to the real Linux neighbour cache: two network namespaces joined by
// a veth pair, addresses from 192.0.2.0/24 only. Namespace A is the client whose cache is
// read with `ip neigh`; frames are written raw into namespace B's end so they reach A exactly
// as built. The namespaces are created and deleted by each test. Needs root and iproute2.

private let kernelLabSkipReason: Comment =
    "compares with the real kernel in network namespaces: needs root and iproute2 (ip netns)"

/// A pair of namespaces `a` and `b` joined by veth `devA` <-> `devB`.
final class NamespacePair {
    let a: String
    let b: String
    let devA: String
    let devB: String
    private var created: [String] = []

    static let addressA = "192.0.2.1/24"
    static let addressB = "192.0.2.2/24"

    init() throws {
        let tag = "\(getpid() % 1_000_000)\(Int.random(in: 10...99))"
        a = "lbsim-\(tag)-a"
        b = "lbsim-\(tag)-b"
        devA = "lbs\(tag)a"
        devB = "lbs\(tag)b"
        do {
            for name in [a, b] {
                try ip(["netns", "add", name])
                created.append(name)
            }
            try ip(["-n", a, "link", "add", devA, "type", "veth", "peer", "name", devB, "netns", b])
            try ip(["-n", a, "link", "set", "lo", "up"])
            try ip(["-n", b, "link", "set", "lo", "up"])
            try ip(["-n", a, "addr", "add", NamespacePair.addressA, "dev", devA])
            try ip(["-n", b, "addr", "add", NamespacePair.addressB, "dev", devB])
            try ip(["-n", a, "link", "set", devA, "up"])
            try ip(["-n", b, "link", "set", devB, "up"])
        } catch {
            delete()
            throw error
        }
    }

    /// Deletes both namespaces (and with them the veth pair). Safe to call twice.
    func delete() {
        for name in created.reversed() { _ = try? run("ip", ["netns", "del", name]) }
        created = []
    }

    deinit { delete() }

    @discardableResult
    func ip(_ arguments: [String]) throws -> String { try run("ip", arguments) }

    @discardableResult
    func run(_ tool: String, _ arguments: [String]) throws -> String { try KernelLab.run(tool, arguments) }

    func sysctl(_ namespace: String, _ key: String, _ value: String) throws {
        try KernelLab.sysctl(namespace, key, value)
    }

    func macOfA() throws -> MACAddress { try KernelLab.mac(a, devA) }

    /// `ip neigh` in A for `address`: the MAC and the NUD state as `ip` prints it.
    func neighbour(_ address: IPv4Address) throws -> (mac: MACAddress?, state: String?) {
        try KernelLab.neighbour(a, address.description, device: devA)
    }

    /// Sends raw Ethernet frames out of B's end of the veth.
    func sendFromB(_ frames: [[UInt8]]) throws {
        let dev = devB
        try inNamespace(b) {
            let fd = socket(AF_PACKET, Int32(SOCK_RAW.rawValue), 0)
            guard fd >= 0 else { throw LabError(description: "AF_PACKET socket: errno \(errno)") }
            defer { close(fd) }
            let address = linkLayerAddress(interface: dev, protocol: 0)
            for frame in frames {
                let sent = address.withUnsafeBytes { raw in
                    sendto(
                        fd, frame, frame.count, 0, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self),
                        socklen_t(raw.count))
                }
                guard sent == frame.count else { throw LabError(description: "sendto: errno \(errno)") }
            }
        }
        // The frames are processed in A's softirq right away; give it a moment regardless.
        usleep(50_000)
    }

    /// Sends one UDP datagram from A to `address` (to make A resolve it).
    func udpFromA(to address: IPv4Address) throws { try KernelLab.sendUDP(from: a, to: address) }

    /// Captures ARP frames arriving on B's end for `seconds`, with monotonic timestamps in
    /// seconds. Runs `trigger` once the capture socket is open.
    func captureARPOnB(seconds: Double, trigger: () throws -> Void) throws -> [(time: Double, bytes: [UInt8])] {
        let dev = devB
        let namespace = b
        let ready = DispatchSemaphore(value: 0)
        let box = CaptureBox()
        let thread = Thread {
            do {
                try KernelLab.enterNamespace(namespace)
                do {
                    let fd = socket(AF_PACKET, Int32(SOCK_RAW.rawValue), Int32(UInt16(0x0806).bigEndian))
                    guard fd >= 0 else { throw LabError(description: "capture socket: errno \(errno)") }
                    defer { close(fd) }
                    let address = linkLayerAddress(interface: dev, protocol: 0x0806)
                    let bound = address.withUnsafeBytes { raw in
                        bind(fd, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(raw.count))
                    }
                    guard bound == 0 else { throw LabError(description: "bind: errno \(errno)") }
                    var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
                    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                    ready.signal()
                    let end = monotonicSeconds() + seconds
                    var buffer = [UInt8](repeating: 0, count: 2048)
                    while monotonicSeconds() < end {
                        let count = recv(fd, &buffer, buffer.count, 0)
                        if count > 0 { box.append((monotonicSeconds(), Array(buffer[0..<count]))) }
                    }
                }
            } catch {
                box.fail(error)
                ready.signal()
            }
            box.finish()
        }
        thread.start()
        ready.wait()
        try trigger()
        return try box.wait()
    }

    /// Runs `body` on a fresh thread that has entered namespace `name`; the thread ends with it.
    func inNamespace(_ name: String, _ body: @escaping @Sendable () throws -> Void) throws {
        try KernelLab.inNamespace(name, body)
    }
}

/// A `struct sockaddr_ll` (linux/if_packet.h, 20 bytes), which Swift's Glibc does not export:
/// family, protocol (network order), ifindex, hatype, pkttype, halen, addr[8].
private func linkLayerAddress(interface: String, protocol: UInt16) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: 20)
    withUnsafeBytes(of: UInt16(AF_PACKET)) { bytes.replaceSubrange(0..<2, with: $0) }
    withUnsafeBytes(of: `protocol`.bigEndian) { bytes.replaceSubrange(2..<4, with: $0) }
    withUnsafeBytes(of: Int32(if_nametoindex(interface))) { bytes.replaceSubrange(4..<8, with: $0) }
    bytes[11] = 6
    return bytes
}

private func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

/// Frames (or an error) handed from a worker thread back to the test.
private final class CaptureBox: @unchecked Sendable {
    private let lock = NSLock()
    private let done = DispatchSemaphore(value: 0)
    private var frames: [(time: Double, bytes: [UInt8])] = []
    private var error: Error?

    func append(_ frame: (Double, [UInt8])) {
        lock.lock()
        frames.append(frame)
        lock.unlock()
    }

    func fail(_ error: Error) {
        lock.lock()
        self.error = error
        lock.unlock()
    }

    func finish() { done.signal() }

    func wait() throws -> [(time: Double, bytes: [UInt8])] {
        done.wait()
        lock.lock()
        defer { lock.unlock() }
        if let error { throw error }
        return frames
    }
}

@Suite("NeighbourTable next to the Linux kernel", .serialized, .enabled(if: KernelLab.isAvailable, kernelLabSkipReason))
struct KernelComparisonTests {
    let m1 = MACAddress(0x02, 0x00, 0x00, 0x00, 0x00, 0xa1)
    let m2 = MACAddress(0x02, 0x00, 0x00, 0x00, 0x00, 0xa2)
    let clientAddress = IPv4Address(192, 0, 2, 1)

    // Kernel rules compared: arp_process computes override = time_after(now, updated +
    // locktime) || arp_is_garp(...); arp_is_garp accepts a request with sip == tip, but a reply
    // only when also tha == sha; a broadcast frame or a request updates to STALE. Locktime is
    // raised to 10 s in A (and in the model) so "inside locktime" does not depend on how fast
    // the test runs.
    @Test func gratuitousRulesMatchTheKernel() throws {
        let lab = try NamespacePair()
        defer { lab.delete() }
        try lab.sysctl(lab.a, "net/ipv4/neigh/\(lab.devA)/locktime", "1000")
        let macA = try lab.macOfA()

        var parameters = NeighbourParameters()
        parameters.locktime = .seconds(10)
        let vipOne = IPv4Address(192, 0, 2, 50)
        let vipTwo = IPv4Address(192, 0, 2, 51)

        func frame(_ packet: ARPPacket, to destination: MACAddress) -> [UInt8] {
            EthernetFrame.arp(packet, destination: destination, source: packet.senderHardwareAddress)
        }
        func modelState(_ driver: NeighbourDriver) -> (MACAddress?, String?) { (driver.mac, driver.state?.rawValue) }

        // A REACHABLE entry for .50 with M1, updated now.
        try lab.ip([
            "-n", lab.a, "neigh", "replace", vipOne.description, "lladdr", m1.description, "dev", lab.devA,
            "nud", "reachable",
        ])
        var one = NeighbourDriver(ip: vipOne, parameters: parameters)
        one.makeReachable(mac: m1, at: .seconds(1))
        var kernel = try lab.neighbour(vipOne)
        #expect(kernel.mac == m1 && kernel.state == "REACHABLE")

        // 1. MetalLB's gratuitous reply (tha ff:ff:ff:ff:ff:ff), broadcast, from M2.
        let metalLBReply = ARPPacket(
            operation: .reply, senderHardwareAddress: m2, senderProtocolAddress: vipOne,
            targetHardwareAddress: .broadcast, targetProtocolAddress: vipOne)
        try lab.sendFromB([frame(metalLBReply, to: .broadcast)])
        one.receive(metalLBReply, unicast: false, at: .ms(1_100))
        kernel = try lab.neighbour(vipOne)
        #expect(kernel.mac == m1 && kernel.state == "REACHABLE", "the kernel took MetalLB's reply form as gratuitous")
        #expect(kernel.mac == modelState(one).0 && kernel.state == modelState(one).1)

        // 2. An ordinary reply, unicast to A, from M2: not gratuitous, inside locktime.
        let ordinary = ARPPacket(
            operation: .reply, senderHardwareAddress: m2, senderProtocolAddress: vipOne,
            targetHardwareAddress: macA, targetProtocolAddress: clientAddress)
        try lab.sendFromB([frame(ordinary, to: macA)])
        one.receive(ordinary, unicast: true, at: .ms(1_200))
        kernel = try lab.neighbour(vipOne)
        #expect(kernel.mac == m1 && kernel.state == "REACHABLE")
        #expect(kernel.mac == modelState(one).0 && kernel.state == modelState(one).1)

        // 3. A reply with tha == sha (arping -A), broadcast: gratuitous, overrides, STALE.
        let arpingReply = ARPPacket(
            operation: .reply, senderHardwareAddress: m2, senderProtocolAddress: vipOne,
            targetHardwareAddress: m2, targetProtocolAddress: vipOne)
        try lab.sendFromB([frame(arpingReply, to: .broadcast)])
        one.receive(arpingReply, unicast: false, at: .ms(1_300))
        kernel = try lab.neighbour(vipOne)
        #expect(kernel.mac == m2 && kernel.state == "STALE")
        #expect(kernel.mac == modelState(one).0 && kernel.state == modelState(one).1)

        // 4. A gratuitous request (MetalLB's first frame of each round) on a fresh entry for .51.
        try lab.ip([
            "-n", lab.a, "neigh", "replace", vipTwo.description, "lladdr", m1.description, "dev", lab.devA,
            "nud", "reachable",
        ])
        var two = NeighbourDriver(ip: vipTwo, parameters: parameters)
        two.makeReachable(mac: m1, at: .seconds(1))
        let garp = ARPPacket(
            operation: .request, senderHardwareAddress: m2, senderProtocolAddress: vipTwo,
            targetHardwareAddress: .broadcast, targetProtocolAddress: vipTwo)
        try lab.sendFromB([frame(garp, to: .broadcast)])
        two.receive(garp, unicast: false, at: .ms(1_100))
        kernel = try lab.neighbour(vipTwo)
        #expect(kernel.mac == m2 && kernel.state == "STALE")
        #expect(kernel.mac == modelState(two).0 && kernel.state == modelState(two).1)
    }

    // Kernel rules compared: __neigh_event_send sends the first broadcast request at once;
    // neigh_timer_handler resends every retrans_time (1 s) until probes reach ucast + mcast,
    // then FAILED: three broadcasts, a second apart, FAILED about 3 s after the first.
    @Test func resolutionOfAnAbsentAddressMatchesTheKernel() throws {
        let lab = try NamespacePair()
        defer { lab.delete() }
        let absent = IPv4Address(192, 0, 2, 60)
        var triggeredAt = 0.0
        let frames = try lab.captureARPOnB(seconds: 4.5) {
            triggeredAt = monotonicSeconds()
            try lab.udpFromA(to: absent)
        }
        let requests = frames.filter { frame in
            guard let decoded = try? EthernetFrame.decode(frame.bytes), case .arp(let packet) = decoded.payload else {
                return false
            }
            return packet.operation == .request && packet.targetProtocolAddress == absent
                && decoded.ethernet.destination == .broadcast
        }
        let kernel = try lab.neighbour(absent)

        var driver = NeighbourDriver(ip: absent)
        driver.resolve(at: .seconds(1))
        driver.advance(to: .seconds(10))
        let modelGaps = zip(driver.sent.dropFirst(), driver.sent).map { ($0.time - $1.time).nanoseconds }

        #expect(requests.count == 3, "the kernel sent \(requests.count) broadcast requests")
        #expect(requests.count == driver.sent.count)
        #expect(driver.sent.allSatisfy { $0.solicitation.unicastTo == nil })
        #expect(modelGaps == [1_000_000_000, 1_000_000_000])
        if let first = requests.first {
            #expect(first.time - triggeredAt < 0.2, "the first request goes out at once")
        }
        for (later, earlier) in zip(requests.dropFirst(), requests) {
            let gap = later.time - earlier.time
            #expect(gap > 0.8 && gap < 1.3, "kernel retransmission gap \(gap) s, model 1 s")
        }
        #expect(kernel.state == "FAILED")
        #expect(driver.state == .failed)
    }

    // The kernel behaviour that unit tests elsewhere in this target expect and the model does
    // not (yet) show; checked here on the real kernel so those expectations rest on more than
    // a reading of the source. Each step names the unit test it backs.
    @Test func kernelFactsBehindTheFailingExpectations() throws {
        let lab = try NamespacePair()
        defer { lab.delete() }
        try lab.sysctl(lab.a, "net/ipv4/neigh/\(lab.devA)/locktime", "1000")
        let macA = try lab.macOfA()
        func frame(_ packet: ARPPacket, to destination: MACAddress) -> [UInt8] {
            EthernetFrame.arp(packet, destination: destination, source: packet.senderHardwareAddress)
        }

        // anARPRequestForTheClientsOwnAddressCreatesAStaleEntryForItsSender (neigh_event_ns
        // creates the entry, whatever arp_accept says)...
        let asker = IPv4Address(192, 0, 2, 70)
        let ask = ARPPacket(
            operation: .request, senderHardwareAddress: m2, senderProtocolAddress: asker,
            targetHardwareAddress: .zero, targetProtocolAddress: clientAddress)
        try lab.sendFromB([frame(ask, to: .broadcast)])
        var kernel = try lab.neighbour(asker)
        #expect(kernel.mac == m2 && kernel.state == "STALE")
        // ...anARPRequestForTheClientsOwnAddressOverridesInsideLocktime (and always overrides).
        let askAgain = ARPPacket(
            operation: .request, senderHardwareAddress: m1, senderProtocolAddress: asker,
            targetHardwareAddress: .zero, targetProtocolAddress: clientAddress)
        try lab.sendFromB([frame(askAgain, to: .broadcast)])
        kernel = try lab.neighbour(asker)
        #expect(kernel.mac == m1 && kernel.state == "STALE", "inside the 10 s locktime, yet replaced")

        // aQueuedProbeReleasedByABroadcastReplyLeavesTheEntryInDelay.
        let pending = IPv4Address(192, 0, 2, 61)
        try lab.udpFromA(to: pending)
        #expect(try lab.neighbour(pending).state == "INCOMPLETE")
        let broadcastAnswer = ARPPacket(
            operation: .reply, senderHardwareAddress: m2, senderProtocolAddress: pending,
            targetHardwareAddress: macA, targetProtocolAddress: clientAddress)
        try lab.sendFromB([frame(broadcastAnswer, to: .broadcast)])
        kernel = try lab.neighbour(pending)
        #expect(kernel.mac == m2 && kernel.state == "DELAY", "the queued datagram went out through the STALE entry")

        // zeroMulticastSolicitFailsAtOnceWithoutARequest.
        try lab.sysctl(lab.a, "net/ipv4/neigh/\(lab.devA)/mcast_solicit", "0")
        let silent = IPv4Address(192, 0, 2, 62)
        let requests = try lab.captureARPOnB(seconds: 1.5) { try lab.udpFromA(to: silent) }.filter { frame in
            guard case .arp(let packet)? = try? EthernetFrame.decode(frame.bytes).payload else { return false }
            return packet.targetProtocolAddress == silent
        }
        #expect(requests.isEmpty, "no request at all with mcast_solicit 0")
        #expect(try lab.neighbour(silent).state == "FAILED")
        try lab.sysctl(lab.a, "net/ipv4/neigh/\(lab.devA)/mcast_solicit", "3")

        // gratuitousARPCreatesAStaleEntryWithArpAcceptOn.
        try lab.sysctl(lab.a, "net/ipv4/conf/\(lab.devA)/arp_accept", "1")
        let announced = IPv4Address(192, 0, 2, 80)
        let garp = ARPPacket(
            operation: .request, senderHardwareAddress: m2, senderProtocolAddress: announced,
            targetHardwareAddress: .broadcast, targetProtocolAddress: announced)
        try lab.sendFromB([frame(garp, to: .broadcast)])
        kernel = try lab.neighbour(announced)
        #expect(kernel.mac == m2 && kernel.state == "STALE")

        // reachableLastsTheReachableTimeThenGoesStaleWhenUnused and its DELAY sibling: a REACHABLE
        // entry does leave REACHABLE once its reachable time is over (0.5 to 1.5 s here). It was
        // created (`used`) under 5 s ago, so neigh_timer_handler takes it to DELAY.
        try lab.sysctl(lab.a, "net/ipv4/neigh/\(lab.devA)/base_reachable_time_ms", "1000")
        let expiring = IPv4Address(192, 0, 2, 90)
        try lab.ip([
            "-n", lab.a, "neigh", "replace", expiring.description, "lladdr", m1.description, "dev", lab.devA,
            "nud", "reachable",
        ])
        usleep(2_500_000)
        kernel = try lab.neighbour(expiring)
        #expect(kernel.state == "DELAY", "REACHABLE ended after the reachable time, got \(kernel.state ?? "none")")
    }
}
#endif
