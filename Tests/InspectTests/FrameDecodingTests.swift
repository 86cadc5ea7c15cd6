import Inspect
import TestSupport
import Testing
import Wire

/// NDP, VLAN tags, truncated and malformed frames, other link types: what the analysis
/// reads, and what it counts and skips.
@Suite("Inspect: frame decoding")
struct FrameDecodingTests {
    @Test func neighborAdvertisementsClaimTheirTargetWithTheTargetLinkLayerAddress() throws {
        let analysis = analyse([
            (1.0, Net.solicitation()),
            (1.00005, Net.advertisement(ethernetSource: Net.nodeA, option: Net.nodeA, solicited: true)),
            // A proxy: the Ethernet source differs from the option, which is what caches take.
            (2.0, Net.advertisement(ethernetSource: Net.nodeC, option: Net.nodeB)),
            // No option: the Ethernet source stands in.
            (3.0, Net.advertisement(ethernetSource: Net.nodeB, option: nil, solicited: true)),
        ])
        let history = try #require(analysis.history(.v6(Net.vip6)))
        #expect(history.claims.map(\.mac) == [Net.nodeA, Net.nodeB])
        #expect(
            history.claims.map(\.kinds) == [
                [.solicitedAdvertisement], [.solicitedAdvertisement, .unsolicitedAdvertisement],
            ])
        #expect(history.requestCount == 1 && history.unanswered.isEmpty)
        #expect(analysis.counts.claims == 3 && analysis.counts.requests == 1)
    }

    @Test func anUnansweredSolicitationIsReportedAndADuplicateAddressProbeIsNot() throws {
        let analysis = analyse([
            (1.0, Net.solicitation(Net.vip6, from: Net.nodeA, source: .unspecified)),  // DAD
            (2.0, Net.solicitation()),
            (4.0, Net.advertisement(ethernetSource: Net.nodeB, option: Net.nodeB)),
        ])
        let history = try #require(analysis.history(.v6(Net.vip6)))
        #expect(
            history.unanswered == [
                UnansweredStretch(
                    from: s(2), lastRequest: s(2), answeredAt: s(4), duration: s(2),
                    requests: 1, askers: [Net.client])
            ])
        #expect(analysis.counts.unrelated == 1)
    }

    @Test func anAdvertisementWithAHopLimitBelow255IsMalformed() {
        // RFC 4861 section 7.1.2: receivers discard it, so it claims nothing.
        let analysis = analyse([(1.0, Net.advertisement(ethernetSource: Net.nodeA, option: Net.nodeA, hopLimit: 254))])
        #expect(analysis.addresses.isEmpty)
        #expect(analysis.counts.malformed == 1 && analysis.counts.firstMalformed?.frame == 1)
        #expect(analysis.counts.firstMalformed?.reason.contains("hop limit") == true)
    }

    @Test func vlanTaggedClaimsAreReadAndKeptApartPerVLAN() throws {
        let analysis = analyse([
            (1.0, Net.tagged(Net.reply(mac: Net.nodeA), vlans: [100])),
            (1.1, Net.tagged(Net.reply(mac: Net.nodeB), vlans: [200])),
            (1.2, Net.tagged(Net.reply(mac: Net.nodeA), vlans: [100])),
            (1.3, Net.tagged(Net.tagged(Net.gratuitous(mac: Net.nodeC), vlans: [7]), vlans: [30], tpid: 0x88A8)),
            (1.4, Net.tagged(Net.advertisement(ethernetSource: Net.nodeA, option: Net.nodeA), vlans: [100])),
        ])
        #expect(analysis.addresses.map(\.vlans) == [[30, 7], [100], [200], [100]])
        #expect(try #require(analysis.history(.v4(Net.vip), vlans: [100])).claims.map(\.count) == [2])
        #expect(try #require(analysis.history(.v4(Net.vip), vlans: [200])).claims.map(\.mac) == [Net.nodeB])
        #expect(try #require(analysis.history(.v4(Net.vip), vlans: [30, 7])).claims.map(\.mac) == [Net.nodeC])
        #expect(analysis.history(.v6(Net.vip6), vlans: [100]) != nil)
        #expect(analysis.conflictCount == 0, "the same IP on two VLANs is two IPs")
    }

    @Test func everyTruncationOfAClaimIsCountedAndSkippedNeverMisread() {
        let frames = [
            Net.reply(mac: Net.nodeA), Net.tagged(Net.gratuitous(mac: Net.nodeB), vlans: [5]),
            Net.advertisement(ethernetSource: Net.nodeA, option: Net.nodeA), Net.solicitation(),
        ]
        for frame in frames {
            // Ethernet padding after a 42-byte ARP packet (46 tagged) is not needed.
            let needed = frame[12] == 0x81 ? 46 : frame[12] == 0x08 ? 42 : frame.count
            for length in 0..<needed {
                var analyzer = CaptureAnalyzer()
                analyzer.add(
                    CapturedFrame(
                        timestampNanoseconds: 0, originalLength: frame.count, bytes: Array(frame.prefix(length))))
                let analysis = analyzer.analysis()
                #expect(analysis.counts.truncated == 1, "a frame cut to \(length) of \(frame.count) bytes")
                #expect(analysis.counts.firstTruncated?.frame == 1)
                #expect(analysis.counts.cutBySnapLength == 1)
                #expect(analysis.addresses.isEmpty)
            }
        }
    }

    @Test func aClaimCutOnlyInItsPaddingIsStillUsed() throws {
        var analyzer = CaptureAnalyzer()
        analyzer.add(
            CapturedFrame(
                timestampNanoseconds: 0, originalLength: 60, bytes: Array(Net.reply(mac: Net.nodeA).prefix(42))))
        let analysis = analyzer.analysis()
        #expect(analysis.counts.cutBySnapLength == 1 && analysis.counts.truncated == 0 && analysis.counts.claims == 1)
    }

    @Test func otherProtocolsCutShortAreNotCountedAsTruncated() {
        // An IPv4/TCP frame and an ICMPv6 echo request, cut short by a snapshot length.
        let tcp = EthernetFrame.ipv4TCP(
            destination: Net.nodeA, source: Net.client, ipSource: Net.clientIP, ipDestination: Net.vip,
            tcp: TCPHeader(
                sourcePort: 40000, destinationPort: 80, sequenceNumber: 1,
                acknowledgmentNumber: 0, flags: .syn, window: 64240))
        var echo = Net.solicitation()
        echo[EthernetHeader.length + IPv6Header.length] = 128
        let analysis = analyse([(1.0, Array(tcp.prefix(20))), (1.0, Array(echo.prefix(56)))])
        #expect(analysis.counts.truncated == 0 && analysis.counts.unrelated == 2)
    }

    @Test func foreignARPIsMalformedAndOtherLinkTypesAreCountedNotDecoded() {
        var foreign = Net.reply(mac: Net.nodeA)
        foreign[EthernetHeader.length + 1] = 6  // hardware type IEEE 802
        var analyzer = CaptureAnalyzer()
        analyzer.add(CapturedFrame(timestampNanoseconds: 0, bytes: foreign))
        for linkType: Int32 in [228, 0, 228, 105] {  // raw IPv4, BSD loopback, 802.11
            analyzer.add(CapturedFrame(timestampNanoseconds: 1, linkType: linkType, bytes: Net.reply(mac: Net.nodeA)))
        }
        let analysis = analyzer.analysis()
        #expect(analysis.counts.malformed == 1 && analysis.counts.firstMalformed?.reason.contains("ARP") == true)
        #expect(analysis.counts.undecodedLinkTypes.map(\.linkType) == [0, 105, 228])
        #expect(analysis.counts.undecodedLinkTypes.map(\.frames) == [1, 1, 2])
        #expect(analysis.counts.skipped == 5 && analysis.addresses.isEmpty)
    }

    /// `tcpdump -i any` writes Linux cooked headers: the same ARP or NDP payload behind a
    /// 16-byte (SLL) or 20-byte (SLL2) pseudo-header that names the protocol and the sender.
    static func cooked(_ ethernetFrame: [UInt8], version: Int) -> [UInt8] {
        let source = Array(ethernetFrame[6..<12])
        let protocolType = Array(ethernetFrame[12..<14])
        let payload = Array(ethernetFrame[14...])
        if version == 1 {
            // packet type 0 (to us), ARPHRD_ETHER, address length 6, address padded to 8.
            return [0, 0, 0, 1, 0, 6] + source + [0, 0] + protocolType + payload
        }
        // protocol, reserved, interface index 2, ARPHRD_ETHER, packet type 0, length 6, address.
        return protocolType + [0, 0, 0, 0, 0, 2, 0, 1, 0, 6] + source + [0, 0] + payload
    }

    @Test(arguments: [(Int32(113), 1), (Int32(276), 2)])
    func linuxCookedCapturesAreDecodedLikeEthernet(_ linkType: Int32, _ version: Int) {
        var analyzer = CaptureAnalyzer()
        let frames = [
            Net.reply(mac: Net.nodeA), Net.gratuitous(mac: Net.nodeB), Net.solicitation(),
            Net.advertisement(ethernetSource: Net.nodeA, option: nil),
        ]
        for (index, frame) in frames.enumerated() {
            analyzer.add(
                CapturedFrame(
                    timestampNanoseconds: Int64(index), linkType: linkType,
                    bytes: Self.cooked(frame, version: version)))
        }
        var ethernet = CaptureAnalyzer()
        for (index, frame) in frames.enumerated() {
            ethernet.add(CapturedFrame(timestampNanoseconds: Int64(index), bytes: frame))
        }
        let cooked = analyzer.analysis()
        let plain = ethernet.analysis()
        #expect(cooked.counts.undecodedLinkTypes.isEmpty && cooked.counts.skipped == 0)
        #expect(cooked.counts.claims == 3 && cooked.counts.requests == 1)
        // The same claims, with the NA's owner taken from the cooked header's sender address.
        #expect(cooked.addresses.map { $0.claims.map(\.mac) } == plain.addresses.map { $0.claims.map(\.mac) })
        #expect(cooked.addresses.map(\.ip) == plain.addresses.map(\.ip))
        // Every cut inside the pseudo-header is a truncated frame, never a crash.
        let cut = Self.cooked(Net.reply(mac: Net.nodeA), version: version)
        var short = CaptureAnalyzer()
        for length in 0..<(version == 1 ? 16 : 20) {
            short.add(CapturedFrame(timestampNanoseconds: 0, linkType: linkType, bytes: Array(cut.prefix(length))))
        }
        #expect(short.analysis().counts.truncated == (version == 1 ? 16 : 20))
    }

    @Test func randomBytesNeverCrashTheAnalysis() {
        var generator = SplitMix64(seed: 0x5eed)
        var analyzer = CaptureAnalyzer()
        let templates = [
            Net.reply(mac: Net.nodeA), Net.gratuitous(mac: Net.nodeB), Net.solicitation(),
            Net.advertisement(ethernetSource: Net.nodeA, option: Net.nodeA),
            Net.tagged(Net.reply(mac: Net.nodeA), vlans: [9, 9]),
        ]
        for round in 0..<20_000 {
            var frame = templates[round % templates.count]
            // Flip a few bytes, then keep a random prefix.
            for _ in 0..<3 {
                frame[Int(generator.next() % UInt64(frame.count))] = UInt8(truncatingIfNeeded: generator.next())
            }
            frame = Array(frame.prefix(Int(generator.next() % UInt64(frame.count + 1))))
            analyzer.add(CapturedFrame(timestampNanoseconds: Int64(generator.next() % 1_000_000_000_000), bytes: frame))
        }
        let counts = analyzer.analysis().counts
        #expect(counts.frames == 20_000)
        #expect(counts.claims + counts.requests + counts.unrelated + counts.truncated + counts.malformed == 20_000)
    }
}
