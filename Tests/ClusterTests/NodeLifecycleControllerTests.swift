import Testing

@testable import Cluster

/// The node lifecycle controller's rules, each after the Kubernetes source it follows
/// (`pkg/controller/nodelifecycle/node_lifecycle_controller.go`, the taint eviction
/// controller in `pkg/controller/tainteviction/taint_eviction.go`). Times in seconds here,
/// nanoseconds in the controller.
@Suite("NodeLifecycleController")
struct NodeLifecycleControllerTests {
    static let second: Int64 = 1_000_000_000

    /// kubeadm v1.15's defaults: 40 s grace period, 300 s tolerationSeconds.
    static func controller() -> NodeLifecycleController {
        NodeLifecycleController(gracePeriod: 40 * second, tolerationSeconds: 300 * second)
    }

    /// node1 and node2, both registered at 0 s, each running one Ready pod.
    static func cluster() -> (ClusterState, NodeLifecycleController) {
        var cluster = ClusterState()
        var controller = controller()
        for name in ["node1", "node2"] {
            cluster.add(node(name))
            controller.registered(name, at: 0)
        }
        cluster.add(pod("web-1", on: "node1"))
        cluster.add(pod("web-2", on: "node2"))
        return (cluster, controller)
    }

    /// Applies what a monitor pass decided, as the driver does.
    static func apply(_ changes: [NodeLifecycleController.NotReady], to cluster: inout ClusterState) {
        for change in changes {
            cluster.nodes[change.node.name] = change.node
            for key in change.podsNotReady { cluster.pods[key]?.ready = false }
        }
    }

    @Test("monitorNodeHealth: NotReady only strictly after the grace period since the last update")
    func gracePeriodIsStrict() {
        var (cluster, controller) = Self.cluster()
        #expect(controller.monitor(at: 40 * Self.second, in: cluster).isEmpty)
        let changes = controller.monitor(at: 40 * Self.second + 1, in: cluster)
        #expect(changes.map(\.node.name) == ["node1", "node2"])
        Self.apply(changes, to: &cluster)
        #expect(cluster.nodes["node1"]?.ready == false)
    }

    @Test("monitorNodeHealth: a status update resets the grace period")
    func statusUpdateKeepsNodeReady() {
        let (cluster, initial) = Self.cluster()
        var controller = initial
        #expect(controller.statusUpdated("node2", at: 30 * Self.second, in: cluster) == nil)
        let changes = controller.monitor(at: 45 * Self.second, in: cluster)
        #expect(changes.map(\.node.name) == ["node1"])
        #expect(controller.lastStatusUpdate["node2"] == 30 * Self.second)
    }

    @Test("NotReady taints the node node.kubernetes.io/unreachable:NoExecute, once")
    func unreachableTaint() {
        var (cluster, controller) = Self.cluster()
        let changes = controller.monitor(at: 41 * Self.second, in: cluster)
        #expect(changes.first?.node.noExecuteTaints == ["node.kubernetes.io/unreachable"])
        #expect(changes.first?.taintedAt == 41 * Self.second)
        Self.apply(changes, to: &cluster)
        // A NotReady node is not looked at again: no second taint, no new eviction.
        #expect(controller.monitor(at: 100 * Self.second, in: cluster).isEmpty)
    }

    @Test("MarkPodsNotReady: the node's Ready pods, and only those, are marked not ready")
    func marksPodsNotReady() {
        var (cluster, controller) = Self.cluster()
        cluster.add(pod("web-3", on: "node1", ready: false))
        cluster.add(pod("web-4", on: "node1"))
        #expect(controller.statusUpdated("node2", at: 30 * Self.second, in: cluster) == nil)
        let changes = controller.monitor(at: 41 * Self.second, in: cluster)
        #expect(changes.map(\.podsNotReady) == [["web-1", "web-4"].map { "default/\($0)" }])
        #expect(controller.markedNotReady["node1"] == ["default/web-1", "default/web-4"])
    }

    @Test("taint-based eviction: every pod still on the node, tolerationSeconds after the taint")
    func evictsAfterToleration() {
        var (cluster, controller) = Self.cluster()
        cluster.add(pod("web-3", on: "node1", ready: false))
        let changes = controller.monitor(at: 41 * Self.second, in: cluster)
        Self.apply(changes, to: &cluster)
        let node1 = changes.first { $0.node.name == "node1" }!
        #expect(node1.evictAt == [341 * Self.second])
        #expect(
            controller.evictions(from: "node1", taintedAt: node1.taintedAt, at: 341 * Self.second, in: cluster) == [
                "default/web-1", "default/web-3",
            ])
    }

    @Test(
        """
        Each pod leaves when its own toleration of the unreachable NoExecute taint runs out: \
        tolerationSeconds when it has one, never when it has none (daemon pods), the admission \
        plugin's default otherwise (taint eviction controller, DefaultTolerationSeconds)
        """)
    func evictionFollowsEachPodsToleration() {
        var (cluster, controller) = Self.cluster()
        var quick = pod("quick", on: "node1")
        quick.tolerations = [
            Toleration(key: Taint.unreachableKey, operator: .exists, effect: .noExecute, tolerationSeconds: 30)
        ]
        cluster.add(quick)
        var daemon = pod("daemon", on: "node1")
        daemon.tolerations = Toleration.daemonPodDefaults
        cluster.add(daemon)
        let changes = controller.monitor(at: 41 * Self.second, in: cluster)
        Self.apply(changes, to: &cluster)
        let node1 = changes.first { $0.node.name == "node1" }!
        #expect(node1.evictAt == [71 * Self.second, 341 * Self.second])
        #expect(
            controller.evictions(from: "node1", taintedAt: node1.taintedAt, at: 71 * Self.second, in: cluster) == [
                "default/quick"
            ])
        #expect(
            controller.evictions(from: "node1", taintedAt: node1.taintedAt, at: 341 * Self.second, in: cluster) == [
                "default/web-1", "default/quick",
            ])
    }

    @Test("taint-based eviction is cancelled when the taint goes before tolerationSeconds")
    func evictionCancelledByRecovery() {
        var (cluster, controller) = Self.cluster()
        let changes = controller.monitor(at: 41 * Self.second, in: cluster)
        Self.apply(changes, to: &cluster)
        let recovery = controller.statusUpdated("node1", at: 50 * Self.second, in: cluster)!
        cluster.nodes["node1"] = recovery.node
        #expect(
            controller.evictions(from: "node1", taintedAt: 41 * Self.second, at: 341 * Self.second, in: cluster).isEmpty
        )
    }

    @Test("an eviction scheduled for an older taint is stale after the node was tainted anew")
    func staleEviction() {
        var (cluster, controller) = Self.cluster()
        Self.apply(controller.monitor(at: 41 * Self.second, in: cluster), to: &cluster)
        cluster.nodes["node1"] = controller.statusUpdated("node1", at: 50 * Self.second, in: cluster)!.node
        Self.apply(controller.monitor(at: 91 * Self.second, in: cluster), to: &cluster)
        #expect(
            controller.evictions(from: "node1", taintedAt: 41 * Self.second, at: 341 * Self.second, in: cluster).isEmpty
        )
        #expect(
            controller.evictions(from: "node1", taintedAt: 91 * Self.second, at: 391 * Self.second, in: cluster) == [
                "default/web-1"
            ])
    }

    @Test("back: Ready, untainted, and the pods it marked report Ready again if still bound there")
    func recovery() {
        var (cluster, controller) = Self.cluster()
        cluster.add(pod("web-3", on: "node1"))
        Self.apply(controller.monitor(at: 41 * Self.second, in: cluster), to: &cluster)
        cluster.pods["default/web-3"]?.nodeName = "node2"
        let recovery = controller.statusUpdated("node1", at: 42 * Self.second, in: cluster)
        #expect(recovery?.node.ready == true)
        #expect(recovery?.node.noExecuteTaints == [])
        #expect(recovery?.podsReady == ["default/web-1"])
        #expect(controller.taintedSince["node1"] == nil)
        #expect(controller.markedNotReady["node1"] == nil)
    }

    @Test("a rebooted node's pods restart on their own: none waits to report Ready")
    func rebootForgetsMarkedPods() {
        var (cluster, controller) = Self.cluster()
        Self.apply(controller.monitor(at: 41 * Self.second, in: cluster), to: &cluster)
        controller.nodeRebooted("node1")
        #expect(controller.statusUpdated("node1", at: 60 * Self.second, in: cluster)?.podsReady == [])
    }
}
