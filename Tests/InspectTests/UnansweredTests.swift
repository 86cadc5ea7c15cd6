import Inspect
import Testing
import Wire

/// Requests nobody answered within the answer window, grouped until the next claim.
@Suite("Inspect: unanswered requests")
struct UnansweredTests {
    @Test func requestsDuringAFailoverAreOneStretchUntilTheNextClaim() throws {
        let other = MACAddress(0x00, 0x50, 0x56, 0x00, 0x3b, 0x10)
        let analysis = analyse([
            (1.0, Net.request()), (1.00005, Net.reply(mac: Net.nodeA)),  // answered
            (20.0, Net.request()), (21.0, Net.request()), (22.0, Net.request(from: other)),
            (23.5, Net.gratuitous(mac: Net.nodeB)),  // the new owner
            (30.0, Net.request()), (30.00005, Net.reply(mac: Net.nodeB)),  // answered again
        ])
        let history = try #require(analysis.history(.v4(Net.vip)))
        #expect(
            history.unanswered == [
                UnansweredStretch(
                    from: s(20), lastRequest: s(22), answeredAt: s(23.5),
                    duration: s(3.5), requests: 3, askers: [other, Net.client])
            ])
    }

    @Test func aRequestNobodyEverAnswersStaysOpenUntilTheEndOfTheCapture() throws {
        let analysis = analyse([
            (1.0, Net.request(IPv4Address(10, 200, 200, 13))),
            (2.0, Net.request(IPv4Address(10, 200, 200, 13))),
            (9.0, Net.reply(mac: Net.nodeA)),  // another IP: only sets the capture's end
        ])
        let history = try #require(analysis.history(.v4(IPv4Address(10, 200, 200, 13))))
        #expect(history.claims.isEmpty)
        #expect(
            history.unanswered == [
                UnansweredStretch(
                    from: s(1), lastRequest: s(2), answeredAt: nil, duration: s(8),
                    requests: 2, askers: [Net.client])
            ])
    }

    @Test func aClaimAfterTheWindowEndsTheStretchButDoesNotAnswerIt() throws {
        let frames: [(Double, [UInt8])] = [
            (10.0, Net.request()), (11.5, Net.reply(mac: Net.nodeA)),
            (40.0, Net.request()), (40.2, Net.reply(mac: Net.nodeA)),
        ]
        let late = try #require(analyse(frames).history(.v4(Net.vip)))
        #expect(late.unanswered.map(\.from) == [s(10)] && late.unanswered.map(\.answeredAt) == [s(11.5)])
        #expect(late.unanswered.map(\.duration) == [s(1.5)])
        // With a 2 s window the same reply is an answer.
        let patient = try #require(analyse(frames, options: InspectOptions(answerWindow: s(2))).history(.v4(Net.vip)))
        #expect(patient.unanswered.isEmpty)
    }

    @Test func aClaimBeforeTheRequestDoesNotAnswerIt() throws {
        let history = try #require(
            analyse([(5.0, Net.gratuitous(mac: Net.nodeA)), (5.5, Net.request())]).history(.v4(Net.vip)))
        #expect(history.unanswered.count == 1 && history.unanswered[0].answeredAt == nil)
    }

    @Test func stretchesSeparatedByAClaimAreReportedSeparately() throws {
        let history = try #require(
            analyse([
                (1.0, Net.request()), (3.0, Net.reply(mac: Net.nodeA)),
                (4.0, Net.request()), (6.0, Net.reply(mac: Net.nodeA)),
            ]).history(.v4(Net.vip)))
        #expect(history.unanswered.map(\.from) == [s(1), s(4)])
        #expect(history.unanswered.map(\.answeredAt) == [s(3), s(6)])
    }
}
