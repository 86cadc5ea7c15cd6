import Inspect
import Testing
import Wire

/// Conflicts: flip-flops between MACs with a change inside the conflict window.
@Suite("Inspect: conflicts")
struct ConflictTests {
    @Test func twoSpeakersAnsweringEveryRequestAreOneConflictOverTheWholeStretch() throws {
        var frames: [(Double, [UInt8])] = []
        for t in [0.0, 30.0, 60.0] {
            frames += [
                (t, Net.request()), (t + 0.00005, Net.reply(mac: Net.nodeA)), (t + 0.00008, Net.reply(mac: Net.nodeB)),
            ]
        }
        let history = try #require(analyse(frames).history(.v4(Net.vip)))
        #expect(history.claims.count == 6 && history.changes.count == 5)
        #expect(history.changes.map(\.returning) == [false, true, true, true, true])
        #expect(
            history.conflicts == [
                Conflict(
                    from: s(0.00005), to: s(60.00008), macs: [Net.nodeA, Net.nodeB],
                    switches: 5, claims: 6)
            ])
        #expect(history.unanswered.isEmpty)
    }

    @Test func threeSpeakersAnsweringInTurnAreAConflictToo() throws {
        var frames: [(Double, [UInt8])] = []
        for t in [0.0, 30.0] {
            frames += [
                (t + 0.1, Net.reply(mac: Net.nodeA)), (t + 0.2, Net.reply(mac: Net.nodeB)),
                (t + 0.3, Net.reply(mac: Net.nodeC)),
            ]
        }
        let history = try #require(analyse(frames).history(.v4(Net.vip)))
        #expect(history.conflicts.count == 1)
        #expect(history.conflicts.first?.macs == [Net.nodeA, Net.nodeB, Net.nodeC])
        #expect(history.conflicts.first?.switches == 5)
    }

    @Test func aQuickHandOverThatStaysIsNotAConflict() throws {
        let history = try #require(
            analyse([
                (1.0, Net.reply(mac: Net.nodeA)),
                (1.0001, Net.gratuitous(mac: Net.nodeB)),
                (2.1, Net.gratuitous(mac: Net.nodeB)),
                (9.0, Net.reply(mac: Net.nodeC)),
            ]).history(.v4(Net.vip)))
        #expect(history.changes.count == 2 && history.conflicts.isEmpty)
    }

    @Test func movingAwayAndBackWithSilenceAroundBothHandOversIsNotAConflict() throws {
        let history = try #require(
            analyse([
                (1.0, Net.gratuitous(mac: Net.nodeA)), (10.0, Net.reply(mac: Net.nodeA)),
                (21.5, Net.gratuitous(mac: Net.nodeB)), (30.0, Net.reply(mac: Net.nodeB)),
                (41.5, Net.gratuitous(mac: Net.nodeA)),
            ]).history(.v4(Net.vip)))
        #expect(history.changes.map(\.returning) == [false, true])
        #expect(history.conflicts.isEmpty)
    }

    @Test func movingBackAfterAHandOverWithinTheWindowIsReported() throws {
        // The documented limit: the claims cannot tell this from an old owner answering once
        // more after the new one took over.
        let history = try #require(
            analyse([
                (1.0, Net.gratuitous(mac: Net.nodeA)), (21.2, Net.reply(mac: Net.nodeA)),
                (21.5, Net.gratuitous(mac: Net.nodeB)), (30.0, Net.reply(mac: Net.nodeB)),
                (41.5, Net.gratuitous(mac: Net.nodeA)),
            ]).history(.v4(Net.vip)))
        #expect(
            history.conflicts == [
                Conflict(from: s(21.2), to: s(41.5), macs: [Net.nodeA, Net.nodeB], switches: 2, claims: 4)
            ])
    }

    @Test func theConflictWindowDecidesWhatIsClose() throws {
        // An isolated node's gratuitous rounds between two of the owner's answers, 2 s away.
        let frames: [(Double, [UInt8])] = [
            (0.0, Net.reply(mac: Net.nodeA)),
            (25.0, Net.gratuitous(mac: Net.nodeB)), (26.1, Net.gratuitous(mac: Net.nodeB)),
            (27.2, Net.gratuitous(mac: Net.nodeB)),
            (29.2, Net.reply(mac: Net.nodeA)),
        ]
        #expect(try #require(analyse(frames).history(.v4(Net.vip))).conflicts.isEmpty)
        let wide = try #require(analyse(frames, options: InspectOptions(conflictWindow: s(3))).history(.v4(Net.vip)))
        #expect(
            wide.conflicts == [Conflict(from: s(0), to: s(29.2), macs: [Net.nodeA, Net.nodeB], switches: 2, claims: 5)])
    }

    @Test func separateFlipFlopsAreSeparateConflicts() throws {
        let nodeD = MACAddress(0x00, 0x50, 0x56, 0x00, 0x3b, 0x73)
        let history = try #require(
            analyse([
                (1.0, Net.reply(mac: Net.nodeA)), (1.1, Net.reply(mac: Net.nodeB)), (1.2, Net.reply(mac: Net.nodeA)),
                (100.0, Net.gratuitous(mac: Net.nodeC)),
                (200.0, Net.reply(mac: nodeD)), (200.1, Net.reply(mac: Net.nodeC)),
            ]).history(.v4(Net.vip)))
        // A B A (conflict), C after silence, D, C again within the window (conflict).
        #expect(history.conflicts.map(\.from) == [s(1.0), s(100)])
        #expect(history.conflicts.map(\.to) == [s(1.2), s(200.1)])
        #expect(history.conflicts.map(\.macs) == [[Net.nodeA, Net.nodeB], [Net.nodeC, nodeD]])
        #expect(history.conflicts.map(\.switches) == [2, 2])
    }

    @Test func onlyAFlipFlopWhoseEndsAreCloseIsAConflict() throws {
        // B: takes over at 10 after silence, loses the IP at 40 after silence, comes back at 90
        // after silence. C's quick hand-over in between involves neither end of B ... B.
        let history = try #require(
            analyse([
                (1.0, Net.reply(mac: Net.nodeA)),
                (10.0, Net.gratuitous(mac: Net.nodeB)), (20.0, Net.reply(mac: Net.nodeB)),
                (40.0, Net.gratuitous(mac: Net.nodeC)), (50.0, Net.reply(mac: Net.nodeC)),
                (50.1, Net.gratuitous(mac: Net.nodeA)),
                (90.0, Net.gratuitous(mac: Net.nodeB)),
            ]).history(.v4(Net.vip)))
        // A ... A (1 -> 50.1) came back within the window of C's claim: that one is a conflict.
        #expect(
            history.conflicts == [
                Conflict(
                    from: s(1), to: s(50.1), macs: [Net.nodeA, Net.nodeB, Net.nodeC],
                    switches: 3, claims: 6)
            ])
    }
}
