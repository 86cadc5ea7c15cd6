import PropertyBased
import Testing
import Wire

@testable import IPAM

/// Properties of the allocator over random pools, services and operation sequences: what
/// must hold whatever happens (METALLB-SEMANTICS.md section 1).
@Suite("Allocator properties")
struct AllocatorPropertyTests {
    /// Small pools of both families, some avoiding buggy addresses, one pinned to a namespace,
    /// so that exhaustion, sharing and pinning all happen within a short sequence.
    static func pools(_ variant: Int) -> [AddressPool] {
        [
            pool("a", ["10.0.0.254/31", "10.0.1.0/30"], avoidBuggyIPs: variant % 2 == 0),
            pool("b", ["fd00::/126", "10.0.2.0/31"]),
            pool(
                "c", ["10.0.3.0/30"], autoAssign: variant % 3 != 0,
                serviceAllocation: ServiceAllocation(priority: variant % 4, namespaces: ["pinned"])),
        ]
    }

    /// One operation, decoded from a number so the generator stays simple and shrinks well.
    enum Operation: CustomStringConvertible {
        case allocate(service: Int, sharing: Int, port: Int, family: ServiceIPFamily, namespace: Int)
        case fromPool(service: Int, pool: String)
        case request(service: Int, sharing: Int, port: Int, address: String)
        case release(service: Int)
        case reload(variant: Int)

        static let addresses = [
            "10.0.0.254", "10.0.0.255", "10.0.1.0", "10.0.1.3", "fd00::1", "10.0.2.1", "10.0.3.2", "10.9.9.9",
        ]

        init(_ code: Int) {
            let service = code % 7
            let sharing = (code / 7) % 3
            let port = 80 + (code / 21) % 3
            switch (code / 63) % 6 {
            case 0, 1:
                let families: [ServiceIPFamily] = [.ipv4, .ipv6, .dualStack]
                self = .allocate(
                    service: service, sharing: sharing, port: port, family: families[(code / 378) % 3],
                    namespace: (code / 1134) % 2)
            case 2: self = .fromPool(service: service, pool: ["a", "b", "c", "zzz"][(code / 378) % 4])
            case 3:
                self = .request(
                    service: service, sharing: sharing, port: port,
                    address: Operation.addresses[(code / 378) % Operation.addresses.count])
            case 4: self = .release(service: service)
            default: self = .reload(variant: (code / 378) % 12)
            }
        }

        var description: String {
            switch self {
            case .allocate(let s, let k, let p, let f, let n): return "allocate s\(s) key\(k) TCP/\(p) \(f) ns\(n)"
            case .fromPool(let s, let pool): return "fromPool s\(s) \(pool)"
            case .request(let s, let k, let p, let a): return "request s\(s) key\(k) TCP/\(p) \(a)"
            case .release(let s): return "release s\(s)"
            case .reload(let v): return "reload \(v)"
            }
        }
    }

    static func claim(
        _ service: Int, sharing: Int = 0, port: Int = 80, family: ServiceIPFamily = .ipv4,
        namespace: Int = 0
    ) -> ServiceClaim {
        let ns = namespace == 0 ? "default" : "pinned"
        return ServiceClaim(
            key: "\(ns)/s\(service)", namespace: ns,
            ports: [ServicePortKey(protocol: "TCP", port: port)],
            sharing: SharingKey(sharing: sharing == 0 ? "" : "key\(sharing)"),
            family: family, familyPolicy: family == .dualStack ? .preferDualStack : .singleStack)
    }

    static func apply(_ operation: Operation, to allocator: inout Allocator) {
        switch operation {
        case .allocate(let s, let k, let p, let f, let n):
            _ = try? allocator.allocate(claim(s, sharing: k, port: p, family: f, namespace: n))
        case .fromPool(let s, let name): _ = try? allocator.allocate(claim(s), fromPool: name)
        case .request(let s, let k, let p, let a): _ = try? allocator.assign(claim(s, sharing: k, port: p), [ip(a)])
        case .release(let s):
            allocator.unassign("default/s\(s)")
            allocator.unassign("pinned/s\(s)")
        case .reload(let v): try? allocator.setPools(pools(v))
        }
    }

    /// Every held address is allowed by the pool recorded for it, and that pool admits the
    /// service; no address is held by two services unless their keys allow sharing and their
    /// ports do not collide.
    static func checkInvariants(_ allocator: Allocator, after operations: [Operation]) {
        var byAddress: [IPAddress: [(String, Assignment)]] = [:]
        for (service, held) in allocator.assignments {
            let pool = allocator.pool(named: held.pool)
            #expect(pool != nil, "\(service) holds \(held.ips) from a pool that is gone; \(operations)")
            for ip in held.ips {
                #expect(pool?.allows(ip) == true, "\(service) holds \(ip), not allowed by \(held.pool); \(operations)")
                byAddress[ip, default: []].append((service, held))
            }
            if let pool, let rule = allocator.resolvedAllocations[pool.name] {
                let namespace = String(service.split(separator: "/")[0])
                #expect(
                    rule.admits(namespace: namespace, labels: [:]),
                    "\(service) in pinned pool \(pool.name); \(operations)")
            }
        }
        for (ip, holders) in byAddress where holders.count > 1 {
            for i in holders.indices {
                for j in holders.indices where j > i {
                    let (a, x) = holders[i]
                    let (b, y) = holders[j]
                    #expect(
                        x.sharing.allowsSharing(with: y.sharing),
                        "\(a) and \(b) share \(ip) without matching keys; \(operations)")
                    #expect(Set(x.ports).isDisjoint(with: y.ports), "\(a) and \(b) collide on \(ip); \(operations)")
                }
            }
            #expect(allocator.holders(of: ip).sorted() == holders.map(\.0).sorted())
        }
    }

    @Test("no address is double-held against the sharing rules; held addresses lie in pools that allow them")
    func invariantsHold() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...9999).array(of: 1...40)) { codes in
            let operations = codes.map(Operation.init)
            var allocator = try! Allocator(pools: Self.pools(1))
            for operation in operations {
                Self.apply(operation, to: &allocator)
                Self.checkInvariants(allocator, after: operations)
            }
        }
    }

    @Test("releasing every service returns the allocator to empty")
    func releaseAllEmpties() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...9999).array(of: 1...40)) { codes in
            let operations = codes.map(Operation.init)
            var allocator = try! Allocator(pools: Self.pools(1))
            for operation in operations { Self.apply(operation, to: &allocator) }
            for key in allocator.assignments.keys.sorted() { allocator.unassign(key) }
            #expect(allocator.isEmpty, "\(operations)")
        }
    }

    @Test("the index agrees with a walk: automatic allocation takes the lowest usable address, as MetalLB's walk does")
    func indexAgreesWithWalk() async {
        await propertyCheck(count: 200, input: Gen.int(in: 0...9999).array(of: 1...40)) { codes in
            let operations = codes.map(Operation.init)
            var allocator = try! Allocator(pools: [pool("only", ["10.0.0.0/29", "fd00::/125"])])
            for operation in operations {
                if case .reload = operation { continue }
                Self.apply(operation, to: &allocator)
            }
            // The reference: walk the pool from its first address, as MetalLB does.
            let probe = Self.claim(99, sharing: 1, port: 8080)
            var expected: IPAddress?
            walk: for prefix in allocator.pools[0].cidrs where prefix.family == .ipv4 {
                var address: IPAddress? = prefix.first
                while let current = address, prefix.contains(current) {
                    if (try? allocator.checkSharing(probe, current)) != nil {
                        expected = current
                        break walk
                    }
                    address = current.next
                }
            }
            let got = try? allocator.allocate(probe)
            #expect(got?.first == expected, "\(operations)")
        }
    }
}
