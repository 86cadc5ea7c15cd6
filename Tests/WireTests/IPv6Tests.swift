import TestSupport
import Testing

@testable import Wire

extension SplitMix64 {
    /// An IPv6 address whose groups are zero half the time, so that runs of zero groups of
    /// every length (and ties between runs) occur often enough to exercise `::` placement.
    fileprivate mutating func sparseIPv6() -> IPv6Address {
        var words: [UInt64] = [0, 0]
        for group in 0..<8 {
            let value: UInt16 = bool() ? 0 : (bool() ? u16() : UInt16(u8() & 0x0F))
            words[group / 4] = words[group / 4] << 16 | UInt64(value)
        }
        return IPv6Address(high: words[0], low: words[1])
    }

    fileprivate mutating func ipv6() -> IPv6Address {
        IPv6Address(
            high: UInt64.random(in: .min ... .max, using: &self), low: UInt64.random(in: .min ... .max, using: &self))
    }
}

/// RFC 5952 section 4 written a second way, to check `description` against: list every
/// maximal run of zero groups, keep the longest (earliest on a tie) if it is two or more.
private func referenceCanonical(_ address: IPv6Address) -> String {
    let groups = (0..<8).map {
        UInt16(truncatingIfNeeded: ($0 < 4 ? address.high : address.low) >> UInt64(48 - 16 * ($0 % 4)))
    }
    var runs: [(start: Int, length: Int)] = []
    for start in 0..<8 where groups[start] == 0 && (start == 0 || groups[start - 1] != 0) {
        runs.append((start, groups[start...].prefix(while: { $0 == 0 }).count))
    }
    let text = groups.map { String($0, radix: 16) }
    guard let best = runs.filter({ $0.length >= 2 }).min(by: { ($1.length, $0.start) < ($0.length, $1.start) }) else {
        return text.joined(separator: ":")
    }
    return text[..<best.start].joined(separator: ":") + "::"
        + text[(best.start + best.length)...].joined(separator: ":")
}

/// The full form with every group four digits: `2001:0db8:0000:...`.
private func fullForm(_ address: IPv6Address) -> String {
    address.octets.enumerated().map { index, octet in
        let digits = String(octet, radix: 16)
        return (index > 0 && index % 2 == 0 ? ":" : "") + (digits.count == 1 ? "0" : "") + digits
    }.joined()
}

@Suite("IPv6Address")
struct IPv6AddressTests {
    @Test(arguments: [
        // RFC 5952 section 4 and its examples.
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
        ("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        ("2001:db8:0:0:0:0:2:1", "2001:db8::2:1"),
        ("2001:db8::0:1", "2001:db8::1"),
        ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
        ("2001:0:0:1:0:0:0:1", "2001:0:0:1::1"),
        ("2001:db8:0:0:1:0:0:0", "2001:db8:0:0:1::"),
        ("2001:DB8::ABCD:EF", "2001:db8::abcd:ef"),
        ("2001:db8::aaaa:0:0:1", "2001:db8::aaaa:0:0:1"),
        // Edges of the space and of the `::` rules.
        ("::", "::"),
        ("0:0:0:0:0:0:0:0", "::"),
        ("::1", "::1"),
        ("0:0:0:0:0:0:0:1", "::1"),
        ("1::", "1::"),
        ("1:0:0:0:0:0:0:0", "1::"),
        ("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"),
        ("::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8"),
        ("1:0:1:0:1:0:1:0", "1:0:1:0:1:0:1:0"),
        ("1:0:0:0:2:0:0:0", "1::2:0:0:0"),
        ("0:0:1:0:0:1:0:0", "::1:0:0:1:0:0"),
        ("1:0:0:2:0:0:0:3", "1:0:0:2::3"),
        ("0001:002:03:4::", "1:2:3:4::"),
        ("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
        ("fe80::5054:ff:feab:cdef", "fe80::5054:ff:feab:cdef"),
        ("ff02::1", "ff02::1"),
        // Embedded IPv4 tails; only IPv4-mapped prints mixed (RFC 5952 section 5).
        ("::ffff:192.0.2.1", "::ffff:192.0.2.1"),
        ("::ffff:c000:201", "::ffff:192.0.2.1"),
        ("0:0:0:0:0:ffff:192.0.2.1", "::ffff:192.0.2.1"),
        ("64:ff9b::192.0.2.1", "64:ff9b::c000:201"),
        ("::192.0.2.1", "::c000:201"),
        ("1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304"),
        ("1::6:255.255.255.255", "1::6:ffff:ffff"),
    ])
    func parsesAndPrints(text: String, printed: String) throws {
        let address = try #require(IPv6Address(text))
        #expect(address.description == printed)
        #expect(IPv6Address(printed) == address)
        #expect(IPv6Address(Substring(text)) == address, "any StringProtocol")
    }

    @Test(arguments: [
        ("2001:db8::1", UInt64(0x2001_0DB8_0000_0000), UInt64(1)),
        ("::", 0, 0),
        ("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", .max, .max),
        ("1:2:3:4:5:6:7:8", 0x0001_0002_0003_0004, 0x0005_0006_0007_0008),
        ("::ffff:192.0.2.1", 0, 0x0000_FFFF_C000_0201),
        ("64:ff9b::10.200.200.120", 0x0064_FF9B_0000_0000, 0x0000_0000_0AC8_C878),
    ])
    func parsesToWords(text: String, high: UInt64, low: UInt64) throws {
        let address = try #require(IPv6Address(text))
        #expect(address.high == high)
        #expect(address.low == low)
        #expect(address == IPv6Address(high: high, low: low))
    }

    @Test(arguments: [
        "", ":", ":::", "::::", ":::1", "1:::2", "::1::", "1::2::3", "12345::", "00001::", "::12345",
        "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8",
        "1:2:3:4::5:6:7:8", "1::2:3:4:5:6:7:8", ":1::", ":1:2:3:4:5:6:7:8", "1::2:", "1:2:3:4:5:6:7:8:",
        "fe80::1%eth0", "fe80::1%", "%eth0", "::%1", "g::", "2001:db8::g", "1.2.3.4", "::ffff:1.2.3",
        "::ffff:1.2.3.04", "::ffff:01.2.3.4", "::ffff:256.1.1.1", "1:2:3:4:5:6:7:1.2.3.4",
        "::1.2.3.4:5", "::1.2.3.4.5", "::1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7:8:1.2.3.4", "1.2.3.4::",
        " ::1", "::1 ", "+1::", "-1::", "0x1::", "[::1]", "::1/128", "::ffff:1.2.3.4/128", "\u{0661}::",
        "\u{FF41}::", "2001:db8:::1", "1:2:3:4:5:6::1.2.3.4",
    ])
    func rejects(text: String) {
        #expect(IPv6Address(text) == nil)
    }

    @Test(arguments: [
        ("::ffff:192.0.2.1", "192.0.2.1"),
        ("::ffff:0.0.0.0", "0.0.0.0"),
        ("::ffff:255.255.255.255", "255.255.255.255"),
        ("::192.0.2.1", "::c000:201"),
        ("::fffe:c000:201", "::fffe:c000:201"),
        ("::1:ffff:c000:201", "::1:ffff:c000:201"),
        ("2001:db8::1", "2001:db8::1"),
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
    ])
    func goStringPrintsMappedAsIPv4(text: String, printed: String) throws {
        let address = try #require(IPv6Address(text))
        #expect(address.goString == printed)
    }

    @Test func octetsAndBytes() {
        let address = IPv6Address("2001:db8::1:2:3")!
        #expect(address.octets == [0x20, 0x01, 0x0D, 0xB8, 0, 0, 0, 0, 0, 0, 0, 0x01, 0, 0x02, 0, 0x03])
        #expect(IPv6Address(address.octets) == address)
        let bytes: [UInt8] = Array(1...16)
        let counted = IPv6Address(bytes)
        #expect(counted.high == 0x0102_0304_0506_0708)
        #expect(counted.low == 0x090A_0B0C_0D0E_0F10)
        #expect(counted.octets == bytes)
        #expect(counted.description == "102:304:506:708:90a:b0c:d0e:f10")
    }

    @Test func constants() {
        #expect(IPv6Address.unspecified.description == "::")
        #expect(IPv6Address.unspecified == IPv6Address("::"))
        #expect(IPv6Address.allNodes.description == "ff02::1")
        #expect(IPv6Address.allNodes.isMulticast)
        #expect(IPv6Address.allNodes.multicastMAC == MACAddress("33:33:00:00:00:01"))
    }

    @Test(arguments: [
        ("fe80::1", true, false),
        ("fe80::5054:ff:feab:cdef", true, false),
        ("febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", true, false),
        ("fec0::1", false, false),
        ("fe7f:ffff::", false, false),
        ("2001:db8::1", false, false),
        ("::1", false, false),
        ("ff00::", false, true),
        ("ff02::1", false, true),
        ("ff02::1:ff02:3", false, true),
        ("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", false, true),
        ("feff::", false, false),
    ])
    func scopeFlags(text: String, linkLocal: Bool, multicast: Bool) throws {
        let address = try #require(IPv6Address(text))
        #expect(address.isLinkLocalUnicast == linkLocal)
        #expect(address.isMulticast == multicast)
    }

    @Test(arguments: [
        ("2001:db8::1:2:3", "ff02::1:ff02:3", "33:33:ff:02:00:03"),
        ("fe80::5054:ff:feab:cdef", "ff02::1:ffab:cdef", "33:33:ff:ab:cd:ef"),
        ("::", "ff02::1:ff00:0", "33:33:ff:00:00:00"),
        ("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ff02::1:ffff:ffff", "33:33:ff:ff:ff:ff"),
        ("2001:db8::aabb:ccdd", "ff02::1:ffbb:ccdd", "33:33:ff:bb:cc:dd"),
    ])
    func solicitedNodeMulticast(text: String, group: String, mac: String) throws {
        let address = try #require(IPv6Address(text))
        let solicited = address.solicitedNodeMulticast
        #expect(solicited.description == group)
        #expect(solicited.isMulticast)
        #expect(solicited.multicastMAC == MACAddress(mac))
        #expect(solicited.multicastMAC.isMulticast)
    }

    @Test func ordering() {
        let sorted = [
            "::", "::1", "::2", "::ffff:ffff:ffff:ffff", "0:0:0:1::", "1::", "2001:db8::", "2001:db8::1", "fe80::1",
            "ffff::",
        ]
        .map { IPv6Address($0)! }
        for (index, address) in sorted.enumerated() {
            for other in sorted[(index + 1)...] {
                #expect(address < other, "\(address) < \(other)")
                #expect(!(other < address))
            }
        }
        var rng = SplitMix64(seed: 0x5EED)
        #expect(sorted.shuffled(using: &rng).sorted() == sorted)
    }

    /// Seeded random addresses: `description` matches a second implementation of RFC 5952,
    /// parses back to the same address, and so do the full and upper-case forms.
    @Test func randomRoundTrip() {
        var rng = SplitMix64(seed: 0x4950_7636)
        for iteration in 0..<4_000 {
            let address = iteration % 4 == 0 ? rng.ipv6() : rng.sparseIPv6()
            let text = address.description
            if !address.isIPv4Mapped {
                #expect(text == referenceCanonical(address))
                #expect(text == address.goString)
            }
            #expect(IPv6Address(text) == address, "\(text)")
            #expect(IPv6Address(fullForm(address)) == address)
            #expect(IPv6Address(fullForm(address).uppercased()) == address)
            #expect(text == text.lowercased())
            #expect(text.ranges(of: "::").count <= 1, "at most one ::")
            #expect(IPv6Address(address.octets) == address)
        }
    }
}

@Suite("IPv6CIDR")
struct IPv6CIDRTests {
    @Test(arguments: [
        ("2001:db8::/32", "2001:db8::/32"),
        ("2001:db8::5/64", "2001:db8::/64"),
        ("2001:db8:1234:5679::/63", "2001:db8:1234:5678::/63"),
        ("2001:db8::ffff/120", "2001:db8::ff00/120"),
        ("::/0", "::/0"),
        ("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/0", "::/0"),
        ("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/1", "8000::/1"),
        ("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/65", "ffff:ffff:ffff:ffff:8000::/65"),
        ("2001:db8::1/128", "2001:db8::1/128"),
        ("::ffff:10.0.0.1/120", "::ffff:10.0.0.0/120"),
        ("fe80::5054:ff:feab:cdef/10", "fe80::/10"),
        ("2001:db8::/064", "2001:db8::/64"),
    ])
    func parsesMasksAndPrints(text: String, printed: String) throws {
        let cidr = try #require(IPv6CIDR(text))
        #expect(cidr.description == printed)
        #expect(IPv6CIDR(printed) == cidr)
    }

    @Test(arguments: [
        "", "2001:db8::", "2001:db8::/129", "2001:db8::/", "/64", "2001:db8::/-1", "2001:db8::/+64",
        "2001:db8::/64/64", "fe80::1%eth0/64", "fe80::1/64%eth0", "10.0.0.0/8", "2001:db8::/ 64",
        "2001:db8::/1000", ":::/64", "2001:db8::/6a", "2001:db8::/0x40", "2001:db8/32",
    ])
    func rejects(text: String) {
        #expect(IPv6CIDR(text) == nil)
    }

    @Test(arguments: [
        (128, 0, UInt64?.some(1)),
        (120, 8, 256),
        (65, 63, UInt64(1) << 63),
        (64, 64, nil),
        (1, 127, nil),
        (0, 128, nil),
    ])
    func hostBitsAndAddressCount(prefixLength: Int, hostBits: Int, count: UInt64?) {
        let cidr = IPv6CIDR(network: IPv6Address("2001:db8::")!, prefixLength: prefixLength)
        #expect(cidr.hostBits == hostBits)
        #expect(cidr.addressCount == count)
    }

    @Test func boundsAndMembership() {
        let cidr = IPv6CIDR("2001:db8::/120")!
        #expect(cidr.first == IPv6Address("2001:db8::"))
        #expect(cidr.last == IPv6Address("2001:db8::ff"))
        #expect(cidr.contains(IPv6Address("2001:db8::ff")!))
        #expect(cidr.contains(IPv6Address("2001:db8::")!))
        #expect(!cidr.contains(IPv6Address("2001:db8::100")!))
        #expect(!cidr.contains(IPv6Address("2001:db7:ffff:ffff:ffff:ffff:ffff:ffff")!))
        #expect(!cidr.contains(IPv6Address("2001:db8:0:1::")!), "high word differs")

        let whole = IPv6CIDR("::/0")!
        #expect(whole.first == .unspecified)
        #expect(whole.last == IPv6Address(high: .max, low: .max))
        #expect(whole.contains(IPv6Address("ffff::1")!))

        let wide = IPv6CIDR("2001:db8::/64")!
        #expect(wide.last == IPv6Address("2001:db8::ffff:ffff:ffff:ffff"))
        #expect(!wide.contains(IPv6Address("2001:db8:0:1::")!))
        let narrow = IPv6CIDR("2001:db8::/96")!
        #expect(narrow.last == IPv6Address("2001:db8::ffff:ffff"))
        #expect(!narrow.contains(IPv6Address("2001:db8::1:0:0")!))

        #expect(IPv6CIDR("2001:db8::/32")!.overlaps(IPv6CIDR("2001:db8:1::/48")!))
        #expect(IPv6CIDR("2001:db8:1::/48")!.overlaps(IPv6CIDR("2001:db8::/32")!))
        #expect(!IPv6CIDR("2001:db8::/65")!.overlaps(IPv6CIDR("2001:db8::8000:0:0:0/65")!))
        #expect(IPv6CIDR("::/0")!.overlaps(IPv6CIDR("ff02::1/128")!))
        #expect(IPv6CIDR("2001:db8::/32")! < IPv6CIDR("2001:db8::/33")!)
        #expect(IPv6CIDR("2001:db8::/65")! < IPv6CIDR("2001:db8::8000:0:0:0/65")!)
        #expect(IPv6CIDR("::ffff:ffff:ffff:ffff/128")! < IPv6CIDR("0:0:0:1::/64")!)
    }

    @Test(arguments: [
        ("2001:db8::", "2001:db8::ff", ["2001:db8::/120"]),
        ("2001:db8::1", "2001:db8::4", ["2001:db8::1/128", "2001:db8::2/127", "2001:db8::4/128"]),
        ("2001:db8::1", "2001:db8::1", ["2001:db8::1/128"]),
        ("::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", ["::/0"]),
        ("8000::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", ["8000::/1"]),
        ("::", "::ffff:ffff:ffff:ffff", ["::/64"]),
        ("::ffff:ffff:ffff:ffff", "0:0:0:1::", ["::ffff:ffff:ffff:ffff/128", "0:0:0:1::/128"]),
        ("::ffff:ffff:ffff:fffe", "0:0:0:1::1", ["::ffff:ffff:ffff:fffe/127", "0:0:0:1::/127"]),
        (
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            ["ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128"]
        ),
        ("2001:db8::", "2001:db8:0:1:ffff:ffff:ffff:ffff", ["2001:db8::/63"]),
        ("2001:db8::", "2001:db8:0:2::", ["2001:db8::/63", "2001:db8:0:2::/128"]),
    ])
    func summarizeKnownRanges(first: String, last: String, expected: [String]) {
        let blocks = IPv6CIDR.summarize(first: IPv6Address(first)!, last: IPv6Address(last)!)
        #expect(blocks.map(\.description) == expected)
    }

    @Test func summarizeAllButOneEnd() {
        let top = IPv6Address(high: .max, low: .max)
        let fromOne = IPv6CIDR.summarize(first: IPv6Address("::1")!, last: top)
        #expect(fromOne.count == 128)
        #expect(fromOne.map(\.prefixLength) == Array((1...128).reversed()))
        #expect(fromOne.first?.description == "::1/128")
        #expect(fromOne.last?.description == "8000::/1")
        let toPenultimate = IPv6CIDR.summarize(first: .unspecified, last: IPv6Address(high: .max, low: .max - 1))
        #expect(toPenultimate.count == 128)
        #expect(toPenultimate.map(\.prefixLength) == Array(1...128))
        #expect(toPenultimate.last?.description == "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/128")
    }

    /// Within one aligned /96 the IPv6 summary must be the IPv4 one shifted up by 96 bits of
    /// prefix: the already tested IPv4 code serves as an oracle.
    @Test func summarizeMatchesIPv4WithinA96() {
        var rng = SplitMix64(seed: 0x3936_7634)
        for iteration in 0..<1_000 {
            let base = IPv6Address(
                high: UInt64.random(in: .min ... .max, using: &rng),
                low: UInt64(rng.u32()) << 32)
            let start = rng.u32()
            let span =
                iteration % 2 == 0
                ? min(UInt32.random(in: 0...1_000, using: &rng), .max - start)
                : UInt32.random(in: 0...(.max - start), using: &rng)
            let end = start + span
            let v4 = IPv4CIDR.summarize(first: IPv4Address(rawValue: start), last: IPv4Address(rawValue: end))
            let v6 = IPv6CIDR.summarize(
                first: IPv6Address(high: base.high, low: base.low | UInt64(start)),
                last: IPv6Address(high: base.high, low: base.low | UInt64(end)))
            #expect(v6.map(\.prefixLength) == v4.map { $0.prefixLength + 96 })
            #expect(v6.map { UInt32(truncatingIfNeeded: $0.network.low) } == v4.map(\.network.rawValue))
            #expect(v6.allSatisfy { $0.network.high == base.high && $0.network.low >> 32 == base.low >> 32 })
        }
    }

    /// Random ranges of every width, including ones crossing the 64-bit word boundary: the
    /// blocks are aligned, ascending, contiguous, start at `first`, end at `last` (so cover
    /// exactly the range), and no two neighbours could merge into one block.
    @Test func summarizeRandomRangesCoverExactly() {
        var rng = SplitMix64(seed: 0x3643_4944)
        for iteration in 0..<2_000 {
            let a = iteration % 3 == 0 ? rng.ipv6() : rng.sparseIPv6()
            let b: IPv6Address
            switch iteration % 4 {
            case 0: b = rng.ipv6()
            case 1:
                // Narrow: a few thousand addresses, often across the word boundary.
                let (low, carry) = a.low.addingReportingOverflow(UInt64.random(in: 0...5_000, using: &rng))
                b =
                    carry && a.high == .max
                    ? IPv6Address(high: .max, low: .max)
                    : IPv6Address(high: a.high &+ (carry ? 1 : 0), low: low)
            case 2: b = IPv6Address(high: a.high, low: UInt64.random(in: .min ... .max, using: &rng))
            default: b = IPv6Address(high: a.high &+ 1, low: UInt64.random(in: .min ... .max, using: &rng))
            }
            let (first, last) = a <= b ? (a, b) : (b, a)
            let blocks = IPv6CIDR.summarize(first: first, last: last)
            #expect(blocks.first?.first == first)
            #expect(blocks.last?.last == last)
            #expect(blocks.count <= 254, "at most two blocks per prefix length")
            for (index, block) in blocks.enumerated() {
                #expect(IPv6CIDR(network: block.network, prefixLength: block.prefixLength) == block)
                #expect(block.contains(block.first) && block.contains(block.last))
                guard index > 0 else { continue }
                let previous = blocks[index - 1]
                #expect(previous.last.successor == block.first, "contiguous and ascending")
                #expect(previous < block)
                #expect(!previous.overlaps(block))
                let merged =
                    previous.prefixLength > 0
                    ? IPv6CIDR(network: previous.network, prefixLength: previous.prefixLength - 1) : nil
                let mergeable = previous.prefixLength == block.prefixLength && merged?.network == previous.network
                #expect(!mergeable, "\(previous) and \(block) should have been one block")
            }
        }
    }
}
