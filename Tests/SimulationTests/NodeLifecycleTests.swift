import Cluster
import Engine
import IPAM
import Testing
import Wire

@testable import Simulation

/// Kubernetes' side of a node failure: kubelet status updates stop, the node lifecycle
/// controller marks the node NotReady once the grace period has passed, its pods leave the
/// endpoints, and tolerationSeconds after the taint they are evicted and re-created elsewhere.
@Suite("Simulation: the node lifecycle controller")
struct NodeLifecycleTests {
    /// Four workers and a two-replica Deployment behind `default/web`.
    func deploymentWorld(
        version: MetalLBVersion = .current, replicas: Int = 2,
        lifecycle: NodeLifecycleTiming = NodeLifecycleTiming()
    ) throws -> World {
        let config = WorldConfig(
            seed: 3, duration: .seconds(600), version: version, nodeLifecycle: lifecycle,
            nodes: (0..<4).map(nodeSpec), clients: [clientSpec(0)])
        let world = World(config: config)
        try world.applyMetalLBConfig([AddressPool(name: "pool", cidrs: [IPv4CIDR(network: vip, prefixLength: 32)])])
        let labels = ["app": "web"]
        world.applyWorkload(
            Workload(
                kind: .deployment, meta: ObjectMeta(name: "web"), replicas: replicas, selector: LabelSelector(labels),
                template: PodTemplate(labels: labels)),
            startsReady: true)
        world.applyService(
            Service(
                meta: ObjectMeta(name: "web"), type: .loadBalancer, ports: [ServicePort(port: 80)],
                selector: LabelSelector(labels)))
        return world
    }

    /// When `pod` turned Ready, as the endpoints show it: polled every 100 ms from `from`.
    func readyTimes(of pod: String, in world: World, from: SimTime, until: SimTime) -> [SimTime] {
        var times: [SimTime] = []
        var wasReady = world.cluster.pods[pod]?.ready ?? false
        var time = from
        while time < until {
            time = time + .milliseconds(100)
            world.run(until: time)
            let ready = world.cluster.pods[pod]?.ready ?? false
            if ready && !wasReady { times.append(time) }
            wasReady = ready
        }
        return times
    }

    /// A pod with a readiness delay on a node that turned NotReady and is then rebooted turns
    /// Ready podReadyDelay + its delay after the boot: not when the kubelet first reports
    /// (that only revives pods whose containers kept running), and not on a timer left from an
    /// earlier boot.
    @Test func aRebootedNodesPodsTurnReadyAfterTheirOwnDelayFromTheLastBoot() throws {
        let world = try deploymentWorld()
        let labels = ["app": "slow"]
        world.applyWorkload(
            Workload(
                kind: .deployment, meta: ObjectMeta(name: "slow"), replicas: 1, selector: LabelSelector(labels),
                template: PodTemplate(labels: labels, readinessDelaySeconds: 10)),
            startsReady: true)
        world.run(until: .seconds(10))
        let pod = try #require(world.cluster.pods.values.first { $0.meta.labels == labels })
        let node = try #require(pod.nodeName)
        world.powerOff(node: node)
        world.run(until: .seconds(60))
        #expect(world.cluster.nodes[node]?.ready == false, "NotReady before the reboot")
        // Boot, crash half a second later, boot again: the first boot's timer must not count.
        world.powerOn(node: node)
        world.run(until: .seconds(60) + .milliseconds(500))
        world.powerOff(node: node)
        world.run(until: .seconds(61))
        world.powerOn(node: node)
        let times = readyTimes(of: pod.key, in: world, from: .seconds(61), until: .seconds(90))
        // 61 s + 1.5 s start-up + 10 s readiness delay.
        #expect(times == [.seconds(61) + .milliseconds(11_500)], "Ready at \(times)")
        #expect(world.cluster.nodes[node]?.ready == true, "the kubelet reported again")
    }

    func changes(of node: String, in world: World) -> [(SimTime, String)] {
        world.recorder.nodeConditions.filter { $0.node == node }.map { ($0.time, $0.change) }
    }

    @Test func aPoweredOffNodeTurnsNotReadyAfterTheGracePeriodAndItsPodsLeaveTheEndpoints() throws {
        let world = try deploymentWorld()
        world.run(until: .seconds(10))
        let victim = try #require(world.cluster.pods.values.first?.nodeName)
        world.powerOff(node: victim)
        world.run(until: .seconds(120))
        let notReady = try #require(changes(of: victim, in: world).first { $0.1 == "NotReady" }?.0)
        // The last status update went out at most 10 s before the power-off; the monitor looks
        // every 5 s: NotReady between 40 s after the last update and 5 s later than 50 s.
        #expect(
            notReady > .seconds(10) + .seconds(40) - .seconds(10)
                && notReady <= .seconds(10) + .seconds(40) + .seconds(5),
            "NotReady at \(notReady)")
        #expect(world.cluster.nodes[victim]?.ready == false)
        #expect(world.cluster.nodes[victim]?.noExecuteTaints == ["node.kubernetes.io/unreachable"])
        let service = try #require(world.cluster.services["default/web"])
        #expect(!world.cluster.nodesWithReadyEndpoints(of: service).contains(victim))
        // Still bound there until the eviction.
        #expect(world.cluster.pods.values.contains { $0.nodeName == victim })
    }

    @Test func podsAreEvictedTolerationSecondsAfterTheTaintAndTheReplicaSetReplacesThem() throws {
        let world = try deploymentWorld()
        world.run(until: .seconds(10))
        let victim = try #require(world.cluster.pods.values.first?.nodeName)
        world.powerOff(node: victim)
        world.run(until: .seconds(600))
        let history = changes(of: victim, in: world)
        let notReady = try #require(history.first { $0.1 == "NotReady" }?.0)
        let evicted = try #require(history.first { $0.1.hasPrefix("evicted ") }?.0)
        #expect(evicted == notReady + .seconds(300))
        #expect(!world.cluster.pods.values.contains { $0.nodeName == victim })
        let pods = world.cluster.pods.values.filter { $0.meta.labels["app"] == "web" }
        #expect(pods.count == 2 && pods.allSatisfy { $0.ready }, "two Ready replicas again: \(pods)")
    }

    @Test func aNodeThatComesBackBeforeEvictionIsReadyAgainAndKeepsItsPods() throws {
        let world = try deploymentWorld()
        world.run(until: .seconds(10))
        let victim = try #require(world.cluster.pods.values.first?.nodeName)
        world.powerOff(node: victim)
        world.run(until: .seconds(100))
        world.powerOn(node: victim)
        world.run(until: .seconds(130))
        #expect(world.cluster.nodes[victim]?.ready == true)
        #expect(world.cluster.nodes[victim]?.noExecuteTaints.isEmpty == true)
        world.run(until: .seconds(600))
        #expect(!changes(of: victim, in: world).contains { $0.1.hasPrefix("evicted ") })
        let kept = world.cluster.pods.values.filter { $0.nodeName == victim }
        #expect(!kept.isEmpty && kept.allSatisfy { $0.ready })
    }

    @Test(
        """
        A node whose link comes back is Ready, and its pods report Ready, at its kubelet's \
        next status update (every nodeStatusUpdateFrequency, on its own phase), not the \
        moment the link returns (kubelet_node_status.go syncNodeStatus; the node lifecycle \
        controller's ReadyCondition follows the posted status)
        """)
    func aReturningNodeIsReadyAtItsKubeletsNextStatusUpdate() throws {
        let world = try deploymentWorld()
        world.run(until: .seconds(10))
        let victim = try #require(world.cluster.pods.values.first?.nodeName)
        let pod = try #require(world.cluster.pods.values.first { $0.nodeName == victim }?.key)
        world.setLink(node: victim, up: false)
        world.run(until: .seconds(100))
        #expect(world.cluster.nodes[victim]?.ready == false && world.cluster.pods[pod]?.ready == false)
        let back = SimTime.seconds(100) + .milliseconds(50)
        world.at(back) { $0.setLink(node: victim, up: true) }
        let times = readyTimes(of: pod, in: world, from: .seconds(100), until: .seconds(120))
        let ready = try #require(times.first)
        let nodeReady = try #require(
            changes(of: victim, in: world).last { $0.1 == "Ready" }?.0)
        #expect(nodeReady > back && nodeReady <= back + .seconds(10), "Ready at \(nodeReady), link back at \(back)")
        #expect(ready >= nodeReady && ready < nodeReady + .milliseconds(100), "pods Ready with the node: \(ready)")
    }

    @Test func theGracePeriodIsConfigurable() throws {
        let world = try deploymentWorld(lifecycle: NodeLifecycleTiming(gracePeriod: .seconds(50)))
        world.run(until: .seconds(10))
        world.powerOff(node: "node-b")
        world.run(until: .seconds(120))
        let notReady = try #require(changes(of: "node-b", in: world).first { $0.1 == "NotReady" }?.0)
        #expect(notReady > .seconds(50) && notReady <= .seconds(65), "NotReady at \(notReady)")
    }

    /// MetalLB issue 298: v0.9.4 elects among nodes with a ready endpoint, intersected with
    /// memberlist. With one replica on a node that loses power, the survivors drop the node
    /// from memberlist within seconds, leaving no candidate: nobody announces until the pod
    /// is evicted (grace period + 300 s) and its replacement is Ready elsewhere.
    @Test func v094SingleReplicaNodeLossLeavesTheAddressUnannouncedUntilTheReschedule() throws {
        let world = try deploymentWorld(version: .v0_9_4, replicas: 1)
        world.run(until: .seconds(10))
        let victim = try #require(world.cluster.pods.values.first?.nodeName)
        #expect(world.recorder.announcers(of: vip, at: .seconds(10)) == [victim])
        world.powerOff(node: victim)
        world.run(until: .seconds(600))
        let evicted = try #require(changes(of: victim, in: world).first { $0.1.hasPrefix("evicted ") }?.0)
        #expect(world.recorder.announcers(of: vip, at: .seconds(11)).isEmpty)
        #expect(world.recorder.announcers(of: vip, at: evicted - .milliseconds(1)).isEmpty)
        let next = try #require(
            world.recorder.announcements.first { $0.ip == .v4(vip) && $0.action == .start && $0.time > .seconds(10) })
        #expect(next.node != victim)
        // The replacement starts, turns Ready after the pod start-up delay, and speakers see it.
        #expect(
            next.time > evicted && next.time < evicted + .seconds(5),
            "re-announced at \(next.time), evicted at \(evicted)")
    }
}

/// current MetalLB's candidate filters, driven through Node objects in the running world.
@Suite("Simulation: current election eligibility")
struct EligibilityTests {
    func world() throws -> World {
        let config = WorldConfig(
            seed: 5, duration: .seconds(120), version: .current,
            nodes: (0..<3).map(nodeSpec), clients: [clientSpec(0)])
        let world = World(config: config)
        try world.applyMetalLBConfig([AddressPool(name: "pool", cidrs: [IPv4CIDR(network: vip, prefixLength: 32)])])
        applyWebService(to: world)
        return world
    }

    @Test func networkUnavailableMovesTheAddressAndClearingItMovesItBack() throws {
        let world = try world()
        world.run(until: .seconds(5))
        let owner = try #require(world.recorder.announcers(of: vip, at: .seconds(5)).first)
        world.setCondition(node: owner, type: "NetworkUnavailable", status: "True")
        world.run(until: .seconds(10))
        let moved = world.recorder.announcers(of: vip, at: .seconds(10))
        #expect(moved.count == 1 && moved != [owner])
        world.setCondition(node: owner, type: "NetworkUnavailable", status: "False")
        world.run(until: .seconds(15))
        #expect(world.recorder.announcers(of: vip, at: .seconds(15)) == [owner])
    }

    @Test func theExcludeLabelTakesANodeOutOfTheElection() throws {
        let world = try world()
        world.run(until: .seconds(5))
        let owner = try #require(world.recorder.announcers(of: vip, at: .seconds(5)).first)
        world.setLabel(node: owner, key: Node.excludeFromLoadBalancersLabel, value: "")
        world.run(until: .seconds(10))
        #expect(!world.recorder.announcers(of: vip, at: .seconds(10)).contains(owner))
        world.setLabel(node: owner, key: Node.excludeFromLoadBalancersLabel, value: nil)
        world.run(until: .seconds(15))
        #expect(world.recorder.announcers(of: vip, at: .seconds(15)) == [owner])
    }

    @Test func advertisementNodeSelectorsLimitTheCandidates() throws {
        let world = try world()
        for (index, node) in world.nodes.enumerated() {
            world.setLabel(node: node.name, key: "zone", value: index == 2 ? "edge" : "core")
        }
        var resources = MetalLBResources()
        resources.ipAddressPools["pool"] = (
            AddressPool(name: "pool", cidrs: [IPv4CIDR(network: vip, prefixLength: 32)]), [:]
        )
        resources.l2Advertisements["edge-only"] = L2Advertisement(
            name: "edge-only",
            nodeSelectors: [ResourceSelector(matchLabels: ["zone": "edge"])])
        world.applyMetalLBResources(resources)
        world.run(until: .seconds(10))
        #expect(world.recorder.announcers(of: vip, at: .seconds(10)) == ["node-c"])
    }
}
