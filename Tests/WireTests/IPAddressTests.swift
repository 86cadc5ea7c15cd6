import TestSupport
import Testing

@testable import Wire

@Suite("IPFamily")
struct IPFamilyTests {
    @Test func kubernetesSpelling() {
        #expect(IPFamily.ipv4.rawValue == "IPv4")
        #expect(IPFamily.ipv6.rawValue == "IPv6")
        #expect(IPFamily(rawValue: "IPv6") == .ipv6)
        #expect(IPFamily(rawValue: "ipv6") == nil, "the spelling is case-sensitive, as the API server's")
        #expect(IPFamily.allCases == [.ipv4, .ipv6])
        #expect(IPFamily.ipv4.description == "IPv4")
    }
}

@Suite("IPAddress")
struct IPAddressTests {
    @Test(arguments: [
        ("10.200.200.120", IPFamily.ipv4, "10.200.200.120"),
        ("0.0.0.0", .ipv4, "0.0.0.0"),
        ("255.255.255.255", .ipv4, "255.255.255.255"),
        ("2001:db8::1", .ipv6, "2001:db8::1"),
        ("2001:0db8:0000:0000:0000:0000:0000:0001", .ipv6, "2001:db8::1"),
        ("::", .ipv6, "::"),
        ("::ffff:1.2.3.4", .ipv6, "::ffff:1.2.3.4"),
        ("::ffff:102:304", .ipv6, "::ffff:1.2.3.4"),
        ("::1.2.3.4", .ipv6, "::102:304"),
        ("64:ff9b::192.0.2.1", .ipv6, "64:ff9b::c000:201"),
    ])
    func parsesAndPrints(text: String, family: IPFamily, printed: String) throws {
        let address = try #require(IPAddress(text))
        #expect(address.family == family)
        #expect(address.description == printed)
        #expect(IPAddress(printed) == address)
        switch address {
        case .v4(let inner): #expect(inner == IPv4Address(text))
        case .v6(let inner): #expect(inner == IPv6Address(text))
        }
    }

    @Test(arguments: [
        "", "1.2.3", "01.2.3.4", "1.2.3.4/32", "256.0.0.1", "fe80::1%eth0", ":::", "::ffff:1.2.3.04",
        "1.2.3.4::", "2001:db8::/32", " 10.0.0.1", "localhost",
    ])
    func rejects(text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test func mappedStaysIPv6() throws {
        let mapped = try #require(IPAddress("::ffff:10.0.0.1"))
        #expect(mapped == .v6(IPv6Address(high: 0, low: 0xFFFF_0A00_0001)))
        #expect(mapped != .v4(IPv4Address(10, 0, 0, 1)))
        #expect(mapped.family == .ipv6)
        #expect(Set([mapped, .v4(IPv4Address(10, 0, 0, 1))]).count == 2)
    }

    @Test func orderingPutsIPv4First() {
        let texts = [
            "2001:db8::1", "10.0.0.2", "::", "255.255.255.255", "0.0.0.0", "::ffff:0.0.0.1",
            "10.0.0.10", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "::1", "9.255.255.255",
        ]
        let sorted = texts.map { IPAddress($0)! }.sorted().map(\.description)
        #expect(
            sorted == [
                "0.0.0.0", "9.255.255.255", "10.0.0.2", "10.0.0.10", "255.255.255.255",
                "::", "::1", "::ffff:0.0.0.1", "2001:db8::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            ])
        let topV4 = IPAddress.v4(.broadcast)
        let bottomV6 = IPAddress.v6(.unspecified)
        #expect(topV4 < bottomV6)
        #expect(!(bottomV6 < topV4))
        #expect(!(topV4 < topV4))
    }

    @Test(
        arguments: [
            ("10.0.0.1", "10.0.0.2"),
            ("10.0.0.255", "10.0.1.0"),
            ("0.255.255.255", "1.0.0.0"),
            ("255.255.255.254", "255.255.255.255"),
            ("255.255.255.255", nil),
            ("::", "::1"),
            ("2001:db8::ffff", "2001:db8::1:0"),
            ("::ffff:ffff:ffff:ffff", "0:0:0:1::"),
            ("1:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "2::"),
            ("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
            ("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", nil),
        ] as [(String, String?)])
    func next(text: String, expected: String?) throws {
        let address = try #require(IPAddress(text))
        #expect(address.next?.description == expected)
        if let following = address.next {
            #expect(address < following)
            #expect(following.family == address.family, "never crosses into the other family")
        }
    }

    /// Walking `first...last` with `next` visits exactly as many addresses as the summary's
    /// prefixes hold, and each address lies in exactly one of them.
    @Test(arguments: [
        ("10.0.0.250", "10.0.1.5"),
        ("255.255.255.240", "255.255.255.255"),
        ("::ffff:ffff:ffff:fffa", "0:0:0:1::5"),
        ("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
    ])
    func walkMatchesSummary(first: String, last: String) throws {
        let start = try #require(IPAddress(first))
        let end = try #require(IPAddress(last))
        let prefixes = try #require(IPPrefix.summarize(first: start, last: end))
        var visited: UInt64 = 0
        var current: IPAddress? = start
        while let address = current, address <= end {
            visited += 1
            #expect(prefixes.filter { $0.contains(address) }.count == 1, "\(address)")
            current = address.next
        }
        #expect(visited == prefixes.reduce(0) { $0 + $1.addressCount! })
        #expect(current == end.next)
    }

    @Test func randomNextIsPlusOne() {
        var rng = SplitMix64(seed: 0x4E45_5854)
        for _ in 0..<2_000 {
            let v4 = rng.u32()
            let expected4: IPAddress? = v4 == .max ? nil : .v4(IPv4Address(rawValue: v4 + 1))
            #expect(IPAddress.v4(IPv4Address(rawValue: v4)).next == expected4)
            let high = UInt64.random(in: .min ... .max, using: &rng)
            // Low words near the carry are the interesting ones.
            let low = rng.bool() ? UInt64.max - UInt64(rng.u8() % 3) : UInt64.random(in: .min ... .max, using: &rng)
            let v6 = IPv6Address(high: high, low: low)
            let expected6: IPAddress? =
                low == .max
                ? (high == .max ? nil : .v6(IPv6Address(high: high + 1, low: 0)))
                : .v6(IPv6Address(high: high, low: low + 1))
            #expect(IPAddress.v6(v6).next == expected6)
        }
    }
}

@Suite("IPPrefix")
struct IPPrefixTests {
    @Test(arguments: [
        ("10.0.0.5/24", IPFamily.ipv4, "10.0.0.0/24", 24, "10.0.0.0", "10.0.0.255", UInt64?.some(256)),
        ("0.0.0.0/0", .ipv4, "0.0.0.0/0", 0, "0.0.0.0", "255.255.255.255", 1 << 32),
        ("2001:db8::5/120", .ipv6, "2001:db8::/120", 120, "2001:db8::", "2001:db8::ff", 256),
        ("2001:db8::/64", .ipv6, "2001:db8::/64", 64, "2001:db8::", "2001:db8::ffff:ffff:ffff:ffff", nil),
        ("::ffff:10.0.0.0/104", .ipv6, "::ffff:10.0.0.0/104", 104, "::ffff:10.0.0.0", "::ffff:10.255.255.255", 1 << 24),
        ("::/0", .ipv6, "::/0", 0, "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", nil),
    ])
    func parsesAndDescribes(
        text: String, family: IPFamily, printed: String, length: Int, first: String, last: String, count: UInt64?
    ) throws {
        let prefix = try #require(IPPrefix(text))
        #expect(prefix.family == family)
        #expect(prefix.description == printed)
        #expect(IPPrefix(printed) == prefix)
        #expect(prefix.prefixLength == length)
        #expect(prefix.hostBits == (family == .ipv4 ? 32 : 128) - length)
        #expect(prefix.first == IPAddress(first))
        #expect(prefix.last == IPAddress(last))
        #expect(prefix.addressCount == count)
    }

    @Test(arguments: [
        "", "10.0.0.0", "10.0.0.0/33", "2001:db8::/129", "2001:db8::", "fe80::/64%eth0", "fe80::%eth0/64",
        "10.0.0.0/8/8", "/8", "10.0.0.0/", "01.0.0.0/8",
    ])
    func rejects(text: String) {
        #expect(IPPrefix(text) == nil)
    }

    @Test func membershipStaysInFamily() {
        let v4 = IPPrefix("10.0.0.0/8")!
        let mappedBlock = IPPrefix("::ffff:0:0/96")!
        let mapped = IPAddress("::ffff:10.0.0.1")!
        let plain = IPAddress("10.0.0.1")!
        #expect(v4.contains(plain))
        #expect(!v4.contains(mapped))
        #expect(mappedBlock.contains(mapped))
        #expect(!mappedBlock.contains(plain))
        #expect(!IPPrefix("::/0")!.contains(plain))
        #expect(!IPPrefix("0.0.0.0/0")!.contains(IPAddress("::")!))
        #expect(IPPrefix("2001:db8::/32")!.contains(IPAddress("2001:db8:ffff::1")!))
        #expect(!IPPrefix("2001:db8::/32")!.contains(IPAddress("2001:db9::")!))
    }

    @Test func overlapsOnlyWithinFamily() {
        #expect(!IPPrefix("0.0.0.0/0")!.overlaps(IPPrefix("::/0")!))
        #expect(!IPPrefix("::/0")!.overlaps(IPPrefix("0.0.0.0/0")!))
        #expect(!IPPrefix("10.0.0.0/8")!.overlaps(IPPrefix("::ffff:10.0.0.0/104")!))
        #expect(IPPrefix("10.0.0.0/8")!.overlaps(IPPrefix("10.1.0.0/16")!))
        #expect(!IPPrefix("10.0.0.0/25")!.overlaps(IPPrefix("10.0.0.128/25")!))
        #expect(IPPrefix("2001:db8::/32")!.overlaps(IPPrefix("2001:db8:1::/48")!))
        #expect(!IPPrefix("2001:db8::/48")!.overlaps(IPPrefix("2001:db8:1::/48")!))
    }

    @Test func orderingPutsIPv4First() {
        let texts = [
            "2001:db8::/32", "10.0.0.0/8", "::/0", "10.0.0.0/16", "255.255.255.255/32", "2001:db8::/48", "0.0.0.0/0",
        ]
        let sorted = texts.map { IPPrefix($0)! }.sorted().map(\.description)
        #expect(
            sorted == [
                "0.0.0.0/0", "10.0.0.0/8", "10.0.0.0/16", "255.255.255.255/32",
                "::/0", "2001:db8::/32", "2001:db8::/48",
            ])
    }

    @Test(arguments: [
        ("10.200.200.120", "10.200.200.122", ["10.200.200.120/31", "10.200.200.122/32"]),
        ("0.0.0.0", "255.255.255.255", ["0.0.0.0/0"]),
        ("2001:db8::", "2001:db8::ff", ["2001:db8::/120"]),
        ("2001:db8::1", "2001:db8::4", ["2001:db8::1/128", "2001:db8::2/127", "2001:db8::4/128"]),
        ("::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", ["::/0"]),
        ("2001:db8::7", "2001:db8::7", ["2001:db8::7/128"]),
    ])
    func summarize(first: String, last: String, expected: [String]) throws {
        let prefixes = try #require(IPPrefix.summarize(first: IPAddress(first)!, last: IPAddress(last)!))
        #expect(prefixes.map(\.description) == expected)
        #expect(prefixes.allSatisfy { $0.family == IPAddress(first)!.family })
    }

    @Test(arguments: [
        ("10.0.0.1", "2001:db8::1"),
        ("2001:db8::1", "10.0.0.1"),
        ("::ffff:10.0.0.1", "10.0.0.2"),
        ("10.0.0.2", "10.0.0.1"),
        ("2001:db8::2", "2001:db8::1"),
        ("0:0:0:1::", "::ffff:ffff:ffff:ffff"),
    ])
    func summarizeRefusesMixedOrBackwards(first: String, last: String) {
        #expect(IPPrefix.summarize(first: IPAddress(first)!, last: IPAddress(last)!) == nil)
    }
}
