import Testing
import Wire

@testable import IPAM

/// MetalLB's own allocator table cases (internal/allocator/allocator_test.go), restated: the
/// same pools, the same sequences, the same outcomes.
@Suite("MetalLB allocator tables")
struct MetalLBTableTests {
    /// One step of a sequence: a service asks for an address (or gives its address up) and
    /// either gets it or is refused.
    struct Step: Sendable, CustomTestStringConvertible {
        var what: String
        var service: String
        /// nil: unassign.
        var ip: String?
        var ports: [String] = ["TCP/80"]
        var sharing: String = ""
        var backend: String = ""
        var refused = false
        var testDescription: String { what }
    }

    /// TestAssignment's walk over a /31 (1.2.3.4/31, or 1000::4/127) and a buggy-IP pool:
    /// conflicts, frees, and the sharing rules.
    static func assignmentSteps(v6: Bool) -> [Step] {
        let a = v6 ? "1000::4" : "1.2.3.4"
        let b = v6 ? "1000::5" : "1.2.3.5"
        let shared = v6 ? "1000::4:3" : "1.2.4.3"
        let other = v6 ? "1000::4:fe" : "1.2.4.254"
        var steps: [Step] = [
            Step(what: "s1 takes the first address", service: "s1", ip: a),
            Step(what: "s1 re-assigning it is idempotent", service: "s1", ip: a),
            Step(what: "s2 can't take s1's address", service: "s2", ip: a, refused: true),
            Step(what: "s2 takes the other address", service: "s2", ip: b),
            Step(what: "s1 can't move onto s2's address", service: "s1", ip: b, refused: true),
            Step(what: "s1 frees its address", service: "s1", ip: nil),
            Step(what: "s2 moves onto s1's former address", service: "s2", ip: a),
            Step(what: "s1 takes s2's former address", service: "s1", ip: b),
        ]
        if !v6 {
            steps += [
                Step(
                    what: "s3 can't take a .0 from an avoidBuggyIPs pool", service: "s3", ip: "1.2.4.0", refused: true),
                Step(
                    what: "s3 can't take a .255 from an avoidBuggyIPs pool", service: "s3", ip: "1.2.4.255",
                    refused: true),
            ]
        }
        steps += [
            Step(what: "s3 takes another address of that pool", service: "s3", ip: other),
            Step(what: "s4 takes an address with a sharing key", service: "s4", ip: shared, sharing: "sharing"),
            Step(what: "s4 changes its sharing key in place", service: "s4", ip: shared, sharing: "share"),
            Step(what: "s3 can't share with s4: same port", service: "s3", ip: shared, sharing: "share", refused: true),
            Step(
                what: "s3 can't share with s4: different sharing key", service: "s3", ip: shared, ports: ["TCP/25"],
                sharing: "othershare", refused: true),
            Step(
                what: "s3 can't share with s4: different backend key", service: "s3", ip: shared, ports: ["TCP/25"],
                sharing: "share", backend: "othershare", refused: true),
            Step(
                what: "s3 shares s4's address on another port", service: "s3", ip: shared, ports: ["TCP/25"],
                sharing: "share"),
            Step(
                what: "s3 changes its ports and keeps the address", service: "s3", ip: shared, ports: ["TCP/26"],
                sharing: "share"),
            Step(
                what: "s3 can't change its sharing key while sharing", service: "s3", ip: shared, ports: ["TCP/26"],
                sharing: "othershare", refused: true),
            Step(
                what: "s3 can't change its backend key while sharing", service: "s3", ip: shared, ports: ["TCP/26"],
                sharing: "share", backend: "otherbackend", refused: true),
            Step(what: "s3 moves away", service: "s3", ip: nil),
            Step(
                what: "s4 changes its ports alone on the address", service: "s4", ip: shared, ports: ["UDP/53"],
                sharing: "share"),
        ]
        return steps
    }

    static let assignmentPools: [AddressPool] = [
        pool("test", ["1.2.3.4/31", "1000::4/127"]),
        pool("test2", ["1.2.4.0/24", "1000::4:0/120"], avoidBuggyIPs: true),
    ]

    @Test("TestAssignment: conflicts on a /31, buggy addresses, sharing", arguments: [false, true])
    func assignment(v6: Bool) throws {
        var allocator = try Allocator(pools: Self.assignmentPools)
        for step in Self.assignmentSteps(v6: v6) {
            let request = claim(
                step.service, sharing: step.sharing, backend: step.backend, ports: step.ports,
                family: v6 ? .ipv6 : .ipv4)
            guard let text = step.ip else {
                allocator.unassign(request.key)
                continue
            }
            let result = Result { () throws(AllocationError) in try allocator.assign(request, [ip(text)]) }
            #expect((result.failureValue != nil) == step.refused, "\(step.what): \(result)")
            if !step.refused { #expect(allocator.assignment(of: request.key)?.ips == [ip(text)], "\(step.what)") }
        }
    }

    /// The error texts users see for each way sharing fails, and the ways it succeeds.
    static let sharingCases: [(what: String, ports: [String], sharing: String, backend: String, outcome: String)] = [
        ("same port refused", ["TCP/53"], "k", "", #"port TCP/53 is already in use on "10.0.0.1""#),
        (
            "different sharing key refused", ["TCP/80"], "other", "",
            #"can't change sharing key for "default/s2", address also in use by default/s1"#
        ),
        (
            "no sharing key refused", ["TCP/80"], "", "",
            #"can't change sharing key for "default/s2", address also in use by default/s1"#
        ),
        (
            "different backend key refused", ["TCP/80"], "k", "app=web",
            #"can't change sharing key for "default/s2", address also in use by default/s1"#
        ),
        ("compatible ports accepted", ["TCP/80", "TCP/443"], "k", "", "ok"),
        ("UDP/53 next to TCP/53 accepted", ["UDP/53"], "k", "", "ok"),
    ]

    @Test("sharing an address: key, backend key and ports decide", arguments: sharingCases)
    func sharing(what: String, ports: [String], sharing: String, backend: String, outcome: String) throws {
        var allocator = try Allocator(pools: [pool("p", ["10.0.0.1/32"])])
        try allocator.assign(claim("s1", sharing: "k", ports: ["TCP/53"]), [ip("10.0.0.1")])
        let second = claim("s2", sharing: sharing, backend: backend, ports: ports)
        let got: String
        do {
            try allocator.assign(second, [ip("10.0.0.1")])
            got = "ok"
        } catch { got = error.description }
        #expect(got == outcome, "\(what)")
        if outcome == "ok" {
            #expect(allocator.holders(of: ip("10.0.0.1")) == ["default/s1", "default/s2"])
            // Automatic allocation joins the shared address too: it is the lowest usable one.
            #expect(allocator.outcome(claim("s3", sharing: "k", ports: ["TCP/8080"])) == "10.0.0.1")
        }
    }

    /// TestBuggyIPs: four /31 pools, two avoiding buggy addresses; exactly six allocations.
    @Test("TestBuggyIPs: four /31 pools allow exactly six allocations, none buggy where avoided")
    func buggyIPs() throws {
        var allocator = try Allocator(pools: [
            pool("test", ["1.2.3.0/31"]),
            pool("test2", ["1.2.3.254/31"]),
            pool("test3", ["1.2.4.0/31"], avoidBuggyIPs: true),
            pool("test4", ["1.2.4.254/31"], avoidBuggyIPs: true),
        ])
        let valid: Set<String> = ["1.2.3.0", "1.2.3.1", "1.2.3.254", "1.2.3.255", "1.2.4.1", "1.2.4.254"]
        var got: [String] = []
        for i in 1...6 { got.append(allocator.outcome(claim("s\(i)"))) }
        #expect(Set(got) == valid)
        #expect(allocator.outcome(claim("s7")) == "error: no available IPs")
    }

    /// TestPoolCount: the capacity MetalLB reports for a pool.
    static let counts: [(what: String, entries: [String], avoid: Bool, v4: UInt64?, v6: UInt64?)] = [
        ("/24", ["1.2.3.0/24"], false, 256, 0),
        ("/24 and /25", ["1.2.3.0/24", "2.3.4.128/25"], false, 384, 0),
        ("/24 and /25, no buggy IPs", ["1.2.3.0/24", "2.3.4.128/25"], true, 381, 0),
        ("a v6 /64 saturates", ["1.2.3.0/24", "2.3.4.128/25", "1000::/64"], true, 381, nil),
        ("v4 /31 and v6 /127, no buggy IPs", ["1.2.3.0/31", "1000::/127"], true, 1, 2),
    ]

    @Test("TestPoolCount: pool capacity per family", arguments: counts)
    func poolCount(what: String, entries: [String], avoid: Bool, v4: UInt64?, v6: UInt64?) {
        let p = pool("p", entries, avoidBuggyIPs: avoid)
        #expect(p.capacity(of: .ipv4) == v4, "\(what)")
        #expect(p.capacity(of: .ipv6) == v6, "\(what)")
    }

    /// TestAutoAssign: an autoAssign=false pool is skipped by automatic allocation of every
    /// family, and still usable through the pool annotation.
    @Test(
        "TestAutoAssign: autoAssign=false is skipped automatically, usable by annotation",
        arguments: [ServiceIPFamily.ipv4, .ipv6, .dualStack])
    func autoAssign(family: ServiceIPFamily) throws {
        var allocator = try Allocator(pools: [
            pool("test1", ["1.2.3.4/31", "1000::4/127"], autoAssign: false),
            pool("test2", ["1.2.3.10/31", "1000::10/127"]),
        ])
        let policy: IPFamilyPolicy = family == .dualStack ? .requireDualStack : .singleStack
        let allowed: Set<String> = ["1.2.3.10", "1.2.3.11", "1000::10", "1000::11"]
        for i in 1...2 {
            let got = allocator.outcome(claim("s\(i)", family: family, policy: policy))
            #expect(got.split(separator: ",").allSatisfy { allowed.contains(String($0)) }, "\(got)")
        }
        #expect(allocator.outcome(claim("s3", family: family, policy: policy)) == "error: no available IPs")
        let pinned = try allocator.allocate(claim("s4", family: family, policy: policy), fromPool: "test1")
        #expect(pinned.allSatisfy { ["1.2.3.4", "1000::4"].contains($0.description) })
    }

    /// TestConfigReload (current): s1 holds 1.2.3.0 and s2 holds 1000:: in pool "test"
    /// (1.2.3.0/30, 1000::/126); after the reload each is in the pool named, or lost ("").
    static let reloads: [(what: String, pools: [AddressPool], s1: String, s2: String)] = [
        ("same config is a no-op", [pool("test", ["1.2.3.0/30", "1000::/126"])], "test", "test"),
        ("expand the pool", [pool("test", ["1.2.3.0/24", "1000::/120"])], "test", "test"),
        ("shrink the pool", [pool("test", ["1.2.3.0/30", "1000::/126"])], "test", "test"),
        ("shrink past s1's address", [pool("test", ["1.2.3.2/31", "1000::/126"])], "", "test"),
        ("shrink past s2's address", [pool("test", ["1.2.3.0/30", "1000::2/127"])], "test", ""),
        ("rename the pool", [pool("test2", ["1.2.3.0/30", "1000::/126"])], "test2", "test2"),
        (
            "split the pool",
            [pool("test", ["1.2.3.0/31", "1000::2/127"]), pool("test2", ["1.2.3.2/31", "1000::/127"])],
            "test", "test2"
        ),
        ("enable avoidBuggyIPs", [pool("test2", ["1.2.3.0/31", "1000::/127"], avoidBuggyIPs: true)], "", "test2"),
    ]

    @Test("TestConfigReload: current re-homes or drops assignments", arguments: reloads)
    func configReload(what: String, pools: [AddressPool], s1: String, s2: String) throws {
        var allocator = try Allocator(pools: [
            pool("test", ["1.2.3.0/30", "1000::/126"]), pool("unused", ["4.5.6.0/24"]),
        ])
        try allocator.assign(claim("s1"), [ip("1.2.3.0")])
        try allocator.assign(claim("s2", family: .ipv6), [ip("1000::")])
        try allocator.setPools(pools)
        #expect(allocator.assignment(of: "default/s1")?.pool ?? "" == s1, "\(what)")
        #expect(allocator.assignment(of: "default/s2")?.pool ?? "" == s2, "\(what)")
    }

    @Test("v0.9.4 refuses a reload that orphans an address, and keeps the old pools")
    func v094ReloadRefused() throws {
        var allocator = try Allocator(pools: [pool("test", ["1.2.3.0/30"])], semantics: .v0_9_4)
        try allocator.assign(claim("s1"), [ip("1.2.3.0")])
        #expect(throws: PoolConfigError.orphansAssignment(service: "default/s1", ip: ip("1.2.3.0"))) {
            try allocator.setPools([pool("test", ["1.2.3.2/31"])])
        }
        #expect((try? allocator.setPools([pool("test", ["1.2.3.2/31"])])) == nil)
        #expect(allocator.pools.map(\.name) == ["test"])
        #expect(allocator.pools[0].cidrs == [cidr("1.2.3.0/30")])
        #expect(allocator.assignment(of: "default/s1")?.pool == "test")
        // A compatible reload (rename) is taken.
        try allocator.setPools([pool("renamed", ["1.2.3.0/30"])])
        #expect(allocator.assignment(of: "default/s1")?.pool == "renamed")
        let message = PoolConfigError.orphansAssignment(service: "default/s1", ip: ip("1.2.3.0")).description
        #expect(
            message
                == #"new config not compatible with assigned IPs: service "default/s1" cannot own "1.2.3.0" under new config"#
        )
    }

    /// Dual-stack pools (TestPoolAllocation): pairs while both families last; then
    /// RequireDualStack fails while PreferDualStack falls back to the family that is left.
    @Test("dual-stack: RequireDualStack needs both families, PreferDualStack takes what is left")
    func dualStack() throws {
        var allocator = try Allocator(pools: [pool("dual", ["1.2.3.4/31", "1000::4/126"])])
        #expect(allocator.outcome(claim("s1", family: .dualStack, policy: .requireDualStack)) == "1.2.3.4,1000::4")
        #expect(allocator.outcome(claim("s2", family: .dualStack, policy: .requireDualStack)) == "1.2.3.5,1000::5")
        #expect(
            allocator.outcome(claim("s3", family: .dualStack, policy: .requireDualStack)) == "error: no available IPs")
        #expect(allocator.outcome(claim("s4", family: .dualStack, policy: .preferDualStack)) == "1000::6")
        #expect(allocator.outcome(claim("s5", family: .ipv4)) == "error: no available IPs")
        #expect(allocator.outcome(claim("s6", family: .ipv6)) == "1000::7")
    }

    @Test("dual-stack: SingleStack takes the first pool with its family; a v4-only pool can't serve dual")
    func singleStackFamilies() throws {
        var allocator = try Allocator(pools: [
            pool("a-v4", ["10.0.0.0/31"]), pool("b-v6", ["fd00::/127"]),
            pool("c-dual", ["10.1.0.0/31", "fd01::/127"]),
        ])
        #expect(allocator.outcome(claim("s1", family: .ipv6)) == "fd00::")
        #expect(allocator.outcome(claim("s2", family: .dualStack, policy: .requireDualStack)) == "10.1.0.0,fd01::")
        #expect(allocator.outcome(claim("s3", family: .dualStack, policy: .preferDualStack)) == "10.1.0.1,fd01::1")
        // No pool has both families left: PreferDualStack takes its primary family's first pool.
        #expect(allocator.outcome(claim("s4", family: .dualStack, policy: .preferDualStack)) == "10.0.0.0")
    }

    /// serviceAllocation: priority, namespaces and service selectors (TestAssignment's pinned
    /// pools and TestAllocation's priorities).
    @Test("serviceAllocation: pinned pools first, by priority, then the open pools by name")
    func pinning() throws {
        let team = ResourceSelector(matchLabels: ["team": "metallb"])
        var allocator = try Allocator(pools: [
            pool("open", ["10.0.0.0/24"]),
            pool("ns1-low", ["10.1.0.0/24"], serviceAllocation: ServiceAllocation(priority: 20, namespaces: ["ns1"])),
            pool("ns1-high", ["10.2.0.0/32"], serviceAllocation: ServiceAllocation(priority: 10, namespaces: ["ns1"])),
            pool("team", ["10.3.0.0/24"], serviceAllocation: ServiceAllocation(serviceSelectors: [team])),
            pool(
                "ns2-team", ["10.4.0.0/24"],
                serviceAllocation: ServiceAllocation(priority: 5, namespaces: ["ns2"], serviceSelectors: [team])),
        ])
        #expect(allocator.outcome(claim("a", namespace: "ns1")) == "10.2.0.0")
        #expect(allocator.outcome(claim("b", namespace: "ns1")) == "10.1.0.0")
        #expect(allocator.outcome(claim("c", namespace: "other")) == "10.0.0.0")
        #expect(allocator.outcome(claim("d", namespace: "other", labels: ["team": "metallb"])) == "10.3.0.0")
        #expect(allocator.outcome(claim("e", namespace: "ns2", labels: ["team": "metallb"])) == "10.4.0.0")
        // ns2 without the label: ns2-team is pinned to ns2 but its selector refuses the service.
        #expect(allocator.outcome(claim("f", namespace: "ns2")) == "10.0.0.1")
        // Asking for a pinned pool's address from the wrong namespace.
        let refused = Result { () throws(AllocationError) in
            try allocator.assign(claim("g", namespace: "other"), [ip("10.1.0.9")])
        }
        #expect(refused.failureValue?.description == "pool ns1-low not compatible for ip assignment")
    }

    @Test("namespaceSelectors resolve against the namespaces that exist")
    func namespaceSelectors() throws {
        let prod = ResourceSelector(matchLabels: ["env": "prod"])
        let pools = [
            pool("open", ["10.0.0.0/24"]),
            pool("prod", ["10.9.0.0/24"], serviceAllocation: ServiceAllocation(namespaceSelectors: [prod])),
        ]
        var allocator = try Allocator(pools: pools, namespaces: ["shop": ["env": "prod"], "dev": ["env": "dev"]])
        #expect(allocator.outcome(claim("a", namespace: "shop")) == "10.9.0.0")
        #expect(allocator.outcome(claim("b", namespace: "dev")) == "10.0.0.0")
        // The pool is never an open pool: with no namespace matching, nothing pins to it.
        var none = try Allocator(pools: pools, namespaces: ["dev": ["env": "dev"]])
        #expect(none.outcome(claim("a", namespace: "shop")) == "10.0.0.0")
    }
}
