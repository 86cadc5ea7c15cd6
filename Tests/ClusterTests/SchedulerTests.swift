import Testing

@testable import Cluster

/// The small kube-scheduler the simulation uses: control-plane nodes are tainted NoSchedule
/// by kubeadm, a pod's nodeSelector must match the node's labels (with the implicit
/// `kubernetes.io/hostname`), and pods spread to the node running the fewest.
@Suite("Scheduler")
struct SchedulerTests {
    /// Where a pod with this nodeSelector (and tolerations) goes; nil when it stays Pending.
    static func place(
        _ nodeSelector: [String: String], _ cluster: ClusterState, tolerations: [Toleration] = []
    ) -> String? {
        try? Scheduler.place(.init(nodeSelector: nodeSelector, tolerations: tolerations), in: cluster).get()
    }

    @Test("control-plane and master nodes are skipped", arguments: ["control-plane", "master"])
    func skipsControlPlane(role: String) {
        var cluster = ClusterState()
        cluster.add(node("cp", roles: [role]))
        cluster.add(node("worker", roles: ["worker"]))
        #expect(Self.place([:], cluster) == "worker")
    }

    @Test("a cluster of only control-plane nodes places nothing")
    func onlyControlPlane() {
        var cluster = ClusterState()
        cluster.add(node("cp", roles: ["control-plane"]))
        #expect(Self.place([:], cluster) == nil)
    }

    @Test("the nodeSelector must match the node's labels")
    func honoursNodeSelector() {
        var cluster = ClusterState()
        cluster.add(node("node1", labels: ["disk": "hdd"]))
        cluster.add(node("node2", labels: ["disk": "ssd"]))
        #expect(Self.place(["disk": "ssd"], cluster) == "node2")
        #expect(Self.place(["disk": "nvme"], cluster) == nil)
    }

    @Test("kubernetes.io/hostname selects a node by name")
    func hostnameSelector() {
        var cluster = ClusterState()
        for name in ["node1", "node2", "node3"] { cluster.add(node(name)) }
        #expect(Self.place(["kubernetes.io/hostname": "node3"], cluster) == "node3")
    }

    @Test("pods spread to the node running the fewest, ties to the first declared")
    func spreadsByLeastPods() {
        var cluster = ClusterState()
        for name in ["node1", "node2", "node3"] { cluster.add(node(name)) }
        #expect(Self.place([:], cluster) == "node1")
        cluster.add(pod("a", on: "node1"))
        #expect(Self.place([:], cluster) == "node2")
        cluster.add(pod("b", on: "node2"))
        #expect(Self.place([:], cluster) == "node3")
        cluster.add(pod("c", on: "node3"))
        cluster.add(pod("d", on: "node1"))
        cluster.add(pod("e", on: "node3"))
        #expect(Self.place([:], cluster) == "node2")
    }

    @Test("placing replicas one after another spreads them evenly")
    func placesReplicasEvenly() {
        var cluster = ClusterState()
        for name in ["node1", "node2", "node3"] { cluster.add(node(name)) }
        cluster.add(node("cp", roles: ["control-plane"]))
        var placed: [String] = []
        for i in 0..<6 {
            guard let target = Self.place([:], cluster) else { break }
            placed.append(target)
            cluster.add(pod("web-\(i)", on: target))
        }
        #expect(placed == ["node1", "node2", "node3", "node1", "node2", "node3"])
    }

    /// The node lifecycle controller's NoSchedule taint keeps new pods off an unreachable node
    /// (TaintNodesByCondition); the scheduler does not read the Ready condition itself.
    @Test("nodes tainted unreachable are skipped")
    func skipsUnavailable() {
        let unreachable = Taint(key: Taint.unreachableKey, effect: .noSchedule)
        var cluster = ClusterState()
        cluster.add(node("node1", ready: false))
        cluster.nodes["node1"]?.taints = [unreachable]
        cluster.add(node("node2"))
        cluster.add(node("node3"))
        #expect(Self.place([:], cluster) == "node2")
        cluster.nodes["node2"]?.taints = [unreachable]
        #expect(Self.place([:], cluster) == "node3")
        cluster.nodes["node3"]?.taints = [unreachable]
        #expect(Self.place([:], cluster) == nil)
    }

    @Test(
        """
        A toleration lets a pod onto a tainted node: Exists matches any value, Equal needs the \
        value, an empty effect matches every effect, and an empty key with Exists matches every \
        taint (k8s.io/api core/v1 toleration.go ToleratesTaint)
        """)
    func tolerations() {
        let taint = Taint(key: "dedicated", value: "lb", effect: .noSchedule)
        #expect(Toleration(key: "dedicated", operator: .exists).tolerates(taint))
        #expect(Toleration(key: "dedicated", value: "lb", effect: .noSchedule).tolerates(taint))
        #expect(!Toleration(key: "dedicated", value: "db").tolerates(taint))
        #expect(!Toleration(key: "dedicated", operator: .exists, effect: .noExecute).tolerates(taint))
        #expect(Toleration(operator: .exists).tolerates(taint))
        #expect(!Toleration(key: "other", operator: .exists).tolerates(taint))

        var cluster = ClusterState()
        cluster.add(node("cp", roles: ["control-plane"]))
        let controlPlane = Toleration(
            key: "node-role.kubernetes.io/control-plane", operator: .exists, effect: .noSchedule)
        #expect(Self.place([:], cluster) == nil)
        #expect(Self.place([:], cluster, tolerations: [controlPlane]) == "cp")
    }

    @Test("a cordoned node (spec.unschedulable) takes only pods tolerating the unschedulable taint")
    func cordoned() {
        var cluster = ClusterState()
        cluster.add(node("node1"))
        cluster.nodes["node1"]?.unschedulable = true
        #expect(Self.place([:], cluster) == nil)
        #expect(Self.place([:], cluster, tolerations: Toleration.daemonPodDefaults) == "node1")
    }

    @Test(
        """
        A pod no node takes gets kube-scheduler's FailedScheduling message: each node counted \
        under the first filter it fails (NodeUnschedulable, TaintToleration, NodeAffinity), the \
        reasons sorted, then preemption's verdict (framework/types.go FitError.Error)
        """)
    func failedSchedulingMessage() {
        var cluster = ClusterState()
        cluster.add(node("cp", roles: ["control-plane"]))
        for name in ["w1", "w2"] { cluster.add(node(name)) }
        cluster.add(node("w3"))
        cluster.nodes["w3"]?.unschedulable = true
        let result = Scheduler.place(.init(nodeSelector: ["disk": "ssd"]), in: cluster)
        guard case .failure(let failure) = result else {
            Issue.record("placed on \(result)")
            return
        }
        #expect(
            failure.message
                == "0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 1 node(s) were unschedulable, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling."
        )
    }

    @Test("name suffixes are deterministic and use Kubernetes' alphabet")
    func suffixes() {
        let a = Scheduler.suffix(12345, length: 5)
        #expect(a == Scheduler.suffix(12345, length: 5))
        #expect(a.count == 5)
        #expect(a.allSatisfy { "bcdfghjklmnpqrstvwxz2456789".contains($0) })
        #expect(a != Scheduler.suffix(12346, length: 5))
    }

    @Test(
        """
        Required node affinity: terms are ORed, a term's requirements ANDed; In/NotIn compare \
        values (NotIn also matches a node without the label), Exists/DoesNotExist the key, \
        Gt/Lt one integer; matchFields reads metadata.name; an empty term matches nothing \
        (k8s.io/api core/v1 NodeSelectorRequirement, component-helpers nodeaffinity)
        """)
    func nodeAffinity() {
        typealias R = NodeSelectorTerm.Requirement
        let a = node("a", labels: ["zone": "x", "cores": "8"])
        let b = node("b", labels: ["zone": "y"])
        #expect(NodeSelectorTerm(matchExpressions: [R(key: "zone", operator: .in, values: ["x", "z"])]).matches(a))
        #expect(!NodeSelectorTerm(matchExpressions: [R(key: "zone", operator: .in, values: ["x", "z"])]).matches(b))
        #expect(NodeSelectorTerm(matchExpressions: [R(key: "gpu", operator: .notIn, values: ["yes"])]).matches(a))
        #expect(NodeSelectorTerm(matchExpressions: [R(key: "cores", operator: .exists)]).matches(a))
        #expect(NodeSelectorTerm(matchExpressions: [R(key: "cores", operator: .doesNotExist)]).matches(b))
        #expect(NodeSelectorTerm(matchExpressions: [R(key: "cores", operator: .gt, values: ["4"])]).matches(a))
        #expect(!NodeSelectorTerm(matchExpressions: [R(key: "cores", operator: .lt, values: ["4"])]).matches(a))
        #expect(!NodeSelectorTerm(matchExpressions: [R(key: "cores", operator: .gt, values: ["4"])]).matches(b))
        #expect(NodeSelectorTerm(matchFields: [R(key: "metadata.name", operator: .in, values: ["b"])]).matches(b))
        #expect(!NodeSelectorTerm().matches(a))
        // Two requirements in one term: both; two terms: either.
        let both = NodeSelectorTerm(matchExpressions: [
            R(key: "zone", operator: .in, values: ["x"]), R(key: "cores", operator: .doesNotExist),
        ])
        #expect(!both.matches(a))
        var cluster = ClusterState()
        cluster.add(a)
        cluster.add(b)
        let either = Scheduler.Requirements(nodeAffinity: [
            both, NodeSelectorTerm(matchExpressions: [R(key: "zone", operator: .in, values: ["y"])]),
        ])
        #expect((try? Scheduler.place(either, in: cluster).get()) == "b")
    }
}
