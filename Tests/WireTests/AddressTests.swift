import TestSupport
import Testing

@testable import Wire

@Suite("MACAddress")
struct MACAddressTests {
    @Test(arguments: [
        ("00:50:56:00:3b:6f", "00:50:56:00:3b:6f"),
        ("00:50:56:00:3B:6F", "00:50:56:00:3b:6f"),
        ("00-50-56-00-3b-6f", "00:50:56:00:3b:6f"),
        ("0:50:56:0:3b:6f", "00:50:56:00:3b:6f"),
        ("ff:ff:ff:ff:ff:ff", "ff:ff:ff:ff:ff:ff"),
        ("52:54:00:12:34:56", "52:54:00:12:34:56"),
    ])
    func parsesAndPrints(text: String, printed: String) throws {
        let address = try #require(MACAddress(text))
        #expect(address.description == printed)
        #expect(MACAddress(address.description) == address)
    }

    @Test(arguments: [
        "", "00:50:56:00:3b", "00:50:56:00:3b:6f:01", "00:50:56:00:3b:6g", "000:50:56:00:3b:6f",
        "00:50:56:00:3b:", ":00:50:56:00:3b", "00 50 56 00 3b 6f", "+0:50:56:00:3b:6f", "-0:50:56:00:3b:6f",
        "0050.5600.3b6f",
    ])
    func rejects(text: String) {
        #expect(MACAddress(text) == nil)
    }

    @Test func octetsAndRawValue() {
        let address = MACAddress(0x52, 0x54, 0x00, 0x12, 0x34, 0x56)
        #expect(address.rawValue == 0x5254_0012_3456)
        #expect(address.octets == [0x52, 0x54, 0x00, 0x12, 0x34, 0x56])
        #expect(MACAddress(rawValue: 0xFFFF_5254_0012_3456) == address, "bits above 48 are dropped")
    }

    @Test func multicastAndBroadcast() {
        #expect(MACAddress.broadcast.isBroadcast)
        #expect(MACAddress.broadcast.isMulticast)
        #expect(MACAddress("33:33:00:00:00:02")!.isMulticast)
        #expect(MACAddress("01:00:5e:00:00:01")!.isMulticast)
        #expect(!MACAddress("52:54:00:12:34:56")!.isMulticast)
        #expect(!MACAddress.zero.isMulticast)
        #expect(MACAddress.zero.description == "00:00:00:00:00:00")
    }

    @Test func randomRoundTrip() {
        var rng = SplitMix64(seed: 0x4D41_4331)
        for _ in 0..<2_000 {
            let address = rng.mac()
            #expect(MACAddress(address.description) == address)
            let o = address.octets
            #expect(MACAddress(o[0], o[1], o[2], o[3], o[4], o[5]) == address)
        }
    }
}

@Suite("IPv4Address")
struct IPv4AddressTests {
    @Test(arguments: [
        ("10.200.200.120", UInt32(0x0AC8_C878)),
        ("0.0.0.0", 0),
        ("255.255.255.255", 0xFFFF_FFFF),
        ("192.168.0.1", 0xC0A8_0001),
        ("1.2.3.4", 0x0102_0304),
    ])
    func parsesAndPrints(text: String, raw: UInt32) throws {
        let address = try #require(IPv4Address(text))
        #expect(address.rawValue == raw)
        #expect(address.description == text)
    }

    @Test(arguments: [
        "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.256", "01.2.3.4", "1.2.3.04", "00.1.2.3",
        "1..2.3", "1.2.3.", ".1.2.3", " 1.2.3.4", "1.2.3.4 ", "+1.2.3.4", "1.2.3.-4", "1.2.3.4/32",
        "0x1.2.3.4", "1000.2.3.4", "\u{0661}.2.3.4",
    ])
    func rejects(text: String) {
        #expect(IPv4Address(text) == nil)
    }

    @Test func octetsOrderAndConstants() {
        let address = IPv4Address(10, 200, 200, 120)
        #expect(address.octets == [10, 200, 200, 120])
        #expect(IPv4Address(10, 200, 200, 120) < IPv4Address(10, 200, 200, 121))
        #expect(IPv4Address(9, 255, 255, 255) < IPv4Address(10, 0, 0, 0))
        #expect(IPv4Address.any.description == "0.0.0.0")
        #expect(IPv4Address.broadcast.description == "255.255.255.255")
    }

    @Test func randomRoundTrip() {
        var rng = SplitMix64(seed: 0x4950_7634)
        for _ in 0..<2_000 {
            let address = rng.ipv4()
            #expect(IPv4Address(address.description) == address)
        }
    }
}

@Suite("IPv4CIDR")
struct IPv4CIDRTests {
    @Test(arguments: [
        ("10.200.200.120/31", "10.200.200.120/31"),
        ("10.0.0.5/24", "10.0.0.0/24"),
        ("0.0.0.0/0", "0.0.0.0/0"),
        ("255.255.255.255/0", "0.0.0.0/0"),
        ("192.168.1.1/32", "192.168.1.1/32"),
        ("172.16.255.255/12", "172.16.0.0/12"),
    ])
    func parsesMasksAndPrints(text: String, printed: String) throws {
        let cidr = try #require(IPv4CIDR(text))
        #expect(cidr.description == printed)
        #expect(IPv4CIDR(printed) == cidr)
    }

    @Test(arguments: [
        "", "1.2.3.4", "1.2.3.4/33", "1.2.3.4/", "/8", "1.2.3.4/-1", "1.2.3.4/+8", "1.2.3.4/8/8",
        "1.2.3/8", "256.1.1.1/8", "01.2.3.4/8", "1.2.3.4/ 8", "1.2.3.4/100",
    ])
    func rejects(text: String) {
        #expect(IPv4CIDR(text) == nil)
    }

    @Test func sizeBoundsAndMembership() {
        let cidr = IPv4CIDR("10.200.200.120/31")!
        #expect(cidr.size == 2)
        #expect(cidr.first == IPv4Address(10, 200, 200, 120))
        #expect(cidr.last == IPv4Address(10, 200, 200, 121))
        #expect(cidr.contains(IPv4Address(10, 200, 200, 121)))
        #expect(!cidr.contains(IPv4Address(10, 200, 200, 122)))
        #expect(!cidr.contains(IPv4Address(10, 200, 200, 119)))
        #expect(IPv4CIDR("0.0.0.0/0")!.size == 1 << 32)
        #expect(IPv4CIDR("0.0.0.0/0")!.last == .broadcast)
        #expect(IPv4CIDR("1.2.3.4/32")!.size == 1)
        #expect(IPv4CIDR("10.0.0.0/8")!.overlaps(IPv4CIDR("10.1.0.0/16")!))
        #expect(IPv4CIDR("10.1.0.0/16")!.overlaps(IPv4CIDR("10.0.0.0/8")!))
        #expect(!IPv4CIDR("10.0.0.0/25")!.overlaps(IPv4CIDR("10.0.0.128/25")!))
        #expect(IPv4CIDR("10.0.0.0/24")! < IPv4CIDR("10.0.0.0/25")!)
        #expect(IPv4CIDR("10.0.0.0/25")! < IPv4CIDR("10.0.0.128/25")!)
    }

    @Test func summarizeMetalLBRange() {
        let blocks = IPv4CIDR.summarize(first: IPv4Address("10.200.200.120")!, last: IPv4Address("10.200.200.122")!)
        #expect(blocks.map(\.description) == ["10.200.200.120/31", "10.200.200.122/32"])
    }

    @Test func summarizeEverything() {
        let blocks = IPv4CIDR.summarize(first: .any, last: .broadcast)
        #expect(blocks.map(\.description) == ["0.0.0.0/0"])
    }

    @Test(arguments: ["0.0.0.0", "10.200.200.121", "255.255.255.255"])
    func summarizeSingleAddress(text: String) {
        let address = IPv4Address(text)!
        #expect(IPv4CIDR.summarize(first: address, last: address).map(\.description) == ["\(text)/32"])
    }

    @Test func summarizeKnownRanges() {
        func summary(_ first: String, _ last: String) -> [String] {
            IPv4CIDR.summarize(first: IPv4Address(first)!, last: IPv4Address(last)!).map(\.description)
        }
        #expect(summary("10.0.0.0", "10.0.0.255") == ["10.0.0.0/24"])
        #expect(
            summary("10.0.0.1", "10.0.0.254") == [
                "10.0.0.1/32", "10.0.0.2/31", "10.0.0.4/30", "10.0.0.8/29", "10.0.0.16/28", "10.0.0.32/27",
                "10.0.0.64/26", "10.0.0.128/26", "10.0.0.192/27", "10.0.0.224/28", "10.0.0.240/29",
                "10.0.0.248/30", "10.0.0.252/31", "10.0.0.254/32",
            ])
        #expect(summary("0.0.0.1", "255.255.255.255").count == 32)
        #expect(summary("0.0.0.0", "255.255.255.254").count == 32)
    }

    /// Random ranges: the blocks are aligned, ascending, non-overlapping, cover exactly
    /// first...last, and no two neighbours could merge (the list is minimal).
    @Test func summarizeRandomRangesCoverExactly() {
        var rng = SplitMix64(seed: 0x4349_4452)
        for iteration in 0..<3_000 {
            let first = rng.u32()
            // Mix narrow ranges with wide ones so both short and long summaries occur.
            let widest = UInt32.max - first
            let span =
                iteration % 2 == 0
                ? min(UInt32.random(in: 0...1_000, using: &rng), widest)
                : UInt32.random(in: 0...widest, using: &rng)
            let last = first + span
            let blocks = IPv4CIDR.summarize(first: IPv4Address(rawValue: first), last: IPv4Address(rawValue: last))
            var next = UInt64(first)
            var total: UInt64 = 0
            for (index, block) in blocks.enumerated() {
                #expect(UInt64(block.network.rawValue) == next, "blocks are contiguous and ascending")
                #expect(block.network.rawValue & ~IPv4CIDR.mask(block.prefixLength) == 0, "aligned")
                total += block.size
                next = UInt64(block.last.rawValue) + 1
                if index > 0 {
                    let previous = blocks[index - 1]
                    #expect(previous < block)
                    #expect(!previous.overlaps(block))
                    let mergeable =
                        previous.prefixLength == block.prefixLength && previous.prefixLength > 0
                        && previous.network.rawValue & ~IPv4CIDR.mask(previous.prefixLength - 1) == 0
                    #expect(!mergeable, "\(previous) and \(block) should have been one block")
                }
            }
            #expect(blocks.first?.first.rawValue == first)
            #expect(blocks.last?.last.rawValue == last)
            #expect(total == UInt64(last) - UInt64(first) + 1)
            #expect(blocks.count <= 62, "at most two blocks per prefix length")
        }
    }
}
