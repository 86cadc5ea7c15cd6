import Inspect
import Testing
import Wire

/// Which frames claim an IP, and how claims by one MAC collapse into runs.
@Suite("Inspect: claims")
struct ClaimTests {
    @Test func repliesAndGratuitousRequestsByOneMACAreOneRun() throws {
        let analysis = analyse([
            (1.0, Net.gratuitous(mac: Net.nodeA)),
            (1.0, Net.reply(Net.vip, mac: Net.nodeA)),
            (5.0, Net.request()),
            (5.00005, Net.reply(mac: Net.nodeA)),
        ])
        let history = try #require(analysis.history(.v4(Net.vip)))
        #expect(
            history.claims == [
                ClaimInterval(
                    mac: Net.nodeA, first: s(1), last: s(5.00005), firstFrame: 1, lastFrame: 4,
                    count: 3, kinds: [.arpReply, .gratuitousARP])
            ])
        #expect(history.changes.isEmpty && history.conflicts.isEmpty && history.unanswered.isEmpty)
        #expect(history.claimCount == 3 && history.requestCount == 1)
        // The client's request also says where the client is, but that is not a claim.
        #expect(analysis.history(.v4(Net.clientIP)) == nil)
        #expect(analysis.counts.claims == 3 && analysis.counts.requests == 1 && analysis.counts.frames == 4)
        #expect(analysis.start == s(1) && analysis.end == s(5.00005))
    }

    @Test func aChangeOfMACEndsARunAndIsReportedWithItsGap() throws {
        let analysis = analyse([
            (1.0, Net.gratuitous(mac: Net.nodeA)),
            (8.0, Net.reply(mac: Net.nodeA)),
            (14.5, Net.gratuitous(mac: Net.nodeB)),
            (15.6, Net.gratuitous(mac: Net.nodeB)),
        ])
        let history = try #require(analysis.history(.v4(Net.vip)))
        #expect(history.claims.map(\.mac) == [Net.nodeA, Net.nodeB])
        #expect(history.claims.map(\.first) == [s(1), s(14.5)] && history.claims.map(\.last) == [s(8), s(15.6)])
        #expect(
            history.changes == [MACChange(time: s(14.5), from: Net.nodeA, to: Net.nodeB, gap: s(6.5), returning: false)]
        )
        #expect(history.conflicts.isEmpty, "a failover is not a conflict")
    }

    @Test func framesOutOfTimeOrderAreSortedByTimeThenFrameNumber() throws {
        let analysis = analyse([
            (20.0, Net.gratuitous(mac: Net.nodeB)),
            (1.0, Net.gratuitous(mac: Net.nodeA)),
            (20.0, Net.reply(mac: Net.nodeB)),
        ])
        let history = try #require(analysis.history(.v4(Net.vip)))
        #expect(history.claims.map(\.mac) == [Net.nodeA, Net.nodeB])
        #expect(history.claims[1].firstFrame == 1 && history.claims[1].lastFrame == 3)
        #expect(analysis.start == s(1) && analysis.end == s(20))
    }

    @Test func probesAndAnnouncementsFromTheUnspecifiedAddressClaimAndAskNothing() {
        let unspecified = IPv4Address(rawValue: 0)
        let analysis = analyse([
            (1.0, Net.request(Net.vip, from: Net.nodeA, senderIP: unspecified)),  // RFC 5227 probe
            (1.1, Net.gratuitous(unspecified, mac: Net.nodeA)),
            (1.2, Net.reply(unspecified, mac: Net.nodeA)),
        ])
        #expect(analysis.addresses.isEmpty)
        #expect(analysis.counts.unrelated == 3 && analysis.counts.claims == 0 && analysis.counts.requests == 0)
    }

    @Test func addressesAreListedInNumericOrderIPv4First() {
        let analysis = analyse([
            (1.0, Net.reply(IPv4Address(10, 0, 0, 20), mac: Net.nodeA)),
            (1.0, Net.advertisement(IPv6Address("2001:db8::1")!, ethernetSource: Net.nodeA, option: Net.nodeA)),
            (1.0, Net.reply(IPv4Address(10, 0, 0, 3), mac: Net.nodeA)),
            (1.0, Net.reply(IPv4Address(9, 255, 0, 1), mac: Net.nodeA)),
        ])
        #expect(analysis.addresses.map(\.ip.description) == ["9.255.0.1", "10.0.0.3", "10.0.0.20", "2001:db8::1"])
    }

    @Test func anEmptyCaptureHasNoTimesAndNoAddresses() {
        let analysis = CaptureAnalyzer().analysis()
        #expect(
            analysis.start == nil && analysis.end == nil && analysis.addresses.isEmpty && analysis.counts.frames == 0)
    }
}
