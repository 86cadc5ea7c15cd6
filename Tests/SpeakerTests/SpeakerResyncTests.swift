import Engine
import Layer2
import Speaker
import Testing
import Wire

@testable import Speaker

/// v0.9.4 re-syncs every service through client-go's default controller rate limiter on a
/// ForceSync (internal/k8s/k8s.go, `ForceSync` → `AddRateLimited`; client-go
/// util/workqueue/default_rate_limiters.go, `DefaultControllerRateLimiter`: the larger of 5 ms
/// doubling per re-add and a 10 per second bucket of 100).
@Suite("Speaker: v0.9.4's rate-limited resync")
struct SpeakerResyncTests {
    @Test("the limiter: 100 at 5 ms, then one every 100 ms; the bucket refills at 10/s; a re-add doubles")
    func limiter() {
        var limiter = ControllerRateLimiter()
        let delays = (0..<250).map { limiter.delay(for: "svc-\($0)", now: 0) }
        #expect(delays.prefix(100).allSatisfy { $0 == 5_000_000 })
        #expect(delays[100] == 100_000_000)
        #expect(delays[249] == 15_000_000_000)
        // The bucket owes 15 s at 0; 30 s later it is full again (at most 100 tokens).
        for index in 0..<250 { limiter.forget("svc-\(index)") }
        let later = (0..<101).map { limiter.delay(for: "svc-\($0)", now: 30_000_000_000) }
        #expect(later.prefix(100).allSatisfy { $0 == 5_000_000 } && later[100] == 100_000_000)
        // A key re-added before it was forgotten waits twice as long (the bucket is empty
        // here, so it is the larger delay only once the bucket has refilled).
        var fresh = ControllerRateLimiter()
        #expect(fresh.delay(for: "a", now: 0) == 5_000_000)
        #expect(fresh.delay(for: "a", now: 0) == 10_000_000)
        #expect(fresh.delay(for: "a", now: 0) == 20_000_000)
        fresh.forget("a")
        #expect(fresh.delay(for: "a", now: 0) == 5_000_000)
    }

    /// 250 services this one node announces; a config that moves their pool to BGP is taken and
    /// reprocessed through the rate limiter: each withdrawal comes when its key is due.
    @Test("a reprocess-all of 250 services: the first 100 after 5 ms, the last 15 s after")
    func reprocessAllIsRateLimited() throws {
        let addresses = (0..<250).map { "10.1.\($0 / 200).\($0 % 200 + 1)" }
        let layer2 = SpeakerPoolConfig(pools: [
            .init(name: "p", cidrs: [IPPrefix("10.1.0.0/16")!], announcement: .layer2)
        ])
        var speaker = Speaker(
            configuration: SpeakerConfiguration(
                node: "node-0", address: IPv4Address(192, 0, 2, 10),
                interfaces: [SpeakerProcessTests.eth0], rules: .v0_9_4),
            generator: RandomStream(seed: 1), now: 0, poolConfig: layer2)
        let views = addresses.map { SpeakerNet.view($0, endpoints: ["node-0"], rules: .v0_9_4, nodes: ["node-0"]) }
        speaker.handleServices(views.map { ($0.name, $0) }, now: 0)
        #expect(speaker.announcedIPs.count == 250)

        let start: Int64 = 60_000_000_000
        var bgp = layer2
        bgp.pools[0].announcement = .bgp
        speaker.handleConfig(bgp, now: start)
        var withdrawals: [Int64] = []
        var pending: [(SpeakerTimer, Int64)] = []
        var now = start
        while true {
            for output in SpeakerProcessTests.drain(&speaker) {
                if case .record(.stoppedAnnouncing) = output { withdrawals.append(now - start) }
                if case .arm(let timer, let time) = output, timer == .resync { pending.append((timer, time)) }
            }
            guard let next = pending.min(by: { $0.1 < $1.1 }) else { break }
            pending.removeAll { $0 == next }
            now = next.1
            speaker.handleTimeout(next.0, now: now)
        }
        #expect(withdrawals.count == 250)
        #expect(withdrawals.prefix(100).allSatisfy { $0 == 5_000_000 })
        #expect(withdrawals[100] == 100_000_000)
        #expect(withdrawals.last == 15_000_000_000)
    }
}
