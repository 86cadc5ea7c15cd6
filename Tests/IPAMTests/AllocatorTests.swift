import Testing
import Wire

@testable import IPAM

/// The controller's allocator (METALLB-SEMANTICS.md section 1, "Order", "avoidBuggyIPs",
/// "Which pool").
@Suite("Allocator")
struct AllocatorTests {
    @Test("the first free address wins, walking CIDRs in declaration order")
    func firstFreeInDeclarationOrder() throws {
        // Declared out of numeric order on purpose: declaration order decides, not address order.
        var allocator = try Allocator(pools: [
            AddressPool(name: "p", cidrs: [cidr("10.0.1.0/30"), cidr("10.0.0.0/31")])
        ])
        let got = (0..<6).map { allocator.addressFor("default/s\($0)") }
        #expect(got == ["10.0.1.0", "10.0.1.1", "10.0.1.2", "10.0.1.3", "10.0.0.0", "10.0.0.1"])
        #expect(allocator.tryAssign("default/s6").failureValue == .noAvailableIPs)
    }

    @Test("without avoidBuggyIPs the network address is handed out first")
    func networkAddressFirst() throws {
        var allocator = try Allocator(pools: [AddressPool(name: "p", cidrs: [cidr("10.0.0.0/24")])])
        let first = try allocator.tryAssign("default/a").get()
        #expect(first == Assignment(ip: ip("10.0.0.0"), pool: "p"))
    }

    @Test("without avoidBuggyIPs .255 is handed out too: a /24 holds 256 services")
    func wholeSlash24WithoutAvoidBuggy() throws {
        var allocator = try Allocator(pools: [AddressPool(name: "p", cidrs: [cidr("10.0.0.0/24")])])
        var last: String?
        for i in 0..<256 { last = allocator.addressFor("default/s\(i)") }
        #expect(last == "10.0.0.255")
        #expect(allocator.tryAssign("default/one-too-many").failureValue == .noAvailableIPs)
    }

    @Test("the range .120-.122 hands out .120, .121, .122 in order")
    func rangePoolOrder() throws {
        var allocator = try Allocator(pools: [
            AddressPool(name: "default", cidrs: try AddressPool.parseAddresses("10.200.200.120-10.200.200.122"))
        ])
        #expect(
            (0..<3).map { allocator.addressFor("default/s\($0)") } == [
                "10.200.200.120", "10.200.200.121", "10.200.200.122",
            ])
    }

    @Test("avoidBuggyIPs skips .0 and .255 of a /24 and keeps .254: 254 addresses")
    func avoidBuggyOnSlash24() throws {
        var allocator = try Allocator(pools: [
            AddressPool(name: "p", cidrs: [cidr("10.0.0.0/24")], avoidBuggyIPs: true)
        ])
        var got: [String?] = []
        for i in 0..<254 { got.append(allocator.addressFor("default/s\(i)")) }
        #expect(got.first == "10.0.0.1")
        #expect(got.last == "10.0.0.254")
        #expect(!got.contains("10.0.0.0"))
        #expect(!got.contains("10.0.0.255"))
        #expect(allocator.tryAssign("default/extra").failureValue == .noAvailableIPs)
    }

    @Test("avoidBuggyIPs loses two addresses per /24 of a /23")
    func avoidBuggyOnSlash23() throws {
        var allocator = try Allocator(pools: [
            AddressPool(name: "p", cidrs: [cidr("10.0.0.0/23")], avoidBuggyIPs: true)
        ])
        var got = Set<String>()
        while let address = allocator.addressFor("default/s\(got.count)") { got.insert(address) }
        #expect(got.count == 508)
        for excluded in ["10.0.0.0", "10.0.0.255", "10.0.1.0", "10.0.1.255"] { #expect(!got.contains(excluded)) }
    }

    @Test("avoidBuggyIPs on a small prefix loses only an end that is .0 or .255")
    func avoidBuggyOnSmallPrefix() throws {
        var allocator = try Allocator(pools: [
            AddressPool(name: "p", cidrs: [cidr("10.0.0.252/30")], avoidBuggyIPs: true)
        ])
        #expect(
            (0..<4).map { allocator.addressFor("default/s\($0)") } == ["10.0.0.252", "10.0.0.253", "10.0.0.254", nil])
    }

    static let buggyRequests = ["10.0.0.0", "10.0.0.255"]

    @Test("requesting .0 or .255 from an avoidBuggyIPs pool: \"X\" is not allowed in config", arguments: buggyRequests)
    func avoidBuggyRefusesRequest(address: String) throws {
        var allocator = try Allocator(
            pools: [
                AddressPool(name: "p", cidrs: [cidr("10.0.0.0/24")], avoidBuggyIPs: true)
            ], semantics: .v0_9_4)
        let error = allocator.tryAssign("default/a", ip: address).failureValue
        #expect(error?.description == "\"\(address)\" is not allowed in config")
        #expect(allocator.assignment(of: "default/a") == nil)
    }

    @Test("requesting .254 from an avoidBuggyIPs pool works")
    func avoidBuggyAllowsDot254() throws {
        var allocator = try Allocator(pools: [
            AddressPool(name: "p", cidrs: [cidr("10.0.0.0/24")], avoidBuggyIPs: true)
        ])
        #expect(
            allocator.tryAssign("default/a", ip: "10.0.0.254") == .success(Assignment(ip: ip("10.0.0.254"), pool: "p")))
    }

    /// v0.9.4 quotes the one address; current quotes the list, Go's `%q` of a `[]net.IP`.
    static let outsideMessages: [(Allocator.Semantics, String)] = [
        (.v0_9_4, #""10.9.9.9" is not allowed in config"#),
        (.current, #"["10.9.9.9"] is not allowed in config"#),
    ]

    @Test("requesting an address outside every pool is not allowed in config", arguments: outsideMessages)
    func requestOutsidePools(semantics: Allocator.Semantics, message: String) throws {
        var allocator = try Allocator(
            pools: [AddressPool(name: "p", cidrs: [cidr("10.0.0.0/24")])], semantics: semantics)
        #expect(allocator.tryAssign("default/a", ip: "10.9.9.9").failureValue?.description == message)
    }

    @Test("automatic allocation skips autoAssign=false pools")
    func autoAssignFalseSkipped() throws {
        var allocator = try Allocator(pools: [
            AddressPool(name: "a-manual", cidrs: [cidr("10.0.0.0/30")], autoAssign: false),
            AddressPool(name: "b-auto", cidrs: [cidr("10.1.0.0/31")]),
        ])
        #expect(allocator.tryAssign("default/x") == .success(Assignment(ip: ip("10.1.0.0"), pool: "b-auto")))
        #expect(allocator.addressFor("default/y") == "10.1.0.1")
        // The manual pool still has room, but automatic allocation may not use it.
        #expect(allocator.tryAssign("default/z").failureValue == .noAvailableIPs)
    }

    @Test("an autoAssign=false pool is usable through the pool annotation")
    func autoAssignFalseViaAnnotation() throws {
        var allocator = try Allocator(pools: [
            AddressPool(name: "manual", cidrs: [cidr("10.0.0.0/30")], autoAssign: false)
        ])
        #expect(
            allocator.tryAssign("default/x", pool: "manual") == .success(Assignment(ip: ip("10.0.0.0"), pool: "manual"))
        )
    }

    @Test("an autoAssign=false pool is usable by requesting one of its addresses")
    func autoAssignFalseViaRequestedIP() throws {
        var allocator = try Allocator(pools: [
            AddressPool(name: "manual", cidrs: [cidr("10.0.0.0/30")], autoAssign: false)
        ])
        #expect(
            allocator.tryAssign("default/x", ip: "10.0.0.2") == .success(Assignment(ip: ip("10.0.0.2"), pool: "manual"))
        )
    }

    @Test("the pool annotation takes addresses only from that pool")
    func poolAnnotationStaysInPool() throws {
        var allocator = try Allocator(pools: [
            AddressPool(name: "a", cidrs: [cidr("10.0.0.0/31")]),
            AddressPool(name: "b", cidrs: [cidr("10.1.0.0/31")]),
        ])
        #expect(allocator.tryAssign("default/x", pool: "b") == .success(Assignment(ip: ip("10.1.0.0"), pool: "b")))
        #expect(allocator.tryAssign("default/y", pool: "b") == .success(Assignment(ip: ip("10.1.0.1"), pool: "b")))
    }

    @Test("an unknown pool in the annotation: unknown pool \"P\"")
    func unknownPool() throws {
        var allocator = try Allocator(pools: [AddressPool(name: "a", cidrs: [cidr("10.0.0.0/30")])])
        let error = allocator.tryAssign("default/x", pool: "nope").failureValue
        #expect(error == .unknownPool("nope"))
        #expect(error?.description == #"unknown pool "nope""#)
    }

    @Test("a full annotated pool: no available IPs in pool \"P\", even when others have room")
    func annotatedPoolExhausted() throws {
        var allocator = try Allocator(
            pools: [
                AddressPool(name: "tiny", cidrs: [cidr("10.0.0.7/32")]),
                AddressPool(name: "roomy", cidrs: [cidr("10.1.0.0/24")]),
            ], semantics: .v0_9_4)
        #expect(allocator.addressFor("default/x", pool: "tiny") == "10.0.0.7")
        let error = allocator.tryAssign("default/y", pool: "tiny").failureValue
        #expect(error == .noAvailableIPsInPool("tiny", quoted: true))
        #expect(error?.description == #"no available IPs in pool "tiny""#)
    }

    @Test("exhausting every pool: no available IPs")
    func exhaustion() throws {
        var allocator = try Allocator(pools: [
            AddressPool(name: "a", cidrs: [cidr("10.0.0.0/32")]),
            AddressPool(name: "b", cidrs: [cidr("10.0.1.0/32")]),
        ])
        #expect(allocator.addressFor("default/x") != nil)
        #expect(allocator.addressFor("default/y") != nil)
        let error = allocator.tryAssign("default/z").failureValue
        #expect(error == .noAvailableIPs)
        #expect(error?.description == "no available IPs")
    }

    @Test("releasing makes the address available again")
    func releaseFreesAddress() throws {
        var allocator = try Allocator(pools: [AddressPool(name: "a", cidrs: [cidr("10.0.0.0/32")])])
        #expect(allocator.addressFor("default/x") == "10.0.0.0")
        allocator.release(service: "default/x")
        #expect(allocator.assignment(of: "default/x") == nil)
        #expect(allocator.addressFor("default/y") == "10.0.0.0")
    }

    @Test("deleting a service recycles its address to the next service")
    func deleteRecyclesToNextService() throws {
        var allocator = try Allocator(pools: [AddressPool(name: "a", cidrs: [cidr("10.0.0.0/24")])])
        #expect(allocator.addressFor("default/x") == "10.0.0.0")
        #expect(allocator.addressFor("default/y") == "10.0.0.1")
        allocator.release(service: "default/x")
        #expect(allocator.addressFor("default/z") == "10.0.0.0")
        #expect(allocator.addressFor("default/w") == "10.0.0.2")
    }

    @Test("releasing a service that holds nothing changes nothing")
    func releaseUnknownIsHarmless() throws {
        var allocator = try Allocator(pools: [AddressPool(name: "a", cidrs: [cidr("10.0.0.0/31")])])
        #expect(allocator.addressFor("default/x") == "10.0.0.0")
        allocator.release(service: "default/nobody")
        #expect(allocator.addressFor("default/y") == "10.0.0.1")
    }

    @Test("a requested address held by another service is refused")
    func requestedHeldByOther() throws {
        var allocator = try Allocator(pools: [AddressPool(name: "a", cidrs: [cidr("10.0.0.0/24")])])
        #expect(allocator.addressFor("default/x", ip: "10.0.0.9") == "10.0.0.9")
        #expect(allocator.tryAssign("default/y", ip: "10.0.0.9").failureValue != nil)
        #expect(allocator.assignment(of: "default/x")?.ip == ip("10.0.0.9"))
        #expect(allocator.assignment(of: "default/y") == nil)
        // Once x lets go, y may have it.
        allocator.release(service: "default/x")
        #expect(allocator.addressFor("default/y", ip: "10.0.0.9") == "10.0.0.9")
    }

    /// A service without a sharing key holds its address alone. MetalLB reports the clash of
    /// sharing keys (METALLB-SEMANTICS.md section 1, "Sharing": the empty key never shares),
    /// naming the requester and the other service(s) on the address.
    @Test(
        "a requested address held by another service: can't change sharing key for \"ns/name\", address also in use by ns/other"
    )
    func requestedHeldByOtherWording() throws {
        var allocator = try Allocator(pools: [AddressPool(name: "a", cidrs: [cidr("10.0.0.0/24")])])
        #expect(allocator.addressFor("default/x", ip: "10.0.0.9") == "10.0.0.9")
        #expect(
            allocator.tryAssign("default/y", ip: "10.0.0.9").failureValue?.description
                == #"can't change sharing key for "default/y", address also in use by default/x"#)
    }

    @Test("a requested address is skipped by later automatic allocation")
    func requestedAddressNotReused() throws {
        var allocator = try Allocator(pools: [AddressPool(name: "a", cidrs: [cidr("10.0.0.0/30")])])
        #expect(allocator.addressFor("default/x", ip: "10.0.0.0") == "10.0.0.0")
        #expect(allocator.addressFor("default/y") == "10.0.0.1")
    }

    @Test("assigning again keeps the address a service already holds")
    func reassignKeepsAddress() throws {
        var allocator = try Allocator(pools: [AddressPool(name: "a", cidrs: [cidr("10.0.0.0/24")])])
        #expect(allocator.addressFor("default/x") == "10.0.0.0")
        #expect(allocator.addressFor("default/y") == "10.0.0.1")
        allocator.release(service: "default/y")
        // x must not move to a lower free address or take a second one.
        #expect(allocator.addressFor("default/x") == "10.0.0.0")
        #expect(allocator.addressFor("default/x", ip: "10.0.0.0") == "10.0.0.0")
        #expect(allocator.addressFor("default/z") == "10.0.0.1")
    }

    /// MetalLB ranges over a Go map of pools; lbsim's documented rule is pool name order.
    @Test("automatic allocation tries pools in name order, not declaration order")
    func poolsInNameOrder() throws {
        var allocator = try Allocator(pools: [
            AddressPool(name: "zeta", cidrs: [cidr("10.0.0.0/32")]),
            AddressPool(name: "alpha", cidrs: [cidr("10.9.0.0/32")]),
            AddressPool(name: "mid", cidrs: [cidr("10.5.0.0/32")]),
        ])
        #expect(allocator.tryAssign("default/a") == .success(Assignment(ip: ip("10.9.0.0"), pool: "alpha")))
        #expect(allocator.tryAssign("default/b") == .success(Assignment(ip: ip("10.5.0.0"), pool: "mid")))
        #expect(allocator.tryAssign("default/c") == .success(Assignment(ip: ip("10.0.0.0"), pool: "zeta")))
    }

    @Test("pool lookups by name and by address")
    func poolLookups() throws {
        let allocator = try Allocator(pools: [
            AddressPool(name: "a", cidrs: [cidr("10.0.0.0/30")]),
            AddressPool(name: "b", protocol: .bgp, cidrs: [cidr("10.1.0.0/30")]),
        ])
        #expect(allocator.pool(named: "b")?.protocol == .bgp)
        #expect(allocator.pool(containing: ip("10.0.0.3"))?.name == "a")
        #expect(allocator.pool(containing: ip("10.0.0.4")) == nil)
        #expect(allocator.pool(named: "c") == nil)
    }
}
