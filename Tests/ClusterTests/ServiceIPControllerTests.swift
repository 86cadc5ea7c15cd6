import IPAM
import Testing
import Wire

@testable import Cluster

/// The controller's events and status (METALLB-SEMANTICS.md section 1, "Events and status").
@Suite("ServiceIPController")
struct ServiceIPControllerTests {
    static func seedPools() throws -> [AddressPool] {
        [AddressPool(name: "default", cidrs: try AddressPool.parseAddresses("10.200.200.120-10.200.200.122"))]
    }

    static let allocatedMessages: [(version: MetalLBVersion, message: String)] = [
        (.v0_9_4, #"Assigned IP "10.200.200.120""#),
        (.current, #"Assigned IP ["10.200.200.120"]"#),
    ]

    @Test(
        "an allocation records IPAllocated with the version's wording and sets the ingress",
        arguments: allocatedMessages)
    func ipAllocatedEvent(version: MetalLBVersion, message: String) throws {
        var controller = try ServiceIPController(version: version, pools: Self.seedPools())
        var cluster = ClusterState()
        cluster.add(service("nginx"))
        let changed = controller.reconcile("default/nginx", in: &cluster, now: 3 * 1_000_000_000)
        #expect(changed)
        #expect(cluster.services["default/nginx"]?.ingress == [ip("10.200.200.120")])
        #expect(
            cluster.events["default/nginx"] == [
                ObjectEvent(time: 3_000_000_000, type: .normal, reason: "IPAllocated", message: message)
            ])
    }

    @Test("v0.9.4 quotes one address: Assigned IP \"10.200.200.120\"")
    func v094Message() throws {
        var controller = try ServiceIPController(version: .v0_9_4, pools: Self.seedPools())
        var cluster = ClusterState()
        cluster.add(service("nginx"))
        controller.reconcile("default/nginx", in: &cluster, now: 0)
        #expect(cluster.events["default/nginx"]?.first?.message == "Assigned IP \"10.200.200.120\"")
    }

    @Test("current quotes a list: Assigned IP [\"10.200.200.120\"]")
    func currentMessage() throws {
        var controller = try ServiceIPController(version: .current, pools: Self.seedPools())
        var cluster = ClusterState()
        cluster.add(service("nginx"))
        controller.reconcile("default/nginx", in: &cluster, now: 0)
        #expect(cluster.events["default/nginx"]?.first?.message == "Assigned IP [\"10.200.200.120\"]")
    }

    @Test("reconciling an unchanged service changes nothing and records nothing more")
    func reconcileIsIdempotent() throws {
        var controller = try ServiceIPController(version: .current, pools: Self.seedPools())
        var cluster = ClusterState()
        cluster.add(service("nginx"))
        controller.reconcile("default/nginx", in: &cluster, now: 0)
        let changed = controller.reconcile("default/nginx", in: &cluster, now: 1)
        #expect(!changed)
        #expect(cluster.events["default/nginx"]?.count == 1)
        #expect(cluster.services["default/nginx"]?.ingress == [ip("10.200.200.120")])
    }

    @Test(
        "an exhausted pool records AllocationFailed: Failed to allocate IP for \"default/x\": no available IPs",
        arguments: MetalLBVersion.allCases)
    func allocationFailed(version: MetalLBVersion) throws {
        var controller = try ServiceIPController(
            version: version,
            pools: [AddressPool(name: "default", cidrs: [cidr("10.200.200.120/32")])])
        var cluster = ClusterState()
        cluster.add(service("a"))
        cluster.add(service("x"))
        controller.reconcile("default/a", in: &cluster, now: 0)
        let changed = controller.reconcile("default/x", in: &cluster, now: 5)
        #expect(!changed)
        #expect(cluster.services["default/x"]?.ingress == [])
        #expect(
            cluster.events["default/x"] == [
                ObjectEvent(
                    time: 5, type: .warning, reason: "AllocationFailed",
                    message: #"Failed to allocate IP for "default/x": no available IPs"#)
            ])
        #expect(controller.assignment(of: "default/x") == nil)
    }

    @Test("an unknown pool annotation fails with the allocator's reason")
    func allocationFailedUnknownPool() throws {
        var controller = try ServiceIPController(version: .v0_9_4, pools: Self.seedPools())
        var cluster = ClusterState()
        cluster.add(service("x", annotations: ["metallb.universe.tf/address-pool": "gold"]))
        controller.reconcile("default/x", in: &cluster, now: 0)
        #expect(
            cluster.events["default/x"]?.last?.message == #"Failed to allocate IP for "default/x": unknown pool "gold""#
        )
        #expect(cluster.services["default/x"]?.ingress == [])
    }

    @Test(
        "the pool annotation, under either prefix, picks the pool",
        arguments: ["metallb.io/address-pool", "metallb.universe.tf/address-pool"])
    func poolAnnotation(annotation: String) throws {
        var controller = try ServiceIPController(
            version: .current,
            pools: [
                AddressPool(name: "default", cidrs: [cidr("10.200.200.120/30")]),
                AddressPool(name: "gold", cidrs: [cidr("10.0.0.7/32")], autoAssign: false),
            ])
        var cluster = ClusterState()
        cluster.add(service("x", annotations: [annotation: "gold"]))
        controller.reconcile("default/x", in: &cluster, now: 0)
        #expect(cluster.services["default/x"]?.ingress == [ip("10.0.0.7")])
    }

    @Test("spec.loadBalancerIP is honoured")
    func requestedIP() throws {
        var controller = try ServiceIPController(version: .v0_9_4, pools: Self.seedPools())
        var cluster = ClusterState()
        cluster.add(service("x", loadBalancerIP: "10.200.200.122"))
        controller.reconcile("default/x", in: &cluster, now: 0)
        #expect(cluster.services["default/x"]?.ingress == [ip("10.200.200.122")])
        #expect(cluster.events["default/x"]?.first?.message == #"Assigned IP "10.200.200.122""#)
    }

    @Test("a requested address held by another service fails with MetalLB's sharing-key reason")
    func requestedIPInUse() throws {
        var controller = try ServiceIPController(version: .v0_9_4, pools: Self.seedPools())
        var cluster = ClusterState()
        cluster.add(service("x", loadBalancerIP: "10.200.200.121"))
        cluster.add(service("y", loadBalancerIP: "10.200.200.121"))
        controller.reconcile("default/x", in: &cluster, now: 0)
        controller.reconcile("default/y", in: &cluster, now: 1)
        #expect(cluster.services["default/x"]?.ingress == [ip("10.200.200.121")])
        #expect(cluster.services["default/y"]?.ingress == [])
        #expect(
            cluster.events["default/y"] == [
                ObjectEvent(
                    time: 1, type: .warning, reason: "AllocationFailed",
                    message:
                        #"Failed to allocate IP for "default/y": can't change sharing key for "default/y", address also in use by default/x"#
                )
            ])
    }

    static let otherTypes: [ServiceType] = [.clusterIP, .nodePort, .externalName]

    @Test("a service that is not a LoadBalancer gets no address and no event", arguments: otherTypes)
    func nonLoadBalancerNoAddress(type: ServiceType) throws {
        var controller = try ServiceIPController(version: .current, pools: Self.seedPools())
        var cluster = ClusterState()
        cluster.add(service("internal", type: type))
        let changed = controller.reconcile("default/internal", in: &cluster, now: 0)
        #expect(!changed)
        #expect(cluster.services["default/internal"]?.ingress == [])
        #expect(cluster.events["default/internal"] == nil)
        #expect(controller.assignment(of: "default/internal") == nil)
        // The pool is untouched: the next LoadBalancer gets its first address.
        cluster.add(service("lb"))
        controller.reconcile("default/lb", in: &cluster, now: 0)
        #expect(cluster.services["default/lb"]?.ingress == [ip("10.200.200.120")])
    }

    @Test("a LoadBalancer turned ClusterIP gives its address back")
    func typeChangeReleases() throws {
        var controller = try ServiceIPController(
            version: .current,
            pools: [AddressPool(name: "default", cidrs: [cidr("10.200.200.120/32")])])
        var cluster = ClusterState()
        cluster.add(service("a"))
        controller.reconcile("default/a", in: &cluster, now: 0)
        cluster.services["default/a"]?.type = .clusterIP
        #expect(controller.reconcile("default/a", in: &cluster, now: 1))
        #expect(cluster.services["default/a"]?.ingress == [])
        cluster.add(service("b"))
        controller.reconcile("default/b", in: &cluster, now: 2)
        #expect(cluster.services["default/b"]?.ingress == [ip("10.200.200.120")])
    }

    @Test("a deleted service's address goes to the next service")
    func deletedServiceRecycles() throws {
        var controller = try ServiceIPController(
            version: .current,
            pools: [AddressPool(name: "default", cidrs: [cidr("10.200.200.120/32")])])
        var cluster = ClusterState()
        cluster.add(service("a"))
        controller.reconcile("default/a", in: &cluster, now: 0)
        cluster.services["default/a"] = nil
        #expect(!controller.reconcile("default/a", in: &cluster, now: 1))
        cluster.add(service("b"))
        controller.reconcile("default/b", in: &cluster, now: 2)
        #expect(cluster.services["default/b"]?.ingress == [ip("10.200.200.120")])
        #expect(cluster.events["default/b"]?.first?.reason == "IPAllocated")
    }

    @Test("the controller refuses an invalid pool list")
    func invalidPools() {
        #expect(throws: PoolConfigError.duplicatePool("default")) {
            _ = try ServiceIPController(
                version: .current,
                pools: [
                    AddressPool(name: "default", cidrs: [cidr("10.0.0.0/30")]),
                    AddressPool(name: "default", cidrs: [cidr("10.0.1.0/30")]),
                ])
        }
    }

    @Test("pool(for:) finds the pool of a held address")
    func poolForAddress() throws {
        let controller = try ServiceIPController(version: .current, pools: Self.seedPools())
        #expect(controller.pool(for: ip("10.200.200.121"))?.name == "default")
        #expect(controller.pool(for: ip("10.200.200.123")) == nil)
    }
}
