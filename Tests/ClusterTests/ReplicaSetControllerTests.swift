import Testing

@testable import Cluster

/// The ReplicaSet controller's rules: pods of a Deployment are the ones its selector picks in
/// its namespace and named after it; scaling down deletes the newest first; scaling up draws
/// one name suffix per pod from the generator handed in and spreads the new pods with the
/// scheduler, counting the ones created earlier in the same pass.
@Suite("ReplicaSetController")
struct ReplicaSetControllerTests {
    /// Hands out 0, 1, 2...: each draw is visible in the names.
    struct Counter: RandomNumberGenerator {
        var value: UInt64 = 0
        mutating func next() -> UInt64 {
            defer { value += 1 }
            return value
        }
    }

    static func web(replicas: Int, nodeSelector: [String: String] = [:]) -> Deployment {
        Deployment(
            meta: ObjectMeta(name: "web", namespace: "default"), replicas: replicas,
            selector: LabelSelector(["app": "web"]), podLabels: ["app": "web"], nodeSelector: nodeSelector,
            readinessDelaySeconds: 3)
    }

    static func cluster() -> ClusterState {
        var cluster = ClusterState()
        for name in ["node1", "node2", "node3"] { cluster.add(node(name)) }
        return cluster
    }

    @Test("scaling up names each pod <deployment>-<template hash>-<suffix>, one draw per pod")
    func namesFromTheGenerator() {
        var controller = ReplicaSetController()
        let deployment = Self.web(replicas: 2)
        controller.apply(deployment)
        var random = Counter()
        let decided = controller.reconcile("default/web", in: Self.cluster(), random: &random)
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
        var controller = ReplicaSetController()
        controller.apply(Self.web(replicas: 4))
        var random = Counter()
        let decided = controller.reconcile("default/web", in: Self.cluster(), random: &random)
        #expect(decided.creations.map(\.nodeName) == ["node1", "node2", "node3", "node1"])
    }

    @Test("a pod no node can take is created without a node (Pending)")
    func unschedulable() {
        var controller = ReplicaSetController()
        controller.apply(Self.web(replicas: 1, nodeSelector: ["disk": "nvme"]))
        var random = Counter()
        let decided = controller.reconcile("default/web", in: Self.cluster(), random: &random)
        #expect(decided.creations.count == 1)
        #expect(decided.creations.first?.nodeName == nil)
    }

    @Test("scaling down deletes the newest pods first, and draws nothing")
    func scaleDownNewestFirst() {
        var controller = ReplicaSetController()
        controller.apply(Self.web(replicas: 1))
        var cluster = Self.cluster()
        for name in ["web-a", "web-b", "web-c"] { cluster.add(pod(name, on: "node1")) }
        var random = Counter()
        let decided = controller.reconcile("default/web", in: cluster, random: &random)
        #expect(decided.deletions == ["default/web-c", "default/web-b"])
        #expect(decided.creations.isEmpty)
        #expect(random.value == 0)
    }

    @Test("a Deployment's pods: its namespace, its selector, named after it")
    func podsOfDeployment() {
        let controller = ReplicaSetController()
        var cluster = Self.cluster()
        cluster.add(pod("web-a", on: "node1"))
        cluster.add(pod("web-b", on: "node1", namespace: "other"))
        cluster.add(pod("web-c", on: "node1", labels: ["app": "api"]))
        cluster.add(pod("webby", on: "node1"))
        #expect(controller.pods(of: Self.web(replicas: 1), in: cluster).map(\.key) == ["default/web-a"])
    }

    @Test("scale and delete: an unknown Deployment changes nothing; deleting returns its pods")
    func scaleAndDelete() {
        var controller = ReplicaSetController()
        let scaledUnknown = controller.scale("default/web", replicas: 3)
        #expect(!scaledUnknown)
        controller.apply(Self.web(replicas: 1))
        let scaled = controller.scale("default/web", replicas: 3)
        #expect(scaled)
        #expect(controller.deployments["default/web"]?.replicas == 3)
        var cluster = Self.cluster()
        cluster.add(pod("web-a", on: "node1"))
        let deleted = controller.delete("default/web", in: cluster)
        #expect(deleted == ["default/web-a"])
        #expect(controller.deployments.isEmpty)
        let deletedAgain = controller.delete("default/web", in: cluster)
        #expect(deletedAgain.isEmpty)
    }
}
