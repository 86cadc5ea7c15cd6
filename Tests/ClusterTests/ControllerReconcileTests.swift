import IPAM
import Testing
import Wire

@testable import Cluster

/// The controller's passes (MetalLB's convergeBalancer): what each version records when the
/// configuration changes under an assigned service, when a service is deleted, and when a
/// request is malformed.
@Suite("ServiceIPController passes")
struct ControllerReconcileTests {
    static func pools(_ entries: [String], name: String = "default", avoid: Bool = false) -> [AddressPool] {
        [AddressPool(name: name, cidrs: entries.flatMap { try! AddressPool.parseAddresses($0) }, avoidBuggyIPs: avoid)]
    }

    static func events(_ cluster: ClusterState, _ key: String) -> [String] {
        (cluster.events[key] ?? []).map { "\($0.type.rawValue) \($0.reason): \($0.message)" }
    }

    @Test("current: enabling avoidBuggyIPs under a .0 clears it (ClearAssignment) and allocates again")
    func clearAssignment() throws {
        var controller = try ServiceIPController(version: .current, pools: Self.pools(["10.0.0.0/30"]))
        var cluster = ClusterState()
        cluster.add(service("x"))
        controller.reconcile("default/x", in: &cluster, now: 0)
        #expect(cluster.services["default/x"]?.ingress == [ip("10.0.0.0")])
        try controller.setPools(Self.pools(["10.0.0.0/30"], avoid: true))
        #expect(controller.reconcile("default/x", in: &cluster, now: 1))
        #expect(cluster.services["default/x"]?.ingress == [ip("10.0.0.1")])
        #expect(
            Self.events(cluster, "default/x") == [
                #"Normal IPAllocated: Assigned IP ["10.0.0.0"]"#,
                #"Normal ClearAssignment: current IP for "default/x" not allowed by config, will attempt for new IP assignment: ["10.0.0.0"] is not allowed in config"#,
                #"Normal IPAllocated: Assigned IP ["10.0.0.1"]"#,
            ])
    }

    @Test("v0.9.4: a reload that orphans an address is refused and nothing changes")
    func v094Refusal() throws {
        var controller = try ServiceIPController(version: .v0_9_4, pools: Self.pools(["10.0.0.0/31"]))
        var cluster = ClusterState()
        cluster.add(service("x"))
        controller.reconcile("default/x", in: &cluster, now: 0)
        #expect(throws: PoolConfigError.self) { try controller.setPools(Self.pools(["10.0.0.1/32"])) }
        #expect(!controller.reconcile("default/x", in: &cluster, now: 1))
        #expect(cluster.services["default/x"]?.ingress == [ip("10.0.0.0")])
    }

    @Test(
        "deleting a service recycles its address to a pending one on the next pass", arguments: MetalLBVersion.allCases)
    func deleteRecycles(version: MetalLBVersion) throws {
        var controller = try ServiceIPController(version: version, pools: Self.pools(["10.0.0.7/32"]))
        var cluster = ClusterState()
        cluster.add(service("a"))
        cluster.add(service("b"))
        controller.reconcile("default/a", in: &cluster, now: 0)
        controller.reconcile("default/b", in: &cluster, now: 0)
        #expect(cluster.services["default/b"]?.ingress == [])
        cluster.services["default/a"] = nil
        controller.reconcile("default/a", in: &cluster, now: 1)
        controller.reconcile("default/b", in: &cluster, now: 1)
        #expect(cluster.services["default/b"]?.ingress == [ip("10.0.0.7")])
    }

    static let badRequests: [(annotations: [String: String], loadBalancerIP: String?, message: String)] = [
        (
            ["metallb.io/loadBalancerIPs": "10.0.0.1"], "10.0.0.1",
            "service can not have both metallb.io/loadBalancerIPs and svc.Spec.LoadBalancerIP"
        ),
        (
            ["metallb.io/loadBalancerIPs": "10.0.0.1,banana"], nil,
            #"invalid metallb.io/loadBalancerIPs: "10.0.0.1,banana""#
        ),
        (
            ["metallb.universe.tf/loadBalancerIPs": "10.0.0.1, 10.0.0.2"], nil,
            #"IPFamilyForAddresses: same address family ["10.0.0.1" "10.0.0.2"]"#
        ),
        (
            ["metallb.io/loadBalancerIPs": "fd00::1"], nil,
            #"requested loadBalancer IP(s) ["fd00::1"] does not match the ipFamily of the service"#
        ),
    ]

    @Test("current: malformed requests fail with MetalLB's reasons", arguments: badRequests)
    func badRequest(annotations: [String: String], loadBalancerIP: String?, message: String) throws {
        var controller = try ServiceIPController(version: .current, pools: Self.pools(["10.0.0.0/24", "fd00::/120"]))
        var cluster = ClusterState()
        var svc = service("x", annotations: annotations)
        svc.loadBalancerIP = loadBalancerIP.map { ip($0) }
        cluster.add(svc)
        controller.reconcile("default/x", in: &cluster, now: 0)
        #expect(cluster.services["default/x"]?.ingress == [])
        #expect(
            Self.events(cluster, "default/x") == [
                "Warning AllocationFailed: Failed to allocate IP for \"default/x\": \(message)"
            ])
    }

    @Test("current: the loadBalancerIPs annotation gives a dual-stack service both addresses")
    func annotationDualStack() throws {
        var controller = try ServiceIPController(version: .current, pools: Self.pools(["10.0.0.0/24", "fd00::/120"]))
        var cluster = ClusterState()
        var svc = service("x", annotations: ["metallb.io/loadBalancerIPs": "10.0.0.9,fd00::9"])
        svc.ipFamilies = [.ipv4, .ipv6]
        svc.ipFamilyPolicy = .requireDualStack
        cluster.add(svc)
        controller.reconcile("default/x", in: &cluster, now: 0)
        #expect(cluster.services["default/x"]?.ingress == [ip("10.0.0.9"), ip("fd00::9")])
    }

    @Test("v0.9.4 reads only the metallb.universe.tf annotations")
    func v094Annotations() throws {
        var controller = try ServiceIPController(
            version: .v0_9_4,
            pools: [
                AddressPool(name: "a", cidrs: [cidr("10.0.0.0/30")]),
                AddressPool(name: "b", cidrs: [cidr("10.1.0.0/30")]),
            ])
        var cluster = ClusterState()
        cluster.add(service("new", annotations: ["metallb.io/address-pool": "b"]))
        cluster.add(service("old", annotations: ["metallb.universe.tf/address-pool": "b"]))
        controller.reconcile("default/new", in: &cluster, now: 0)
        controller.reconcile("default/old", in: &cluster, now: 0)
        #expect(cluster.services["default/new"]?.ingress == [ip("10.0.0.0")])
        #expect(cluster.services["default/old"]?.ingress == [ip("10.1.0.0")])
    }
}
