import Engine
import Testing
import Wire

@testable import Simulation

// The Neighbor Discovery table against Linux's nd_tbl. The state machine is the one the ARP
// table shares (net/core/neighbour.c); what differs is how advertisements feed it:
// ndisc_recv_na (net/ipv6/ndisc.c) looks the target up and calls ndisc_update ->
// __neigh_update with new state REACHABLE if S=1 else STALE, and flags
// NEIGH_UPDATE_F_WEAK_OVERRIDE | (O ? NEIGH_UPDATE_F_OVERRIDE : 0) | ..._OVERRIDE_ISROUTER.
// ndisc_solicit sends multicast (solicited-node) while probes >= ucast_solicit, unicast
// before. nd_tbl defaults: ucast_solicit 3, mcast_solicit 3, retrans_time 1 s,
// delay_first_probe_time 5 s, base_reachable_time 30 s, mcast_resolicit 0.

@Suite("NDNeighbourTable: resolution and advertisements (ndisc_recv_na)")
struct NDAdvertisementTests {
    // Kernel: __neigh_event_send on a new entry: INCOMPLETE, probes = ucast_solicit, so
    // ndisc_solicit's `probes - ucast_solicit` is >= 0 and every solicitation goes to the
    // solicited-node group (unicastTo nil); after mcast_solicit (3) of them, 1 s apart, FAILED.
    @Test func resolutionSendsThreeMulticastSolicitationsOneSecondApartThenFails() {
        var driver = NDDriver()
        driver.resolve(at: .seconds(10))
        driver.advance(to: .seconds(20))
        #expect(driver.sent.map(\.time) == [.seconds(10), .seconds(11), .seconds(12)])
        #expect(driver.sent.allSatisfy { $0.solicitation.unicastTo == nil && $0.solicitation.ip == peerIPv6 })
        #expect(
            driver.transitions == [
                .init(time: .seconds(10), state: .incomplete), .init(time: .seconds(13), state: .failed),
            ])
        #expect(driver.dropped == [.seconds(13)])
    }

    // Kernel: ndisc_recv_na, S=1: neigh_update(..., NUD_REACHABLE); the INCOMPLETE entry takes
    // the Target Link-Layer Address and its queue is flushed. MetalLB answers with S=1 O=0.
    @Test func solicitedAdvertisementWhileIncompleteMakesReachable() {
        var driver = NDDriver()
        driver.resolve(at: .seconds(1))
        let effects = driver.receive(advertisement(solicited: true, override: false, mac: macA), at: .ms(1_100))
        #expect(driver.state == .reachable)
        #expect(driver.mac == macA)
        #expect(effects.releaseQueue)
    }

    // Kernel: ndisc_recv_na, S=0: NUD_STALE. An INCOMPLETE entry is not valid, so the address
    // is taken whatever O says, and the queue goes out (through a STALE entry).
    @Test func unsolicitedAdvertisementWhileIncompleteMakesStale() {
        var driver = NDDriver()
        driver.resolve(at: .seconds(1))
        let effects = driver.receive(advertisement(solicited: false, override: true, mac: macA), at: .ms(1_100))
        #expect(driver.state == .stale)
        #expect(driver.mac == macA)
        #expect(effects.releaseQueue)
    }

    // Kernel: ndisc_recv_na finds no entry (neigh_lookup returns NULL) and, with
    // accept_untracked_na 0 (the default), creates none: MetalLB's unsolicited advertisements
    // reach only hosts already resolving the address.
    @Test func anAdvertisementForAnAddressWithoutAnEntryCreatesNothing() {
        var table = NDNeighbourTable(parameters: NeighbourParameters(), random: RandomStream(seed: 1))
        for (solicited, override) in [(false, true), (true, false), (true, true), (false, false)] {
            var effects = NDNeighbourTable.Effects()
            table.advertisementReceived(
                advertisement(for: vip6, solicited: solicited, override: override, mac: macA),
                now: .seconds(1), effects: &effects)
            #expect(table.entry(for: vip6) == nil, "S=\(solicited) O=\(override) created an entry")
            #expect(effects.solicitations.isEmpty && effects.timer == nil && !effects.releaseQueue)
        }
    }

    // Kernel: O=1 is NEIGH_UPDATE_F_OVERRIDE: a different address replaces the cached one, and
    // S=0 leaves the entry STALE.
    @Test func overrideAdvertisementReplacesTheAddressOfAReachableEntryAsStale() {
        var driver = NDDriver()
        driver.makeReachable(mac: macA, at: .seconds(1))
        driver.receive(advertisement(solicited: false, override: true, mac: macB), at: .seconds(2))
        #expect(driver.mac == macB)
        #expect(driver.state == .stale)
    }

    // Kernel: no locktime for NDP. arp_process computes its override flag from
    // neigh->updated + locktime; ndisc_recv_na passes the O flag as is, and __neigh_update has
    // no time check of its own. So an override 1 ms after the entry was set replaces it,
    // where the ARP table would ignore a non-gratuitous change inside its 1 s locktime.
    @Test func anOverrideInsideWhatWouldBeARPsLocktimeStillReplacesTheAddress() {
        var driver = NDDriver()
        driver.makeReachable(mac: macA, at: .seconds(1))
        driver.receive(advertisement(solicited: false, override: true, mac: macB), at: .ms(1_001))
        #expect(driver.mac == macB)
        driver.receive(advertisement(solicited: true, override: true, mac: macA), at: .ms(1_002))
        #expect(driver.mac == macA)
        #expect(driver.state == .reachable)
    }

    // Kernel: O=0 with a different address on a valid entry: no OVERRIDE, so __neigh_update
    // does not take the address; with WEAK_OVERRIDE and the entry NUD_CONNECTED (REACHABLE) it
    // keeps the cached address and goes STALE (RFC 4861 7.2.5: "if the Override flag is clear
    // and the supplied link-layer address differs ..., if the state is REACHABLE, set it to
    // STALE, but do not update the entry in any other way").
    @Test func nonOverrideAdvertisementWithAnotherAddressTurnsReachableStaleAndKeepsTheAddress() {
        var driver = NDDriver()
        driver.makeReachable(mac: macA, at: .seconds(1))
        let effects = driver.receive(advertisement(solicited: true, override: false, mac: macB), at: .seconds(2))
        #expect(driver.mac == macA)
        #expect(driver.state == .stale)
        #expect(!effects.releaseQueue)
    }

    // Kernel: same case on an entry that is not NUD_CONNECTED (STALE): `goto out`, nothing
    // changes at all.
    @Test func nonOverrideAdvertisementWithAnotherAddressLeavesAStaleEntryAlone() {
        var driver = NDDriver()
        driver.resolve(at: .seconds(1))
        driver.receive(advertisement(solicited: false, override: true, mac: macA), at: .seconds(1))
        #expect(driver.state == .stale)
        driver.receive(advertisement(solicited: true, override: false, mac: macB), at: .seconds(2))
        #expect(driver.mac == macA)
        #expect(driver.state == .stale)
    }

    // Kernel: the same address with S=0 (MetalLB's unsolicited rounds for the owner a client
    // already uses): __neigh_update keeps the old state for a STALE update that does not change
    // the address, so a REACHABLE entry stays REACHABLE.
    @Test func unsolicitedAdvertisementWithTheSameAddressKeepsReachable() {
        var driver = NDDriver()
        driver.makeReachable(mac: macA, at: .seconds(1))
        driver.receive(advertisement(solicited: false, override: true, mac: macA), at: .seconds(2))
        #expect(driver.state == .reachable)
        #expect(driver.mac == macA)
    }

    // Kernel: ndisc_recv_na returns early for an entry in NUD_FAILED. Only the next packet
    // brings it back (INCOMPLETE, multicast solicitation).
    @Test func aFailedEntryIgnoresAdvertisementsUntilTheNextPacketResolvesAgain() {
        var driver = NDDriver()
        driver.resolve(at: .seconds(1))
        driver.advance(to: .seconds(5))
        #expect(driver.state == .failed)
        driver.receive(advertisement(solicited: false, override: true, mac: macA), at: .seconds(6))
        #expect(driver.state == .failed)
        #expect(driver.mac == nil)
        let (mac, effects) = driver.resolve(at: .seconds(7))
        #expect(mac == nil)
        #expect(driver.state == .incomplete)
        #expect(effects.solicitations == [NDNeighbourTable.Solicitation(ip: peerIPv6, unicastTo: nil)])
    }
}

@Suite("NDNeighbourTable: neighbour unreachability detection")
struct NDUnreachabilityTests {
    // Kernel: neigh_timer_handler: REACHABLE past its reachable time but used in the last 5 s
    // -> DELAY; no confirmation within delay_first_probe_time -> PROBE with probes = 0, and
    // ndisc_solicit sends unicast (probes < ucast_solicit) to the cached address, 1 s apart;
    // neigh_max_probes in PROBE is ucast_solicit + app_solicit + mcast_resolicit = 3, so the
    // third unanswered probe's timer makes it FAILED. MetalLB never answers these (the node's
    // kernel drops a unicast solicitation for an address it does not own), so an entry for a
    // service address that reaches PROBE always fails; the next packet resolves it with
    // multicast solicitations, which MetalLB answers.
    @Test func unansweredUnicastProbesFailTheEntryAndTheNextPacketSolicitsTheGroup() throws {
        var driver = NDDriver()
        driver.makeReachable(mac: macA, at: .seconds(1))
        let reachable = driver.table.reachableTime
        // Used (a packet sent) just before the reachable time runs out; nobody confirms.
        let used = SimTime.seconds(1) + reachable - SimDuration.seconds(1)
        #expect(driver.resolve(at: used).mac == macA)
        driver.advance(to: .seconds(1) + reachable + .seconds(20))
        let delay = try #require(driver.transitions.first { $0.state == .delay }).time
        // At the deadline itself the entry is still REACHABLE (time_before_eq), and the timer
        // is never re-armed sooner than HZ/100: DELAY 10 ms after the deadline.
        let deadline = SimTime.seconds(1) + reachable
        #expect(delay == deadline + SimDuration.milliseconds(10))
        let probes = driver.sent.filter { $0.time > .seconds(1) }
        #expect(probes.map(\.time) == [delay + .seconds(5), delay + .seconds(6), delay + .seconds(7)])
        #expect(probes.allSatisfy { $0.solicitation.unicastTo == macA }, "NUD probes are unicast to the cached MAC")
        #expect(driver.transitions.suffix(3).map(\.state) == [.delay, .probe, .failed])
        #expect(driver.transitions.last?.time == delay + .seconds(8))

        let (mac, effects) = driver.resolve(at: delay + .seconds(9))
        #expect(mac == nil)
        #expect(
            effects.solicitations == [NDNeighbourTable.Solicitation(ip: peerIPv6, unicastTo: nil)],
            "re-resolution goes to the solicited-node group")
        driver.receive(advertisement(solicited: true, override: false, mac: macB), at: delay + .milliseconds(9_001))
        #expect(driver.state == .reachable)
        #expect(driver.mac == macB)
    }

    // Kernel: neigh_timer_handler in DELAY: a confirmation (TCP's sock_confirm_neigh after a
    // SYN-ACK) within delay_first_probe_time returns the entry to REACHABLE without a probe.
    @Test func aConfirmationInDelayAvoidsTheProbes() {
        var driver = NDDriver()
        driver.makeReachable(mac: macA, at: .seconds(1))
        let reachable = driver.table.reachableTime
        driver.resolve(at: .seconds(1) + reachable - .seconds(1))
        driver.advance(to: .seconds(1) + reachable + .milliseconds(10))
        #expect(driver.state == .delay)
        driver.confirm(at: .seconds(2) + reachable)
        driver.advance(to: .seconds(10) + reachable)
        #expect(driver.state == .reachable)
        #expect(driver.sent.count == 1, "only the first multicast solicitation was ever sent")
    }
}

/// A solicitation for one of our own addresses feeds the table too (net/ipv6/ndisc.c,
/// `ndisc_recv_ns`): the sender's entry is looked up, created when the solicitation was
/// unicast or carries a Source Link-Layer Address option, and updated to STALE with
/// NEIGH_UPDATE_F_OVERRIDE | NEIGH_UPDATE_F_WEAK_OVERRIDE (net/core/neighbour.c,
/// `__neigh_update`).
@Suite("NDNeighbourTable: solicitations for our own address (ndisc_recv_ns)")
struct NDSolicitationForUsTests {
    static func header(to destination: IPv6Address) -> IPv6Header {
        IPv6Header(payloadLength: 32, nextHeader: .icmpv6, hopLimit: 255, source: peerIPv6, destination: destination)
    }

    static func solicitation(option: MACAddress?) -> NDPMessage {
        .neighborSolicitation(target: clientIPv6, options: option.map { [.sourceLinkLayerAddress($0)] } ?? [])
    }

    enum Start: Sendable { case none, reachableA, staleA }

    struct Case: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var start: Start
        var multicast = true
        var option: MACAddress?
        var answers: Bool
        var state: NeighbourState?
        var mac: MACAddress?
    }

    static let cases: [Case] = [
        Case(
            testDescription: "no entry, the option: created STALE", start: .none, option: macA, answers: true,
            state: .stale, mac: macA),
        Case(
            testDescription: "no entry, multicast without the option: nothing, no answer", start: .none,
            answers: false),
        Case(
            testDescription: "no entry, unicast without the option: answered, the answer resolves", start: .none,
            multicast: false, answers: true),
        Case(
            testDescription: "REACHABLE, the same address: stays REACHABLE", start: .reachableA, option: macA,
            answers: true, state: .reachable, mac: macA),
        Case(
            testDescription: "REACHABLE, another address: overridden, STALE", start: .reachableA, option: macB,
            answers: true, state: .stale, mac: macB),
        Case(
            testDescription: "STALE, another address: overridden", start: .staleA, option: macB, answers: true,
            state: .stale, mac: macB),
        Case(
            testDescription: "REACHABLE, no option: unchanged", start: .reachableA, multicast: false, answers: true,
            state: .reachable, mac: macA),
    ]

    @Test(
        "a solicitation for our own address creates the sender's entry when unicast or carrying its option, and sets it STALE at that address with override (Linux net/ipv6/ndisc.c ndisc_recv_ns; net/core/neighbour.c __neigh_update)",
        arguments: cases)
    func feedsTheSendersEntry(_ test: Case) {
        var driver = NDDriver()
        switch test.start {
        case .none: break
        case .reachableA: driver.makeReachable(mac: macA, at: .seconds(1))
        case .staleA:
            driver.resolve(at: .seconds(1))
            driver.receive(advertisement(solicited: false, override: true, mac: macA), at: .seconds(1))
        }
        var effects = NDNeighbourTable.Effects()
        let answers = driver.table.solicitationForUsReceived(
            Self.solicitation(option: test.option),
            in: Self.header(to: test.multicast ? clientIPv6.solicitedNodeMulticast : clientIPv6),
            now: .seconds(2), effects: &effects)
        #expect(answers == test.answers)
        #expect(driver.state == test.state)
        #expect(driver.mac == test.mac)
        #expect(effects.solicitations.isEmpty, "the update itself sends nothing")
    }

    @Test(
        "a timer armed before the table was emptied does not act on the entry made after (Linux net/core/neighbour.c neigh_ifdown deletes entries with their timers)"
    )
    func removedEntriesTimersAreIgnored() throws {
        var table = NDNeighbourTable(parameters: NeighbourParameters(), random: RandomStream(seed: 1))
        var first = NDNeighbourTable.Effects()
        _ = table.resolve(peerIPv6, now: .seconds(1), effects: &first)
        let stale = try #require(first.timer)
        table.removeAll()
        var second = NDNeighbourTable.Effects()
        _ = table.resolve(peerIPv6, now: .ms(1_500), effects: &second)
        #expect(second.solicitations.count == 1)
        var fired = NDNeighbourTable.Effects()
        table.timerFired(peerIPv6, generation: stale.generation, now: stale.time, effects: &fired)
        #expect(fired.solicitations.isEmpty && fired.timer == nil, "the old entry's retransmission")
        #expect(table.entry(for: peerIPv6)?.probes == NeighbourParameters().ucastSolicit + 1)
    }
}
