import Engine
import Testing
import Wire

@testable import Simulation

// The NeighbourTable against the Linux neighbour cache. Each test names the kernel rule it
// checks, read off net/core/neighbour.c (`__neigh_event_send`, `neigh_timer_handler`,
// `__neigh_update`, `neigh_max_probes`) and net/ipv4/arp.c (`arp_solicit`, `arp_process`,
// `arp_is_garp`, `arp_accept`). Defaults: ucast_solicit 3, mcast_solicit 3, app_solicit 0,
// mcast_resolicit 0, retrans_time 1 s, delay_first_probe_time 5 s, locktime 1 s.

@Suite("NeighbourTable: resolution (INCOMPLETE)")
struct NeighbourResolutionTests {
    // Kernel: __neigh_event_send on an entry that is neither STALE nor INCOMPLETE (a new one is
    // NUD_NONE) sets probes = ucast_solicit, goes INCOMPLETE, arms the timer at now +
    // retrans_time and probes at once. arp_solicit sends unicast only while probes <
    // ucast_solicit, so every request from INCOMPLETE is broadcast. neigh_timer_handler probes
    // again each retrans_time until probes >= ucast + app + mcast (3 + 0 + 3 = 6), which is
    // reached after three broadcasts: FAILED at +3 s, and the queued packets are dropped
    // (neigh_invalidate).
    @Test func unknownIPBroadcastsThreeTimesOneSecondApartThenFails() {
        var driver = NeighbourDriver()
        let t0 = SimTime.seconds(10)
        let (mac, effects) = driver.resolve(at: t0)
        #expect(mac == nil, "nothing to send to yet: the packet waits in the queue")
        #expect(driver.state == .incomplete)
        #expect(
            effects.solicitations == [NeighbourTable.Solicitation(ip: peerIP, unicastTo: nil)],
            "the first request goes out at once, broadcast")
        #expect(effects.timer?.time == t0 + .seconds(1))

        driver.advance(to: t0 + .seconds(10))
        #expect(driver.sent.map(\.time) == [t0, t0 + .seconds(1), t0 + .seconds(2)])
        #expect(driver.sent.allSatisfy { $0.solicitation.unicastTo == nil && $0.solicitation.ip == peerIP })
        #expect(
            driver.transitions == [.init(time: t0, state: .incomplete), .init(time: t0 + .seconds(3), state: .failed)])
        #expect(driver.dropped == [t0 + .seconds(3)])
        #expect(driver.released.isEmpty)
    }

    // Kernel: __neigh_event_send on an INCOMPLETE entry only queues the packet; it neither
    // restarts the probe count nor sends another request.
    @Test func resolveWhileIncompleteOnlyQueues() {
        var driver = NeighbourDriver()
        driver.resolve(at: .seconds(1))
        let (mac, effects) = driver.resolve(at: .ms(1_500))
        #expect(mac == nil)
        #expect(effects.solicitations.isEmpty)
        #expect(effects.timer == nil)
        driver.advance(to: .seconds(10))
        #expect(driver.sent.count == 3)
        #expect(driver.transitions.last == .init(time: .seconds(4), state: .failed))
    }

    // Kernel: arp_process sees a reply with pkt_type PACKET_HOST (unicast to us) and calls
    // neigh_update(..., NUD_REACHABLE); __neigh_update on an invalid (INCOMPLETE) entry takes
    // the address, arms the timer at now + reachable_time, and flushes the arp_queue.
    @Test func unicastReplyWhileIncompleteMakesReachable() {
        var driver = NeighbourDriver()
        driver.resolve(at: .seconds(1))
        let effects = driver.receive(reply(from: peerIP, mac: macA), unicast: true, at: .ms(1_200))
        #expect(driver.state == .reachable)
        #expect(driver.mac == macA)
        #expect(effects.releaseQueue)
        #expect(!effects.dropQueue)
        #expect(effects.timer?.time == SimTime.ms(1_200) + driver.table.reachableTime)
        // The INCOMPLETE retransmission timer is dead: no more requests.
        driver.advance(to: .seconds(5))
        #expect(driver.sent.count == 1)
        #expect(driver.state == .reachable)
        // And the entry is usable at once.
        #expect(driver.resolve(at: .seconds(5)).mac == macA)
    }

    // Kernel: arp_process downgrades the new state to NUD_STALE for a reply that is not
    // PACKET_HOST (broadcast) and for any request. __neigh_update on an INCOMPLETE entry then
    // takes the address, STALE has no timer (not in NUD_IN_TIMER), and the queue is released.
    @Test func broadcastReplyWhileIncompleteMakesStale() {
        var driver = NeighbourDriver()
        driver.resolve(at: .seconds(1))
        let effects = driver.receive(reply(from: peerIP, mac: macA), unicast: false, at: .ms(1_300))
        #expect(driver.state == .stale)
        #expect(driver.mac == macA)
        #expect(effects.releaseQueue)
        #expect(effects.timer == nil, "STALE runs no timer")
        driver.advance(to: .seconds(10))
        #expect(driver.sent.count == 1, "the INCOMPLETE retransmissions stop")
        #expect(driver.state == .stale)
    }

    // Kernel: same rule as above for an ARP request sent by the address we are resolving
    // (asking for someone else): arp_process updates the existing entry with NUD_STALE.
    @Test func requestFromTheIPWhileIncompleteMakesStale() {
        var driver = NeighbourDriver()
        driver.resolve(at: .seconds(1))
        let effects = driver.receive(request(from: peerIP, mac: macA), unicast: false, at: .ms(1_400))
        #expect(driver.state == .stale)
        #expect(driver.mac == macA)
        #expect(effects.releaseQueue)
        driver.advance(to: .seconds(10))
        #expect(driver.sent.count == 1)
        #expect(driver.state == .stale)
    }

    // Kernel: __neigh_event_send when mcast_solicit + app_solicit == 0 does not go INCOMPLETE:
    // the entry goes straight to FAILED and the packet is freed, with no request sent.
    @Test func zeroMulticastSolicitFailsAtOnceWithoutARequest() {
        var parameters = NeighbourParameters()
        parameters.mcastSolicit = 0
        var driver = NeighbourDriver(parameters: parameters)
        let (mac, effects) = driver.resolve(at: .seconds(1))
        #expect(mac == nil)
        #expect(effects.solicitations.isEmpty, "no broadcast request is ever sent with mcast_solicit 0")
        #expect(driver.state == .failed)
        #expect(effects.dropQueue, "the packet is dropped, not queued")
    }
}

@Suite("NeighbourTable: REACHABLE, STALE, DELAY, PROBE")
struct NeighbourReachabilityTests {
    // Kernel: neigh_rand_reach_time(base) = base/2 + random % base: 15 s to 45 s for 30 s.
    @Test func reachableTimeIsWithinHalfToOneAndAHalfOfBase() {
        for seed in UInt64(0)..<200 {
            let table = NeighbourTable(parameters: NeighbourParameters(), random: RandomStream(seed: seed))
            #expect(table.reachableTime >= .seconds(15))
            #expect(table.reachableTime < .seconds(45))
        }
        var custom = NeighbourParameters()
        custom.baseReachableTime = .seconds(600)
        let table = NeighbourTable(parameters: custom, random: RandomStream(seed: 3))
        #expect(table.reachableTime >= .seconds(300) && table.reachableTime < .seconds(900))
    }

    // Kernel: a REACHABLE entry's timer fires at confirmed + reachable_time; neigh_timer_handler
    // keeps it REACHABLE while now <= confirmed + reachable_time, then (used more than
    // delay_first_probe_time ago) moves it to STALE, which runs no timer.
    @Test func reachableLastsTheReachableTimeThenGoesStaleWhenUnused() {
        var driver = NeighbourDriver()
        let t = SimTime.seconds(2)
        driver.makeReachable(mac: macA, at: t)
        let reachable = driver.table.reachableTime
        #expect(reachable >= .seconds(15) && reachable < .seconds(45))

        driver.advance(to: t + reachable - .nanoseconds(1))
        #expect(driver.state == .reachable)
        driver.advance(to: t + reachable + .seconds(1))
        #expect(driver.loopedAt == nil, "the REACHABLE timer re-armed itself for the instant it fired at")
        #expect(driver.state == .stale)
        let staleAt = driver.transitions.last?.time
        #expect(
            staleAt.map { $0 >= t + reachable && $0 <= t + reachable + .milliseconds(500) } == true,
            "STALE at the end of the reachable time, not \(String(describing: staleAt))")
        #expect(driver.mac == macA, "STALE keeps the address")
        #expect(driver.sent.count == 1, "no request on the way to STALE")
    }

    // Kernel: neigh_timer_handler arms the next expiry with mod_timer after clamping `next` to
    // at least now + HZ/100, so a REACHABLE entry whose timer fires exactly at confirmed +
    // reachable_time ("still alive" because time_before_eq) is looked at again a little later,
    // never re-armed for the very instant it fired at.
    @Test func reachableTimerAtItsDeadlineIsNotRearmedForTheSameInstant() throws {
        var table = NeighbourTable(parameters: NeighbourParameters(), random: RandomStream(seed: 5))
        var effects = NeighbourTable.Effects()
        _ = table.resolve(peerIP, now: .seconds(1), effects: &effects)
        effects = NeighbourTable.Effects()
        table.arpReceived(reply(from: peerIP, mac: macA), unicastToUs: true, now: .seconds(1), effects: &effects)
        let timer = try #require(effects.timer)
        #expect(timer.time == SimTime.seconds(1) + table.reachableTime)

        var fired = NeighbourTable.Effects()
        table.timerFired(peerIP, generation: timer.generation, now: timer.time, effects: &fired)
        if table.entry(for: peerIP)?.state == .reachable {
            let next = try #require(fired.timer, "a REACHABLE entry always runs a timer")
            #expect(next.time > timer.time, "re-armed for \(next.time), the instant it fired at: an endless loop")
        }
    }

    // Kernel: neigh_timer_handler, REACHABLE expired but used within delay_first_probe_time:
    // DELAY, with the next timer delay_first_probe_time later.
    @Test func reachableExpiresToDelayWhenUsedInTheLastFiveSeconds() throws {
        var driver = NeighbourDriver()
        let t = SimTime.seconds(2)
        driver.makeReachable(mac: macA, at: t)
        let reachable = driver.table.reachableTime
        // Packets go out through the entry 2 s before it expires.
        #expect(driver.resolve(at: t + reachable - .seconds(2)).mac == macA)
        driver.advance(to: t + reachable + .milliseconds(600))
        #expect(driver.loopedAt == nil)
        #expect(driver.state == .delay)
        let delayAt = try #require(driver.transitions.last?.time)
        #expect(driver.lastTimer?.time == delayAt + .seconds(5))
        #expect(driver.sent.count == 1)
    }

    // Kernel: __neigh_event_send on a STALE entry: DELAY, timer at now + delay_first_probe_time,
    // and the packet goes out at once to the cached address.
    @Test func staleEntryInUseGoesToDelayWithATimerFiveSecondsOut() {
        var driver = NeighbourDriver()
        driver.makeStale(mac: macA, at: .seconds(1))
        let (mac, effects) = driver.resolve(at: .seconds(20))
        #expect(mac == macA)
        #expect(driver.state == .delay)
        #expect(effects.timer?.time == .seconds(25))
        #expect(effects.solicitations.isEmpty, "DELAY sends nothing yet")
    }

    // Kernel: neigh_timer_handler, DELAY with confirmed within delay_first_probe_time (an
    // upper-layer confirmation, dst_confirm): back to REACHABLE, next timer at confirmed +
    // reachable_time; no probe is sent.
    @Test func delayWithAConfirmationWithinFiveSecondsReturnsToReachable() {
        var driver = NeighbourDriver()
        driver.makeStale(mac: macA, at: .seconds(1))
        driver.resolve(at: .seconds(20))
        driver.confirm(at: .seconds(22))
        driver.advance(to: .seconds(25))
        #expect(driver.state == .reachable)
        #expect(driver.mac == macA)
        #expect(driver.lastTimer?.time == SimTime.seconds(22) + driver.table.reachableTime)
        #expect(driver.sent.count == 1, "only the original INCOMPLETE request")
    }

    // Kernel: arp_process + __neigh_update, a unicast reply with the same address while in
    // DELAY: new state REACHABLE differs from DELAY, so the entry is REACHABLE at once.
    @Test func unicastReplyInDelayMakesReachableAtOnce() {
        var driver = NeighbourDriver()
        driver.makeStale(mac: macA, at: .seconds(1))
        driver.resolve(at: .seconds(20))
        let effects = driver.receive(reply(from: peerIP, mac: macA), unicast: true, at: .seconds(21))
        #expect(driver.state == .reachable)
        #expect(effects.timer?.time == SimTime.seconds(21) + driver.table.reachableTime)
        driver.advance(to: .seconds(30))
        #expect(driver.state == .reachable)
        #expect(driver.sent.count == 1)
    }

    // Kernel: neigh_timer_handler, DELAY without confirmation: PROBE with probes = 0 and a
    // probe at once; arp_solicit unicasts to the cached address while probes < ucast_solicit;
    // neigh_max_probes for PROBE is ucast + app + mcast_resolicit = 3, so probes at +0, +1, +2 s
    // and FAILED at +3 s.
    @Test func delayWithoutConfirmationProbesUnicastThreeTimesThenFails() {
        var driver = NeighbourDriver()
        driver.makeStale(mac: macA, at: .seconds(1))
        driver.resolve(at: .seconds(20))
        driver.advance(to: .seconds(40))
        let probes = driver.sent.dropFirst()  // the first is the INCOMPLETE broadcast at 1 s
        #expect(probes.map(\.time) == [.seconds(25), .seconds(26), .seconds(27)])
        #expect(probes.allSatisfy { $0.solicitation.unicastTo == macA }, "PROBE asks the cached MAC, unicast")
        #expect(
            Array(driver.transitions.suffix(3)) == [
                .init(time: .seconds(20), state: .delay),
                .init(time: .seconds(25), state: .probe),
                .init(time: .seconds(28), state: .failed),
            ])
        #expect(driver.dropped == [.seconds(28)])
    }

    // Kernel: a unicast reply in PROBE (the neighbour answered our unicast probe): REACHABLE.
    @Test func unicastReplyInProbeMakesReachable() {
        var driver = NeighbourDriver()
        driver.makeStale(mac: macA, at: .seconds(1))
        driver.resolve(at: .seconds(20))
        driver.advance(to: .ms(25_500))
        #expect(driver.state == .probe)
        driver.receive(reply(from: peerIP, mac: macA), unicast: true, at: .ms(25_600))
        #expect(driver.state == .reachable)
        driver.advance(to: .seconds(40))
        #expect(driver.state == .reachable)
        #expect(driver.sent.count == 2, "one broadcast at 1 s, one unicast probe at 25 s")
    }

    // Kernel: __neigh_event_send on a FAILED entry is the same as on a new one: INCOMPLETE with
    // probes = ucast_solicit, so the old cached address is not unicast to; broadcasts again.
    @Test func resolveOnFailedStartsIncompleteWithBroadcastsAgain() {
        var driver = NeighbourDriver()
        driver.makeStale(mac: macA, at: .seconds(1))
        driver.resolve(at: .seconds(20))
        driver.advance(to: .seconds(40))
        #expect(driver.state == .failed)
        let before = driver.sent.count

        let (mac, effects) = driver.resolve(at: .seconds(50))
        #expect(mac == nil)
        #expect(driver.state == .incomplete)
        #expect(effects.solicitations == [NeighbourTable.Solicitation(ip: peerIP, unicastTo: nil)])
        driver.advance(to: .seconds(60))
        let again = driver.sent.dropFirst(before)
        #expect(again.map(\.time) == [.seconds(50), .seconds(51), .seconds(52)])
        #expect(again.allSatisfy { $0.solicitation.unicastTo == nil })
        #expect(driver.transitions.last == .init(time: .seconds(53), state: .failed))
    }

    // Kernel: neigh_table_init / neigh_parms_alloc draw reachable_time from the parms' random
    // source; neigh_periodic_work redraws it once more than 300 s have passed since the last
    // draw. The simulator's draws come from the seeded stream: same seed, same values.
    @Test func reachableTimeIsDeterministicPerSeed() {
        let a = NeighbourTable(parameters: NeighbourParameters(), random: RandomStream(seed: 99))
        let b = NeighbourTable(parameters: NeighbourParameters(), random: RandomStream(seed: 99))
        #expect(a.reachableTime == b.reachableTime)
        let distinct = Set(
            (UInt64(0)..<20).map {
                NeighbourTable(parameters: NeighbourParameters(), random: RandomStream(seed: $0)).reachableTime
            })
        #expect(distinct.count > 1, "the reachable time does depend on the seed")
    }

    @Test func reachableTimeIsRedrawnAfterThreeHundredSeconds() {
        var one = NeighbourDriver(seed: 4242)
        var two = NeighbourDriver(seed: 4242)
        let first = one.table.reachableTime
        one.resolve(at: .seconds(299))
        #expect(one.table.reachableTime == first, "not redrawn before 300 s")
        one.resolve(at: .seconds(320))
        let second = one.table.reachableTime
        #expect(second != first, "redrawn after 300 s")
        #expect(second >= .seconds(15) && second < .seconds(45))
        // The same calls on the same seed give the same redrawn value.
        two.resolve(at: .seconds(299))
        two.resolve(at: .seconds(320))
        #expect(two.table.reachableTime == second)
    }
}

@Suite("NeighbourTable: ARP updates, locktime, gratuitous ARP")
struct NeighbourUpdateTests {
    // Kernel: arp_process, override = time_after(now, updated + locktime) || is_garp. A reply
    // that is not gratuitous, carrying a different address within locktime of the last
    // update, is ignored by __neigh_update (valid entry, different lladdr, no OVERRIDE).
    // time_after is strict: exactly at updated + locktime is still inside.
    @Test func differentMACReplyInsideLocktimeIsIgnored() {
        var driver = NeighbourDriver()
        driver.makeReachable(mac: macA, at: .seconds(10))
        driver.receive(reply(from: peerIP, mac: macB), unicast: true, at: .ms(10_500))
        #expect(driver.mac == macA)
        #expect(driver.state == .reachable)
        driver.receive(reply(from: peerIP, mac: macB), unicast: true, at: .seconds(11))
        #expect(driver.mac == macA, "at exactly locktime the window is still closed")
    }

    @Test func differentMACReplyAfterLocktimeReplacesTheAddress() {
        var driver = NeighbourDriver()
        driver.makeReachable(mac: macA, at: .seconds(10))
        driver.receive(reply(from: peerIP, mac: macB), unicast: true, at: .seconds(11) + .nanoseconds(1))
        #expect(driver.mac == macB)
        #expect(driver.state == .reachable)
    }

    @Test func differentMACBroadcastAfterLocktimeReplacesTheAddressAsStale() {
        var driver = NeighbourDriver()
        driver.makeReachable(mac: macA, at: .seconds(10))
        driver.receive(request(from: peerIP, mac: macB), unicast: false, at: .seconds(12))
        #expect(driver.mac == macB)
        #expect(driver.state == .stale)
    }

    // Kernel: arp_is_garp, an ARP request with sip == tip is gratuitous, so override is set
    // whatever the locktime; as a request it updates to NUD_STALE.
    @Test func gratuitousRequestReplacesTheAddressInsideLocktimeAndLeavesItStale() {
        var driver = NeighbourDriver()
        driver.makeReachable(mac: macA, at: .seconds(10))
        driver.receive(gratuitousRequest(for: peerIP, mac: macB), unicast: false, at: .ms(10_100))
        #expect(driver.mac == macB)
        #expect(driver.state == .stale)
    }

    // Kernel: arp_is_garp, a reply with sip == tip is gratuitous only when tha == sha. MetalLB's
    // gratuitous reply carries tha = ff:ff:ff:ff:ff:ff, so Linux treats it as an ordinary
    // (broadcast) reply: inside locktime it does not override.
    @Test func metalLBStyleReplyWithBroadcastTargetMACIsNotGratuitousInsideLocktime() {
        var driver = NeighbourDriver()
        driver.makeReachable(mac: macA, at: .seconds(10))
        driver.receive(
            gratuitousReply(for: peerIP, mac: macB, tha: .broadcast), unicast: false,
            at: .ms(10_300))
        #expect(driver.mac == macA)
        #expect(driver.state == .reachable)
        // After locktime the same frame does replace it, as an ordinary broadcast reply: STALE.
        driver.receive(
            gratuitousReply(for: peerIP, mac: macB, tha: .broadcast), unicast: false,
            at: .ms(11_300))
        #expect(driver.mac == macB)
        #expect(driver.state == .stale)
    }

    // Kernel: arp_is_garp, reply with sip == tip and tha == sha (arping -A): gratuitous, so it
    // overrides inside locktime; broadcast, so the entry is STALE.
    @Test func replyWithTargetMACEqualToSenderMACIsGratuitous() {
        var driver = NeighbourDriver()
        driver.makeReachable(mac: macA, at: .seconds(10))
        driver.receive(gratuitousReply(for: peerIP, mac: macB, tha: macB), unicast: false, at: .ms(10_300))
        #expect(driver.mac == macB)
        #expect(driver.state == .stale)
    }

    // Kernel: arp_process looks the sender up without creating (__neigh_lookup(..., 0)); with
    // arp_accept 0 nothing creates an entry, gratuitous or not.
    @Test func arpForAnIPWithoutEntryCreatesNothingWithArpAcceptOff() {
        var table = NeighbourTable(parameters: NeighbourParameters(), random: RandomStream(seed: 1))
        let packets = [
            gratuitousRequest(for: peerIP, mac: macA),
            gratuitousReply(for: peerIP, mac: macA, tha: macA),
            gratuitousReply(for: peerIP, mac: macA, tha: .broadcast),
            reply(from: peerIP, mac: macA),
            request(from: peerIP, mac: macA),
        ]
        for (index, packet) in packets.enumerated() {
            var effects = NeighbourTable.Effects()
            table.arpReceived(packet, unicastToUs: index == 3, now: .seconds(Int64(index + 1)), effects: &effects)
            #expect(effects.solicitations.isEmpty && effects.timer == nil && !effects.releaseQueue)
        }
        #expect(table.entries.isEmpty)
    }

    // Kernel: arp_accept 1 ("create new entries from garp"): arp_process creates the entry
    // (__neigh_lookup(..., 1)) for a gratuitous ARP, then neigh_update sets it STALE (a
    // broadcast frame does not prove reachability).
    @Test func gratuitousARPCreatesAStaleEntryWithArpAcceptOn() {
        var parameters = NeighbourParameters()
        parameters.arpAccept = true
        var table = NeighbourTable(parameters: parameters, random: RandomStream(seed: 1))
        var effects = NeighbourTable.Effects()
        table.arpReceived(
            gratuitousRequest(for: peerIP, mac: macA), unicastToUs: false, now: .seconds(1), effects: &effects)
        #expect(table.entry(for: peerIP)?.state == .stale)
        #expect(table.entry(for: peerIP)?.mac == macA)
    }

    // Kernel: __neigh_update, valid entry, same address and new state STALE (not ADMIN): the
    // state is kept, so a broadcast request from a REACHABLE neighbour leaves it REACHABLE.
    @Test func sameMACStaleUpdateKeepsAReachableEntryReachable() {
        var driver = NeighbourDriver()
        driver.makeReachable(mac: macA, at: .seconds(10))
        let timerBefore = driver.lastTimer
        let effects = driver.receive(request(from: peerIP, mac: macA), unicast: false, at: .seconds(15))
        #expect(driver.state == .reachable)
        #expect(driver.mac == macA)
        #expect(effects.timer == nil, "nothing changed, the REACHABLE timer is left alone")
        #expect(driver.lastTimer == timerBefore)
    }

    // Kernel: __neigh_update moves `updated` only when the state or the address changes ("we
    // risk to move the locktime window with noop updates"): a same-address update does not
    // extend the locktime, so a different address 1.5 s after the real update is taken.
    @Test func noopUpdateDoesNotExtendTheLocktime() {
        var driver = NeighbourDriver()
        driver.makeReachable(mac: macA, at: .seconds(10))
        driver.receive(request(from: peerIP, mac: macA), unicast: false, at: .ms(10_900))
        driver.receive(reply(from: peerIP, mac: macB), unicast: true, at: .ms(11_500))
        #expect(driver.mac == macB)
    }

    // Kernel: __neigh_update sets confirmed for a NUD_CONNECTED update even when it changes
    // nothing else, so a same-address unicast reply keeps REACHABLE going past the first
    // reachable time.
    @Test func sameMACUnicastReplyRefreshesReachability() {
        var driver = NeighbourDriver()
        driver.makeReachable(mac: macA, at: .seconds(10))
        let reachable = driver.table.reachableTime
        driver.receive(reply(from: peerIP, mac: macA), unicast: true, at: .seconds(20))
        driver.advance(to: .seconds(10) + reachable + .seconds(1))
        #expect(driver.state == .reachable, "confirmed moved to 20 s, so still reachable")
        #expect(
            driver.lastTimer.map { $0.time >= .seconds(20) + reachable } == true,
            "next look at confirmed + reachable time")
    }
}
