import Testing
import Wire

@testable import Layer2

let eth0 = L2Interface(name: "eth0", hardwareAddress: mac("52:54:00:aa:00:01"))
let eth1 = L2Interface(name: "eth1", hardwareAddress: mac("52:54:00:bb:00:02"))
let vip = ip("10.200.200.120")

/// Checks that `frames` are exactly one gratuitous round for `address` (METALLB-SEMANTICS.md
/// section 4): per interface, in interface order, an ARP request then an ARP reply, both to
/// the Ethernet broadcast address from the interface's MAC, with sender hardware address the
/// interface MAC, sender and target protocol address the VIP, and target hardware address
/// broadcast.
func expectGratuitousRound(
    _ frames: [OutgoingFrame], for address: IPv4Address, on interfaces: [L2Interface],
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    #expect(frames.count == 2 * interfaces.count, "frames in one round", sourceLocation: sourceLocation)
    guard frames.count == 2 * interfaces.count else { return }
    for (index, interface) in interfaces.enumerated() {
        for (offset, operation) in [ARPOperation.request, .reply].enumerated() {
            let frame = frames[2 * index + offset]
            #expect(frame.interface == index, sourceLocation: sourceLocation)
            let parsed = try parseARPFrame(frame.bytes)
            #expect(parsed.ethernet.destination == .broadcast, sourceLocation: sourceLocation)
            #expect(parsed.ethernet.source == interface.hardwareAddress, sourceLocation: sourceLocation)
            #expect(parsed.ethernet.etherType == .arp, sourceLocation: sourceLocation)
            #expect(parsed.arp.hardwareType == 1, sourceLocation: sourceLocation)
            #expect(parsed.arp.protocolType == 0x0800, sourceLocation: sourceLocation)
            #expect(parsed.arp.hardwareLength == 6, sourceLocation: sourceLocation)
            #expect(parsed.arp.protocolLength == 4, sourceLocation: sourceLocation)
            #expect(parsed.arp.operation == operation, sourceLocation: sourceLocation)
            #expect(parsed.arp.senderHardwareAddress == interface.hardwareAddress, sourceLocation: sourceLocation)
            #expect(parsed.arp.senderProtocolAddress == address, sourceLocation: sourceLocation)
            #expect(parsed.arp.targetHardwareAddress == .broadcast, sourceLocation: sourceLocation)
            #expect(parsed.arp.targetProtocolAddress == address, sourceLocation: sourceLocation)
            #expect(parsed.length == 60, "padded to the Ethernet minimum", sourceLocation: sourceLocation)
        }
    }
}

/// The gratuitous rounds sent on taking over an address (METALLB-SEMANTICS.md section 4):
/// one round at once, then one per tick of a 1.1 s ticker while the address's window (5 s
/// after the last SetBalancer) is open.
@Suite("Announcer gratuitous schedule")
struct AnnouncerScheduleTests {
    // MARK: current: the ticker restarts when a window opens on an empty map.

    @Test("current: setBalancer sends one round at once: ARP request then reply, every field checked")
    func currentImmediateRound() throws {
        var announcer = Announcer(interfaces: [eth0], schedule: .current)
        let frames = announcer.setBalancer(service: "default/nginx", ip: vip, now: ns("7.25"))
        try expectGratuitousRound(frames, for: vip, on: [eth0])
        #expect(announcer.isAnnouncing(vip))
        #expect(announcer.isAnnouncing(service: "default/nginx"))
    }

    @Test("current: rounds at t, t+1.1, t+2.2, t+3.3, t+4.4 s: exactly five")
    func currentFiveRounds() throws {
        let t = ns("7.25")
        var announcer = Announcer(interfaces: [eth0], schedule: .current)
        let first = announcer.setBalancer(service: "default/nginx", ip: vip, now: t)
        #expect(announcer.nextWakeup == t + tick)
        let (rounds, _) = announcer.runTicker()
        #expect(rounds.map(\.time) == [t + tick, t + 2 * tick, t + 3 * tick, t + 4 * tick])
        for round in rounds { try expectGratuitousRound(round.frames, for: vip, on: [eth0]) }
        #expect(1 + rounds.count == 5)
        #expect(!first.isEmpty)
    }

    @Test("current: nothing at t+5.5 s (the window closed at t+5), and no wake-up afterwards")
    func currentWindowCloses() {
        let t = ns("7.25")
        var announcer = Announcer(interfaces: [eth0], schedule: .current)
        _ = announcer.setBalancer(service: "default/nginx", ip: vip, now: t)
        for k in Int64(1)...4 {
            #expect(announcer.nextWakeup == t + k * tick)
            #expect(announcer.tick(now: t + k * tick).count == 2)
        }
        #expect(announcer.nextWakeup == t + 5 * tick)
        #expect(announcer.tick(now: t + 5 * tick).isEmpty)
        #expect(announcer.nextWakeup == nil)
        // Still answering: the window is about gratuitous rounds, not ownership.
        #expect(announcer.isAnnouncing(vip))
    }

    @Test("current: tick before the wake-up time sends nothing and keeps the wake-up")
    func earlyTickDoesNothing() {
        var announcer = Announcer(interfaces: [eth0], schedule: .current)
        _ = announcer.setBalancer(service: "default/nginx", ip: vip, now: 0)
        #expect(announcer.tick(now: tick - 1).isEmpty)
        #expect(announcer.nextWakeup == tick)
        #expect(announcer.tick(now: tick).count == 2)
    }

    @Test("current: the ticker restarts from the next window opened on an empty map")
    func currentTickerRestarts() {
        var announcer = Announcer(interfaces: [eth0], schedule: .current)
        _ = announcer.setBalancer(service: "default/a", ip: vip, now: 0)
        _ = announcer.runTicker()
        #expect(announcer.nextWakeup == nil)
        let other = ip("10.200.200.121")
        let t = ns("7.0")
        #expect(announcer.setBalancer(service: "default/b", ip: other, now: t).count == 2)
        #expect(announcer.nextWakeup == t + tick)
        let (rounds, _) = announcer.runTicker()
        #expect(rounds.map(\.time) == [t + tick, t + 2 * tick, t + 3 * tick, t + 4 * tick])
    }

    // MARK: v0.9.4: the ticker runs freely from the speaker's start.

    struct FreeRunningCase: Sendable, CustomTestStringConvertible {
        var epoch: String
        var setAt: String
        var rounds: [String]
        var testDescription: String { "epoch \(epoch), setBalancer at \(setAt): \(rounds.count) rounds" }
    }

    static let freeRunning: [FreeRunningCase] = [
        FreeRunningCase(epoch: "0", setAt: "0.005", rounds: ["0.005", "1.1", "2.2", "3.3", "4.4"]),
        FreeRunningCase(epoch: "0", setAt: "21.505", rounds: ["21.505", "22.0", "23.1", "24.2", "25.3", "26.4"]),
        FreeRunningCase(epoch: "0.3", setAt: "10.0", rounds: ["10.0", "10.2", "11.3", "12.4", "13.5", "14.6"]),
        FreeRunningCase(epoch: "2", setAt: "2.95", rounds: ["2.95", "3.1", "4.2", "5.3", "6.4", "7.5"]),
        FreeRunningCase(epoch: "2", setAt: "3.0", rounds: ["3.0", "3.1", "4.2", "5.3", "6.4", "7.5"]),
        FreeRunningCase(epoch: "2", setAt: "3.15", rounds: ["3.15", "4.2", "5.3", "6.4", "7.5"]),
    ]

    @Test("v0.9.4: the free-running ticker gives 5 or 6 rounds depending on its phase", arguments: freeRunning)
    func freeRunningRounds(c: FreeRunningCase) throws {
        var announcer = Announcer(interfaces: [eth0], schedule: .v0_9_4(speakerStart: ns(c.epoch)))
        let first = announcer.setBalancer(service: "default/nginx", ip: vip, now: ns(c.setAt))
        try expectGratuitousRound(first, for: vip, on: [eth0])
        let (rounds, _) = announcer.runTicker()
        for round in rounds { try expectGratuitousRound(round.frames, for: vip, on: [eth0]) }
        #expect([ns(c.setAt)] + rounds.map(\.time) == c.rounds.map(ns))
        #expect(announcer.nextWakeup == nil)
    }

    @Test("v0.9.4: setBalancer at 0.005 s after a start at 0: five rounds")
    func freeRunningFive() {
        var announcer = Announcer(interfaces: [eth0], schedule: .v0_9_4(speakerStart: 0))
        _ = announcer.setBalancer(service: "default/nginx", ip: vip, now: ns("0.005"))
        #expect(1 + announcer.runTicker().rounds.count == 5)
    }

    @Test("v0.9.4: setBalancer at 21.505 s after a start at 0: six rounds")
    func freeRunningSix() {
        var announcer = Announcer(interfaces: [eth0], schedule: .v0_9_4(speakerStart: 0))
        _ = announcer.setBalancer(service: "default/nginx", ip: vip, now: ns("21.505"))
        #expect(1 + announcer.runTicker().rounds.count == 6)
    }

    @Test("v0.9.4: after the first round the gaps are exactly 1.1 s, on the speaker's phase")
    func freeRunningGaps() {
        let epoch = ns("0.123456789")
        for setAt in stride(from: Int64(20 * second), to: 22 * second, by: 97_000_000) {
            var announcer = Announcer(interfaces: [eth0], schedule: .v0_9_4(speakerStart: epoch))
            _ = announcer.setBalancer(service: "default/nginx", ip: vip, now: setAt)
            let times = announcer.runTicker().rounds.map(\.time)
            #expect((4...5).contains(times.count), "setBalancer at \(setAt)")
            #expect(zip(times, times.dropFirst()).allSatisfy { $1 - $0 == tick })
            #expect(times.allSatisfy { ($0 - epoch) % tick == 0 }, "ticks on the speaker's phase")
            if let firstTick = times.first { #expect(firstTick > setAt && firstTick - setAt <= tick) }
            if let lastTick = times.last { #expect(lastTick <= setAt + 5 * second) }
        }
    }

    @Test("v0.9.4: the ticker keeps its phase across windows")
    func freeRunningKeepsPhase() {
        var announcer = Announcer(interfaces: [eth0], schedule: .v0_9_4(speakerStart: 0))
        _ = announcer.setBalancer(service: "default/a", ip: vip, now: 0)
        _ = announcer.runTicker()
        _ = announcer.setBalancer(service: "default/b", ip: ip("10.200.200.121"), now: ns("7.0"))
        // current would restart at 8.1; v0.9.4's ticker still beats at multiples of 1.1 s.
        #expect(announcer.nextWakeup == ns("7.7"))
    }

    // MARK: Re-applying, losing, sharing.

    @Test("a second setBalancer during the window extends it to now+5 s without an immediate round")
    func secondSetBalancerExtendsWindow() {
        let t: Int64 = 0
        var announcer = Announcer(interfaces: [eth0], schedule: .current)
        #expect(announcer.setBalancer(service: "default/nginx", ip: vip, now: t).count == 2)
        #expect(announcer.tick(now: tick).count == 2)
        #expect(announcer.tick(now: 2 * tick).count == 2)
        // A resync at 3 s: no round now, the window now ends at 8 s.
        #expect(announcer.setBalancer(service: "default/nginx", ip: vip, now: 3 * second).isEmpty)
        let (rounds, silent) = announcer.runTicker()
        #expect(rounds.map(\.time) == (3...7).map { Int64($0) * tick })
        #expect(silent == [8 * tick])
        #expect(announcer.nextWakeup == nil)
    }

    @Test("a setBalancer after the window closed sends an immediate round again")
    func setBalancerAfterWindowRoundsAgain() throws {
        var announcer = Announcer(interfaces: [eth0], schedule: .current)
        _ = announcer.setBalancer(service: "default/nginx", ip: vip, now: 0)
        _ = announcer.runTicker()
        try expectGratuitousRound(
            announcer.setBalancer(service: "default/nginx", ip: vip, now: 30 * second),
            for: vip, on: [eth0])
        #expect(announcer.runTicker().rounds.count == 4)
    }

    @Test("a round is skipped once the address is no longer announced (deleteBalancer during the window)")
    func roundSkippedAfterDelete() {
        var announcer = Announcer(interfaces: [eth0], schedule: .current)
        _ = announcer.setBalancer(service: "default/nginx", ip: vip, now: 0)
        #expect(announcer.tick(now: tick).count == 2)
        announcer.deleteBalancer(service: "default/nginx")
        #expect(!announcer.isAnnouncing(vip))
        #expect(!announcer.isAnnouncing(service: "default/nginx"))
        let (rounds, _) = announcer.runTicker()
        #expect(rounds.isEmpty)
        #expect(announcer.nextWakeup == nil)
    }

    @Test("two services sharing one IP: deleting one keeps the address announced")
    func sharedAddressSurvivesOneDelete() throws {
        var announcer = Announcer(interfaces: [eth0], schedule: .current)
        #expect(announcer.setBalancer(service: "default/dns-tcp", ip: vip, now: 0).count == 2)
        // The second service joins an open window: no extra immediate round.
        #expect(announcer.setBalancer(service: "default/dns-udp", ip: vip, now: 100_000_000).isEmpty)
        announcer.deleteBalancer(service: "default/dns-tcp")
        #expect(announcer.isAnnouncing(vip))
        #expect(announcer.announcedIPs == [.v4(vip)])
        #expect(announcer.isAnnouncing(service: "default/dns-udp"))
        #expect(!announcer.isAnnouncing(service: "default/dns-tcp"))
        let request = arpRequest(from: mac("02:00:00:00:00:63"), ip: ip("10.200.200.50"), for: vip)
        #expect(announcer.respond(to: request, on: 0) != nil)
        try expectGratuitousRound(announcer.tick(now: tick), for: vip, on: [eth0])
        announcer.deleteBalancer(service: "default/dns-udp")
        #expect(!announcer.isAnnouncing(vip))
        #expect(announcer.announcedIPs == [])
        #expect(announcer.respond(to: request, on: 0) == nil)
    }

    @Test("deleting a service twice does not withdraw an address another service still uses")
    func doubleDeleteKeepsSharedAddress() {
        var announcer = Announcer(interfaces: [eth0], schedule: .current)
        _ = announcer.setBalancer(service: "default/a", ip: vip, now: 0)
        _ = announcer.setBalancer(service: "default/b", ip: vip, now: 0)
        announcer.deleteBalancer(service: "default/a")
        announcer.deleteBalancer(service: "default/a")
        #expect(announcer.isAnnouncing(vip))
    }

    @Test("repeated setBalancer for one service counts it once")
    func repeatedSetBalancerCountsOnce() {
        var announcer = Announcer(interfaces: [eth0], schedule: .current)
        _ = announcer.setBalancer(service: "default/a", ip: vip, now: 0)
        _ = announcer.setBalancer(service: "default/a", ip: vip, now: 1)
        _ = announcer.setBalancer(service: "default/a", ip: vip, now: 2)
        announcer.deleteBalancer(service: "default/a")
        #expect(!announcer.isAnnouncing(vip))
    }

    @Test("multiple interfaces get a round each, in interface order")
    func roundPerInterface() throws {
        var announcer = Announcer(interfaces: [eth0, eth1], schedule: .current)
        let first = announcer.setBalancer(service: "default/nginx", ip: vip, now: 0)
        try expectGratuitousRound(first, for: vip, on: [eth0, eth1])
        #expect(first.map(\.interface) == [0, 0, 1, 1])
        let (rounds, _) = announcer.runTicker()
        #expect(rounds.count == 4)
        for round in rounds { try expectGratuitousRound(round.frames, for: vip, on: [eth0, eth1]) }
    }

    @Test("a tick sends the rounds of all open windows in ascending address order")
    func tickOrdersAddresses() throws {
        var announcer = Announcer(interfaces: [eth0], schedule: .current)
        let high = ip("10.200.200.130")
        let low = ip("10.200.200.121")
        _ = announcer.setBalancer(service: "default/high", ip: high, now: 0)
        #expect(announcer.setBalancer(service: "default/low", ip: low, now: 100_000_000).count == 2)
        let frames = announcer.tick(now: tick)
        #expect(frames.count == 4)
        guard frames.count == 4 else { return }
        try expectGratuitousRound(Array(frames[0..<2]), for: low, on: [eth0])
        try expectGratuitousRound(Array(frames[2..<4]), for: high, on: [eth0])
    }

    @Test("reset forgets addresses and windows")
    func resetForgetsEverything() {
        var announcer = Announcer(interfaces: [eth0], schedule: .current)
        _ = announcer.setBalancer(service: "default/nginx", ip: vip, now: 0)
        announcer.reset()
        #expect(announcer.nextWakeup == nil)
        #expect(announcer.announcedIPs.isEmpty)
        #expect(announcer.tick(now: tick).isEmpty)
        // A fresh setBalancer starts over with an immediate round.
        #expect(announcer.setBalancer(service: "default/nginx", ip: vip, now: 2 * second).count == 2)
    }
}
