import Testing

@testable import Cluster

/// The small kube-scheduler the simulation uses: control-plane nodes are tainted NoSchedule
/// by kubeadm, a pod's nodeSelector must match the node's labels (with the implicit
/// `kubernetes.io/hostname`), and pods spread to the node running the fewest.
@Suite("Scheduler")
struct SchedulerTests {
    @Test("control-plane and master nodes are skipped", arguments: ["control-plane", "master"])
    func skipsControlPlane(role: String) {
        var cluster = ClusterState()
        cluster.add(node("cp", roles: [role]))
        cluster.add(node("worker", roles: ["worker"]))
        #expect(Scheduler.place(nodeSelector: [:], in: cluster) == "worker")
    }

    @Test("a cluster of only control-plane nodes places nothing")
    func onlyControlPlane() {
        var cluster = ClusterState()
        cluster.add(node("cp", roles: ["control-plane"]))
        #expect(Scheduler.place(nodeSelector: [:], in: cluster) == nil)
    }

    @Test("the nodeSelector must match the node's labels")
    func honoursNodeSelector() {
        var cluster = ClusterState()
        cluster.add(node("node1", labels: ["disk": "hdd"]))
        cluster.add(node("node2", labels: ["disk": "ssd"]))
        #expect(Scheduler.place(nodeSelector: ["disk": "ssd"], in: cluster) == "node2")
        #expect(Scheduler.place(nodeSelector: ["disk": "nvme"], in: cluster) == nil)
    }

    @Test("kubernetes.io/hostname selects a node by name")
    func hostnameSelector() {
        var cluster = ClusterState()
        for name in ["node1", "node2", "node3"] { cluster.add(node(name)) }
        #expect(Scheduler.place(nodeSelector: ["kubernetes.io/hostname": "node3"], in: cluster) == "node3")
    }

    @Test("pods spread to the node running the fewest, ties to the first declared")
    func spreadsByLeastPods() {
        var cluster = ClusterState()
        for name in ["node1", "node2", "node3"] { cluster.add(node(name)) }
        #expect(Scheduler.place(nodeSelector: [:], in: cluster) == "node1")
        cluster.add(pod("a", on: "node1"))
        #expect(Scheduler.place(nodeSelector: [:], in: cluster) == "node2")
        cluster.add(pod("b", on: "node2"))
        #expect(Scheduler.place(nodeSelector: [:], in: cluster) == "node3")
        cluster.add(pod("c", on: "node3"))
        cluster.add(pod("d", on: "node1"))
        cluster.add(pod("e", on: "node3"))
        #expect(Scheduler.place(nodeSelector: [:], in: cluster) == "node2")
    }

    @Test("placing replicas one after another spreads them evenly")
    func placesReplicasEvenly() {
        var cluster = ClusterState()
        for name in ["node1", "node2", "node3"] { cluster.add(node(name)) }
        cluster.add(node("cp", roles: ["control-plane"]))
        var placed: [String] = []
        for i in 0..<6 {
            guard let target = Scheduler.place(nodeSelector: [:], in: cluster) else { break }
            placed.append(target)
            cluster.add(pod("web-\(i)", on: target))
        }
        #expect(placed == ["node1", "node2", "node3", "node1", "node2", "node3"])
    }

    @Test("not-ready nodes are skipped")
    func skipsUnavailable() {
        var cluster = ClusterState()
        cluster.add(node("node1", ready: false))
        cluster.add(node("node2"))
        cluster.add(node("node3"))
        #expect(Scheduler.place(nodeSelector: [:], in: cluster) == "node2")
        cluster.nodes["node2"]?.ready = false
        #expect(Scheduler.place(nodeSelector: [:], in: cluster) == "node3")
        cluster.nodes["node3"]?.ready = false
        #expect(Scheduler.place(nodeSelector: [:], in: cluster) == nil)
    }

    @Test("name suffixes are deterministic and use Kubernetes' alphabet")
    func suffixes() {
        let a = Scheduler.suffix(12345, length: 5)
        #expect(a == Scheduler.suffix(12345, length: 5))
        #expect(a.count == 5)
        #expect(a.allSatisfy { "bcdfghjklmnpqrstvwxz2456789".contains($0) })
        #expect(a != Scheduler.suffix(12346, length: 5))
    }
}
