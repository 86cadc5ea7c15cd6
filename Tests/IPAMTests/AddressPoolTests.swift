import Testing
import Wire

@testable import IPAM

/// How one `addresses` entry of a pool is read (METALLB-SEMANTICS.md section 1, "Pools"):
/// a CIDR with its host bits cleared, or a range `a-b` turned into the fewest prefixes that
/// cover it, lowest first.
@Suite("AddressPool.parseAddresses")
struct AddressPoolParseTests {
    @Test("a range becomes the minimal ascending list of prefixes (.120-.122 = .120/31 + .122/32)")
    func rangeSummarised() throws {
        #expect(
            try AddressPool.parseAddresses("10.200.200.120-10.200.200.122")
                == [cidr("10.200.200.120/31"), cidr("10.200.200.122/32")])
    }

    static let ranges: [(entry: String, prefixes: [String])] = [
        ("10.0.0.7-10.0.0.7", ["10.0.0.7/32"]),
        ("10.0.0.0-10.0.0.255", ["10.0.0.0/24"]),
        ("10.0.0.1-10.0.0.6", ["10.0.0.1/32", "10.0.0.2/31", "10.0.0.4/31", "10.0.0.6/32"]),
        ("10.0.0.255-10.0.1.0", ["10.0.0.255/32", "10.0.1.0/32"]),
        ("192.168.1.240-192.168.1.250", ["192.168.1.240/29", "192.168.1.248/31", "192.168.1.250/32"]),
        ("0.0.0.0-255.255.255.255", ["0.0.0.0/0"]),
    ]

    @Test("ranges summarise to exactly the covering prefixes", arguments: ranges)
    func rangeTable(entry: String, prefixes: [String]) {
        #expect(parse(entry) == .success(prefixes.map(cidr)))
    }

    @Test("a CIDR entry has its host bits masked off (10.0.0.5/24 = 10.0.0.0/24)")
    func cidrMasked() throws {
        let parsed = try AddressPool.parseAddresses("10.0.0.5/24")
        #expect(parsed == [cidr("10.0.0.0/24")])
        #expect(parsed.first?.first == ip("10.0.0.0"))
        #expect(parsed.first?.description == "10.0.0.0/24")
    }

    @Test("a /32 CIDR is one address")
    func singleAddressCIDR() {
        #expect(parse("10.200.200.120/32") == .success([cidr("10.200.200.120/32")]))
    }

    static let padded: [String] = [
        "10.200.200.120 - 10.200.200.122",
        " 10.200.200.120-10.200.200.122 ",
        "10.200.200.120\t-\t10.200.200.122",
        "  10.200.200.120  -  10.200.200.122\t",
    ]

    @Test("spaces and tabs around the ends of a range are trimmed", arguments: padded)
    func rangeWhitespaceTrimmed(entry: String) {
        #expect(parse(entry) == .success([cidr("10.200.200.120/31"), cidr("10.200.200.122/32")]))
    }

    /// MetalLB trims each end of a range with Go's `strings.TrimSpace`, which removes every
    /// kind of white space, not just spaces and tabs: line breaks from a folded YAML value
    /// are trimmed too.
    static let lineBreakPadded: [String] = [
        "10.200.200.120\n-10.200.200.122",
        "10.200.200.120-\r\n10.200.200.122",
    ]

    @Test("line breaks around the ends of a range are trimmed too", arguments: lineBreakPadded)
    func rangeLineBreaksTrimmed(entry: String) {
        #expect(parse(entry) == .success([cidr("10.200.200.120/31"), cidr("10.200.200.122/32")]))
    }

    static let invalidCIDRs: [String] = [
        "10.0.0.0/33", "banana", "10.0.0.1", "10.0.0.0/", "10.0.0/24", "10.0.0.256/24", "",
    ]

    @Test("an entry without a dash that is no CIDR: invalid CIDR \"X\"", arguments: invalidCIDRs)
    func invalidCIDR(entry: String) {
        let error = failure(parse(entry))
        #expect(error == .invalidCIDR(entry))
        #expect(error?.description == "invalid CIDR \"\(entry)\"")
    }

    static let badRanges: [(entry: String, message: String)] = [
        ("10.0.0.x-10.0.0.5", #"invalid IP range "10.0.0.x-10.0.0.5": invalid start IP "10.0.0.x""#),
        ("-10.0.0.5", #"invalid IP range "-10.0.0.5": invalid start IP """#),
        // The bad end is quoted as written, before trimming.
        (" x -10.0.0.5", #"invalid IP range " x -10.0.0.5": invalid start IP " x ""#),
        ("10.0.0.1-10.0.0", #"invalid IP range "10.0.0.1-10.0.0": invalid end IP "10.0.0""#),
        ("10.0.0.1-", #"invalid IP range "10.0.0.1-": invalid end IP """#),
        (
            "10.0.0.1-10.0.0.2-10.0.0.3",
            #"invalid IP range "10.0.0.1-10.0.0.2-10.0.0.3": invalid end IP "10.0.0.2-10.0.0.3""#
        ),
        ("10.0.0.1-10.0.0.0/24", #"invalid IP range "10.0.0.1-10.0.0.0/24": invalid end IP "10.0.0.0/24""#),
    ]

    @Test("a range with an unreadable end is refused with MetalLB's wording", arguments: badRanges)
    func invalidRangeEnds(entry: String, message: String) {
        #expect(failure(parse(entry))?.description == message)
    }

    @Test("a range whose start is after its end is refused: start IP \"A\" is after the end IP \"B\"")
    func startAfterEnd() {
        let error = failure(parse("10.0.0.5-10.0.0.1"))
        #expect(error == .rangeStartAfterEnd("10.0.0.5-10.0.0.1", start: ip("10.0.0.5"), end: ip("10.0.0.1")))
        #expect(
            error?.description
                == #"invalid IP range "10.0.0.5-10.0.0.1": start IP "10.0.0.5" is after the end IP "10.0.0.1""#)
    }

    @Test("start after end quotes the parsed addresses, without the padding")
    func startAfterEndPadded() {
        #expect(
            failure(parse("10.0.0.5 - 10.0.0.1"))?.description
                == #"invalid IP range "10.0.0.5 - 10.0.0.1": start IP "10.0.0.5" is after the end IP "10.0.0.1""#)
    }

    @Test("avoidBuggyIPs marks .0 and .255 only")
    func buggyAddresses() {
        #expect(AddressPool.isBuggy(ip("10.0.0.0")))
        #expect(AddressPool.isBuggy(ip("10.0.1.255")))
        #expect(!AddressPool.isBuggy(ip("10.0.0.254")))
        #expect(!AddressPool.isBuggy(ip("10.0.0.1")))
        let pool = AddressPool(name: "p", cidrs: [cidr("10.0.0.0/23")], avoidBuggyIPs: true)
        #expect(!pool.allows(ip("10.0.0.255")))
        #expect(!pool.allows(ip("10.0.1.0")))
        #expect(pool.allows(ip("10.0.1.1")))
        #expect(!pool.allows(ip("10.0.2.1")))
    }
}

/// Whole-config checks (METALLB-SEMANTICS.md section 1): no two CIDRs may overlap, in one
/// pool or across pools, and pool names are unique.
@Suite("validatePools")
struct PoolValidationTests {
    @Test("overlapping CIDRs inside one pool are refused")
    func overlapInsidePool() {
        let pools = [AddressPool(name: "a", cidrs: [cidr("10.0.0.0/24"), cidr("10.0.0.128/25")])]
        let error = failure(validate(pools))
        #expect(error == .overlap(cidr: cidr("10.0.0.128/25"), pool: "a", existing: cidr("10.0.0.0/24")))
        #expect(
            error?.description
                == #"CIDR "10.0.0.128/25" in pool "a" overlaps with already defined CIDR "10.0.0.0/24""#)
    }

    @Test("the same CIDR twice in one pool is an overlap")
    func duplicateCIDRInsidePool() {
        let pools = [AddressPool(name: "a", cidrs: [cidr("10.0.0.0/30"), cidr("10.0.0.0/30")])]
        #expect(
            failure(validate(pools))?.description
                == #"CIDR "10.0.0.0/30" in pool "a" overlaps with already defined CIDR "10.0.0.0/30""#)
    }

    @Test("a CIDR overlapping one of an earlier pool is refused, naming the later pool")
    func overlapAcrossPools() {
        let pools = [
            AddressPool(name: "first", cidrs: [cidr("10.0.0.0/24")]),
            AddressPool(name: "second", cidrs: [cidr("192.168.0.0/24"), cidr("10.0.0.5/32")]),
        ]
        #expect(
            failure(validate(pools))?.description
                == #"CIDR "10.0.0.5/32" in pool "second" overlaps with already defined CIDR "10.0.0.0/24""#)
    }

    @Test("a wider CIDR declared after a narrower one still overlaps")
    func widerAfterNarrower() {
        let pools = [
            AddressPool(name: "small", cidrs: [cidr("10.0.0.5/32")]),
            AddressPool(name: "big", cidrs: [cidr("10.0.0.0/24")]),
        ]
        #expect(
            failure(validate(pools))?.description
                == #"CIDR "10.0.0.0/24" in pool "big" overlaps with already defined CIDR "10.0.0.5/32""#)
    }

    @Test("adjacent CIDRs do not overlap")
    func adjacentAccepted() {
        let pools = [
            AddressPool(name: "a", cidrs: [cidr("10.0.0.0/25")]),
            AddressPool(name: "b", cidrs: [cidr("10.0.0.128/25"), cidr("10.0.1.0/32")]),
        ]
        #expect(failure(validate(pools)) == nil)
    }

    @Test("a range summarised into several CIDRs does not overlap itself")
    func summarisedRangeAccepted() throws {
        let pool = AddressPool(name: "a", cidrs: try AddressPool.parseAddresses("10.0.0.1-10.0.0.6"))
        #expect(failure(validate([pool])) == nil)
    }

    @Test("two pools with the same name are refused")
    func duplicatePoolName() {
        let pools = [
            AddressPool(name: "a", cidrs: [cidr("10.0.0.0/30")]),
            AddressPool(name: "a", cidrs: [cidr("10.0.1.0/30")]),
        ]
        let error = failure(validate(pools))
        #expect(error == .duplicatePool("a"))
        #expect(error?.description == #"duplicate definition of pool "a""#)
    }

    @Test("the allocator refuses an invalid pool list")
    func allocatorValidates() {
        let pools = [
            AddressPool(name: "a", cidrs: [cidr("10.0.0.0/24")]),
            AddressPool(name: "b", cidrs: [cidr("10.0.0.0/24")]),
        ]
        #expect(throws: PoolConfigError.overlap(cidr: cidr("10.0.0.0/24"), pool: "b", existing: cidr("10.0.0.0/24"))) {
            _ = try Allocator(pools: pools)
        }
    }
}
