import Testing
import Wire

@testable import IPAM

/// The free-space index behind allocation without walking.
@Suite("FreeAddresses")
struct FreeAddressesTests {
    @Test("avoidBuggyIPs cuts .255/.0 out at every /24 boundary")
    func buggyCut() {
        let free = FreeAddresses(prefix: cidr("10.0.0.0/23"), avoidBuggyIPs: true)
        let text = free.intervals.map {
            "\(IPAddress(family: .ipv4, value: $0.lowerBound))-\(IPAddress(family: .ipv4, value: $0.upperBound))"
        }
        #expect(text == ["10.0.0.1-10.0.0.254", "10.0.1.1-10.0.1.254"])
    }

    @Test("taking and returning addresses splits and merges intervals")
    func splitMerge() {
        var free = FreeAddresses(prefix: cidr("10.0.0.0/29"), avoidBuggyIPs: false)
        let base = ip("10.0.0.0").value
        free.remove(base + 3)
        free.remove(base)
        #expect(free.intervals == [(base + 1)...(base + 2), (base + 4)...(base + 7)])
        #expect(free.lowest == base + 1)
        free.insert(base + 3)
        free.insert(base)
        #expect(free.intervals == [base...(base + 7)])
    }

    @Test("an IPv6 /64 is one interval, and its top address is handed out last")
    func hugeV6() {
        var free = FreeAddresses(prefix: cidr("fd00::/64"), avoidBuggyIPs: true)
        #expect(free.intervals.count == 1)
        let top = ip("fd00::ffff:ffff:ffff:ffff").value
        free.remove(top)
        #expect(free.contains(top - 1) && !free.contains(top))
    }
}
