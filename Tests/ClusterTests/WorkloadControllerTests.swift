import Testing

@testable import Cluster

/// The pod controllers' rules. ReplicaSet (replica_set.go manageReplicas): a workload's pods
/// are the ones that name it as their controller; scaling down deletes the newest first;
/// scaling up draws one name suffix per pod from the generator handed in and spreads the new
/// pods with the scheduler, counting the ones created earlier in the same pass. StatefulSet
/// and DaemonSet below.
@Suite("WorkloadController")
struct WorkloadControllerTests {
    /// Hands out 0, 1, 2...: each draw is visible in the names.
    struct Counter: RandomNumberGenerator {
        var value: UInt64 = 0
        mutating func next() -> UInt64 {
            defer { value += 1 }
            return value
        }
    }

    static func web(
        _ kind: Workload.Kind = .deployment, replicas: Int, nodeSelector: [String: String] = [:],
        tolerations: [Toleration] = [], policy: Workload.PodManagementPolicy = .orderedReady
    ) -> Workload {
        Workload(
            kind: kind, meta: ObjectMeta(name: "web", namespace: "default"), replicas: replicas,
            selector: LabelSelector(["app": "web"]),
            template: PodTemplate(
                labels: ["app": "web"], nodeSelector: nodeSelector, tolerations: tolerations, readinessDelaySeconds: 3),
            podManagementPolicy: policy)
    }

    /// A pod `workload` created (its controller reference set).
    static func owned(_ name: String, by workload: Workload, on node: String?, ready: Bool = true) -> Pod {
        var result = pod(name, on: node, ready: ready)
        result.owner = workload.id
        return result
    }

    static func cluster() -> ClusterState {
        var cluster = ClusterState()
        for name in ["node1", "node2", "node3"] { cluster.add(node(name)) }
        return cluster
    }

    @Test("scaling up names each pod <deployment>-<template hash>-<suffix>, one draw per pod")
    func namesFromTheGenerator() {
        var controller = WorkloadController()
        let deployment = Self.web(replicas: 2)
        controller.apply(deployment)
        var random = Counter()
        let decided = controller.reconcile("Deployment/default/web", in: Self.cluster(), random: &random)
        let hash = deployment.templateHash
        #expect(
            decided.creations.map(\.meta.name) == [
                "web-\(hash)-\(Scheduler.suffix(0, length: 5))", "web-\(hash)-\(Scheduler.suffix(1, length: 5))",
            ])
        #expect(random.value == 2)
        #expect(decided.readinessDelaySeconds == 3)
        #expect(decided.creations.allSatisfy { !$0.ready && $0.readinessDelaySeconds == 3 })
    }

    @Test("new pods in one pass spread over the nodes, as if each were stored before the next")
    func spreadsWithinOnePass() {
        var controller = WorkloadController()
        controller.apply(Self.web(replicas: 4))
        var random = Counter()
        let decided = controller.reconcile("Deployment/default/web", in: Self.cluster(), random: &random)
        #expect(decided.creations.map(\.nodeName) == ["node1", "node2", "node3", "node1"])
    }

    @Test("a pod no node can take is created without a node (Pending)")
    func unschedulable() {
        var controller = WorkloadController()
        controller.apply(Self.web(replicas: 1, nodeSelector: ["disk": "nvme"]))
        var random = Counter()
        let decided = controller.reconcile("Deployment/default/web", in: Self.cluster(), random: &random)
        #expect(decided.creations.count == 1)
        #expect(decided.creations.first?.nodeName == nil)
    }

    @Test("scaling down deletes the newest pods first, and draws nothing")
    func scaleDownNewestFirst() {
        var controller = WorkloadController()
        controller.apply(Self.web(replicas: 1))
        var cluster = Self.cluster()
        for name in ["web-a", "web-b", "web-c"] {
            cluster.add(Self.owned(name, by: Self.web(replicas: 1), on: "node1"))
        }
        var random = Counter()
        let decided = controller.reconcile("Deployment/default/web", in: cluster, random: &random)
        #expect(decided.deletions == ["default/web-c", "default/web-b"])
        #expect(decided.creations.isEmpty)
        #expect(random.value == 0)
    }

    @Test("a workload's pods are the ones whose controller reference is it, not merely look-alikes")
    func podsOfDeployment() {
        let controller = WorkloadController()
        let web = Self.web(replicas: 1)
        var cluster = Self.cluster()
        cluster.add(Self.owned("web-a", by: web, on: "node1"))
        cluster.add(pod("web-b", on: "node1"))
        cluster.add(Self.owned("web-c", by: Self.web(.statefulSet, replicas: 1), on: "node1"))
        #expect(controller.pods(of: web, in: cluster).map(\.key) == ["default/web-a"])
    }

    @Test("scale and delete: an unknown Deployment changes nothing; deleting returns its pods")
    func scaleAndDelete() {
        var controller = WorkloadController()
        let id = "Deployment/default/web"
        let scaledUnknown = controller.scale(id, replicas: 3)
        #expect(!scaledUnknown)
        controller.apply(Self.web(replicas: 1))
        let scaled = controller.scale(id, replicas: 3)
        #expect(scaled)
        #expect(controller.workloads[id]?.replicas == 3)
        var cluster = Self.cluster()
        cluster.add(Self.owned("web-a", by: Self.web(replicas: 1), on: "node1"))
        let deleted = controller.delete(id, in: cluster)
        #expect(deleted == ["default/web-a"])
        #expect(controller.workloads.isEmpty)
        let deletedAgain = controller.delete(id, in: cluster)
        #expect(deletedAgain.isEmpty)
    }

    // MARK: StatefulSet

    @Test(
        """
        StatefulSet, OrderedReady: pods are <name>-<ordinal>, labelled with their name, created \
        one per pass and only once every lower ordinal is Ready; nothing is drawn \
        (stateful_set_control.go)
        """)
    func statefulSetOrderedReady() {
        var controller = WorkloadController()
        let set = Self.web(.statefulSet, replicas: 3)
        controller.apply(set)
        var random = Counter()
        var cluster = Self.cluster()
        var decided = controller.reconcile(set.id, in: cluster, random: &random)
        #expect(decided.creations.map(\.meta.name) == ["web-0"])
        #expect(decided.creations.first?.meta.labels[Workload.statefulSetPodNameLabel] == "web-0")
        cluster.add(Self.owned("web-0", by: set, on: "node1", ready: false))
        decided = controller.reconcile(set.id, in: cluster, random: &random)
        #expect(decided.creations.isEmpty)
        cluster.pods["default/web-0"]?.ready = true
        decided = controller.reconcile(set.id, in: cluster, random: &random)
        #expect(decided.creations.map(\.meta.name) == ["web-1"])
        #expect(random.value == 0)
    }

    @Test("StatefulSet, Parallel: every missing ordinal at once; scale-down from the highest ordinal")
    func statefulSetParallelAndScaleDown() {
        var controller = WorkloadController()
        let set = Self.web(.statefulSet, replicas: 3, policy: .parallel)
        controller.apply(set)
        var random = Counter()
        var cluster = Self.cluster()
        cluster.add(Self.owned("web-1", by: set, on: "node2"))
        var decided = controller.reconcile(set.id, in: cluster, random: &random)
        #expect(decided.creations.map(\.meta.name) == ["web-0", "web-2"])
        for name in ["web-0", "web-2", "web-3"] { cluster.add(Self.owned(name, by: set, on: "node1")) }
        _ = controller.scale(set.id, replicas: 1)
        decided = controller.reconcile(set.id, in: cluster, random: &random)
        #expect(decided.deletions == ["default/web-3", "default/web-2", "default/web-1"])
    }

    // MARK: DaemonSet

    @Test(
        """
        DaemonSet: one pod per node that passes the scheduler's filters with the daemon \
        tolerations; a control-plane node needs the pod's own toleration; a node it no longer \
        selects loses its pod (daemon_controller.go NodeShouldRunDaemonPod)
        """)
    func daemonSetPerNode() {
        var controller = WorkloadController()
        let daemons = Self.web(.daemonSet, replicas: 0, nodeSelector: ["kubernetes.io/os": "linux"])
        controller.apply(daemons)
        var random = Counter()
        var cluster = ClusterState()
        cluster.add(node("cp", roles: ["control-plane"], labels: ["kubernetes.io/os": "linux"]))
        cluster.add(node("w1", labels: ["kubernetes.io/os": "linux"]))
        cluster.add(node("w2", labels: ["kubernetes.io/os": "windows"]))
        var decided = controller.reconcile(daemons.id, in: cluster, random: &random)
        #expect(decided.creations.map(\.nodeName) == ["w1"])
        #expect(decided.creations.first?.meta.name == "web-\(Scheduler.suffix(0, length: 5))")
        #expect(decided.creations.first?.tolerations == Toleration.daemonPodDefaults)

        let tolerant = Self.web(
            .daemonSet, replicas: 0,
            tolerations: [
                Toleration(key: "node-role.kubernetes.io/control-plane", operator: .exists, effect: .noSchedule)
            ])
        controller.apply(tolerant)
        decided = controller.reconcile(tolerant.id, in: cluster, random: &random)
        #expect(decided.creations.map(\.nodeName) == ["cp", "w1", "w2"])

        for created in decided.creations {
            cluster.add(Self.owned(created.meta.name, by: tolerant, on: created.nodeName))
        }
        cluster.nodes["w2"]?.taints = [Taint(key: "maintenance", effect: .noExecute)]
        cluster.nodes["w1"]?.unschedulable = true
        decided = controller.reconcile(tolerant.id, in: cluster, random: &random)
        #expect(decided.creations.isEmpty)
        #expect(decided.deletions.count == 1)
        #expect(cluster.pods[decided.deletions[0]]?.nodeName == "w2")
    }

    @Test("DaemonSet pods stay on an unreachable node: they tolerate its NoExecute taint for ever")
    func daemonPodsStayOnUnreachableNodes() {
        var controller = WorkloadController()
        let daemons = Self.web(.daemonSet, replicas: 0)
        controller.apply(daemons)
        var random = Counter()
        var cluster = Self.cluster()
        for name in ["node1", "node2", "node3"] { cluster.add(Self.owned("web-\(name)", by: daemons, on: name)) }
        cluster.nodes["node2"]?.taints = [
            Taint(key: Taint.unreachableKey, effect: .noSchedule), Taint(key: Taint.unreachableKey, effect: .noExecute),
        ]
        let decided = controller.reconcile(daemons.id, in: cluster, random: &random)
        #expect(decided.creations.isEmpty && decided.deletions.isEmpty)
    }
}
