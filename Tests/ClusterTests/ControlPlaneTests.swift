import Engine
import IPAM
import Testing
import Wire

@testable import Cluster

/// The control plane through its driver surface only (API writes, `handle`, `poll`), as the
/// simulation drives it: who hears of each change, and when.
@Suite("ControlPlane: who sees an API change, and when")
struct ControlPlaneTests {
    static let watch = SimDuration.milliseconds(5)

    static func controlPlane(_ version: MetalLBVersion = .current) -> ControlPlane {
        var plane = ControlPlane(
            version: version,
            timing: ControlPlane.Timing(
                watchDelay: watch, podReadyDelay: .milliseconds(1500), nodeLifecycle: NodeLifecycleTiming()),
            random: RandomStream(seed: 1))
        plane.registerNode(node("worker-1", address: "192.168.1.11"))
        plane.registerNode(node("worker-2", address: "192.168.1.12"))
        return plane
    }

    static func pool(_ addresses: String) -> [AddressPool] {
        [AddressPool(name: "default", cidrs: try! AddressPool.parseAddresses(addresses))]
    }

    /// Everything the control plane decided since the last drain.
    static func drain(_ plane: inout ControlPlane) -> [ControlPlane.Output] {
        var outputs: [ControlPlane.Output] = []
        while let output = plane.poll() { outputs.append(output) }
        return outputs
    }

    /// Runs the control plane as a driver would until nothing is left before `end`: steps in
    /// time order (ties in decision order), returning everything carried out with its time.
    static func run(_ plane: inout ControlPlane, from outputs: [ControlPlane.Output], until end: SimTime)
        -> [(SimTime, ControlPlane.Output)]
    {
        var pending: [(SimTime, Int, ControlPlane.Step)] = []
        var sequence = 0
        var log: [(SimTime, ControlPlane.Output)] = []
        func take(_ outputs: [ControlPlane.Output], at time: SimTime) {
            for output in outputs {
                if case .schedule(let step, let due) = output {
                    pending.append((due, sequence, step))
                    sequence += 1
                } else {
                    log.append((time, output))
                }
            }
        }
        take(outputs, at: .zero)
        while let next = pending.min(by: { ($0.0, $0.1) < ($1.0, $1.1) }), next.0 <= end {
            pending.removeAll { $0.1 == next.1 }
            plane.handle(next.2, now: next.0)
            take(drain(&plane), at: next.0)
        }
        return log
    }

    @Test(
        """
        A new Service reaches MetalLB's controller one watch delay after it is written, and the \
        speakers' informers one more watch delay later, with the address the controller wrote \
        (client-go's watch delivers each write to every informer; MetalLB's controller/main.go \
        SetBalancer writes the status the speakers' service informer then delivers)
        """)
    func serviceWritePropagates() throws {
        var plane = Self.controlPlane()
        try plane.applyMetalLBConfig(Self.pool("10.200.200.120-10.200.200.122"), now: .zero)
        _ = Self.run(&plane, from: Self.drain(&plane), until: .seconds(1))
        let written = SimTime.seconds(2)
        plane.applyService(service("nginx"), now: written)
        let log = Self.run(&plane, from: Self.drain(&plane), until: .seconds(3))
        let allocation = try #require(
            log.first { if case .allocation("default/nginx", .some) = $0.1 { true } else { false } })
        #expect(allocation.0 == written + Self.watch)
        let delivered = log.filter { if case .deliverServices(["default/nginx"]) = $0.1 { true } else { false } }
        #expect(delivered.map(\.0) == [written + Self.watch + Self.watch])
        #expect(plane.api.services["default/nginx"]?.ingress == [ip("10.200.200.120")])
    }

    @Test(
        """
        Deleting a Service frees its address and then reprocesses every service, so one left \
        pending for lack of addresses gets the freed one (MetalLB v0.9.4 controller/main.go \
        SetBalancer: a nil service is deleted and the controller asks for SyncStateReprocessAll)
        """)
    func deletionReprocessesEveryService() throws {
        var plane = Self.controlPlane()
        try plane.applyMetalLBConfig(Self.pool("10.200.200.120/32"), now: .zero)
        plane.applyService(service("first"), now: .zero)
        plane.applyService(service("second"), now: .zero)
        _ = Self.run(&plane, from: Self.drain(&plane), until: .seconds(1))
        #expect(plane.api.services["default/first"]?.ingress == [ip("10.200.200.120")])
        #expect(plane.api.services["default/second"]?.ingress == [])

        plane.deleteService("default/first", now: .seconds(2))
        let log = Self.run(&plane, from: Self.drain(&plane), until: .seconds(3))
        #expect(plane.api.services["default/second"]?.ingress == [ip("10.200.200.120")])
        let delivered = log.compactMap { entry -> [String]? in
            if case .deliverServices(let keys) = entry.1 { keys } else { nil }
        }
        #expect(delivered == [["default/first"], ["default/second"]])
    }

    @Test(
        """
        A pod turning Ready changes the endpoints of exactly the services that select it, and \
        the speakers hear of those one watch delay later (the endpoints controller and \
        client-go's endpoints informer)
        """)
    func podReadinessRedeliversSelectingServices() throws {
        var plane = Self.controlPlane()
        plane.applyService(service("web"), now: .zero)
        plane.applyService(service("db", selector: ["app": "db"]), now: .zero)
        _ = Self.drain(&plane)
        plane.applyPod(pod("web-1", on: "worker-1"), startsReady: false, now: .seconds(1))
        let log = Self.run(&plane, from: Self.drain(&plane), until: .seconds(5))
        let delivered = log.compactMap { entry -> SimTime? in
            if case .deliverServices(["default/web"]) = entry.1 { entry.0 } else { nil }
        }
        // Created (not Ready) and then Ready after the start-up delay: both change endpoints.
        let created = SimTime.seconds(1)
        #expect(delivered == [created + Self.watch, created + .milliseconds(1500) + Self.watch])
        #expect(plane.api.pods["default/web-1"]?.ready == true)
        #expect(
            !log.contains { if case .deliverServices(let keys) = $0.1 { keys.contains("default/db") } else { false } })
    }

    @Test(
        """
        current MetalLB re-runs every election when a Node's availability to load balancers \
        changes (speaker/main.go SetNode and isNodeAvailableChanged); v0.9.4 only hands the \
        Node to memberlist's rejoin
        """,
        arguments: [MetalLBVersion.current, .v0_9_4])
    func nodeAvailabilityRedeliversServicesOnlyInCurrent(version: MetalLBVersion) throws {
        var plane = Self.controlPlane(version)
        plane.applyService(service("web"), now: .zero)
        _ = Self.drain(&plane)
        plane.setCondition(node: "worker-1", type: "NetworkUnavailable", status: "True", now: .seconds(1))
        let log = Self.run(&plane, from: Self.drain(&plane), until: .seconds(2))
        let kinds = log.map { entry -> String in
            switch entry.1 {
            case .deliverNode(let name, _): "node \(name)"
            case .deliverServices(let keys): "services \(keys)"
            case .nodeCondition(let node, let change): "\(node) \(change)"
            default: "other"
            }
        }
        let expected =
            version == .current
            ? ["worker-1 NetworkUnavailable=True", "node worker-1", #"services ["default/web"]"#]
            : ["worker-1 NetworkUnavailable=True", "node worker-1"]
        #expect(kinds == expected)
    }

    @Test(
        """
        A node whose kubelet falls silent turns NotReady on the first monitor pass after the \
        grace period, its Ready pods are marked not ready at once, and its pods are evicted \
        tolerationSeconds after the taint (node_lifecycle_controller.go monitorNodeHealth and \
        MarkPodsNotReady; the taint eviction controller)
        """)
    func silentNodeTurnsNotReadyAndIsEvicted() throws {
        var plane = Self.controlPlane()
        plane.kubeletRegistered("worker-1", now: .zero)
        plane.kubeletRegistered("worker-2", now: .zero)
        plane.startNodeMonitor(now: .zero)
        plane.applyPod(pod("web-1", on: "worker-1"), startsReady: true, now: .zero)
        var outputs = Self.drain(&plane)
        // worker-2's kubelet keeps posting; worker-1's never does.
        for second in stride(from: 10, through: 400, by: 10) {
            plane.kubeletPostedStatus("worker-2", now: .seconds(Int64(second)))
            outputs += Self.drain(&plane)
        }
        let log = Self.run(&plane, from: outputs, until: .seconds(400))
        let changes = log.compactMap { entry -> String? in
            if case .nodeCondition(let node, let change) = entry.1 {
                "\(entry.0.secondsText) \(node) \(change)"
            } else {
                nil
            }
        }
        // Silent for more than 40 s: the monitor pass at 45 s sees it; eviction 300 s later.
        #expect(changes == ["45 worker-1 NotReady", "345 worker-1 evicted default/web-1"])
        #expect(plane.api.pods["default/web-1"] == nil)
    }

    @Test("Reading the control plane's outputs is not a change: only API writes move its revision")
    func revisionMovesOnlyWithWrites() {
        var plane = Self.controlPlane()
        plane.applyService(service("web"), now: .zero)
        let written = plane.revision
        _ = Self.drain(&plane)
        plane.kubeletRegistered("worker-1", now: .zero)
        #expect(plane.revision == written)
        plane.setPodReady("default/none", ready: true, now: .zero)
        #expect(plane.revision == written)
        plane.setLabel(node: "worker-1", key: "rack", value: "a", now: .zero)
        #expect(plane.revision != written)
    }

    @Test(
        """
        current: a Service that releases its address makes the controller reprocess every \
        service, so a pending one takes it a watch delay later; deleting a Service that held \
        nothing reprocesses nothing (controller/main.go SetBalancer: SyncStateReprocessAll)
        """)
    func releaseReprocessesAll() throws {
        var plane = Self.controlPlane()
        try plane.applyMetalLBConfig(Self.pool("10.200.200.120/32"), now: .zero)
        plane.applyService(service("first"), now: .zero)
        plane.applyService(service("second"), now: .zero)
        plane.applyService(service("third", type: .clusterIP), now: .zero)
        _ = Self.run(&plane, from: Self.drain(&plane), until: .seconds(1))
        #expect(plane.api.services["default/second"]?.ingress == [])

        // Deleting the ClusterIP Service (no allocation) schedules no reprocessing pass.
        plane.deleteService("default/third", now: .seconds(2))
        let quiet = Self.run(&plane, from: Self.drain(&plane), until: .seconds(3))
        #expect(quiet.filter { if case .allocation = $0.1 { true } else { false } }.count == 1)

        var first = try #require(plane.api.services["default/first"])
        first.type = .clusterIP
        plane.applyService(first, now: .seconds(4))
        _ = Self.run(&plane, from: Self.drain(&plane), until: .seconds(5))
        #expect(plane.api.services["default/second"]?.ingress == [ip("10.200.200.120")])
    }

    @Test(
        """
        current's reprocessing pass takes the services that hold addresses first (most ingress \
        addresses first, service_controller_reload.go reprocessAll), so one whose address a new \
        configuration disallows re-homes before a pending one can take the new address
        """)
    func reprocessOrder() throws {
        var plane = Self.controlPlane(.current)
        try plane.applyMetalLBConfig(Self.pool("10.200.200.120/32"), now: .zero)
        plane.applyService(service("early", loadBalancerIP: "10.200.200.121"), now: .zero)
        plane.applyService(service("late"), now: .zero)
        _ = Self.run(&plane, from: Self.drain(&plane), until: .seconds(1))
        #expect(plane.api.services["default/late"]?.ingress == [ip("10.200.200.120")])
        try plane.applyMetalLBConfig(Self.pool("10.200.200.121/32"), now: .seconds(2))
        _ = Self.run(&plane, from: Self.drain(&plane), until: .seconds(3))
        #expect(plane.api.services["default/late"]?.ingress == [ip("10.200.200.121")])
        #expect(plane.api.services["default/early"]?.ingress == [])
    }
}
