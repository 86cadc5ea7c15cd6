/// Kubernetes' node lifecycle controller (kube-controller-manager) together with the kubelet's
/// side of node heartbeats, as decisions: the driver reports heartbeats and runs the monitor
/// pass on its period; this type says which Nodes turn NotReady or Ready again, which pods to
/// mark not ready or Ready, and which to evict. The driver carries the decisions out (stores
/// the objects, records, schedules the eviction), so the order of everything it does stays its
/// own. Time is passed in, in nanoseconds.
///
/// The rules, after `pkg/controller/nodelifecycle/node_lifecycle_controller.go` and the taint
/// eviction controller (`pkg/controller/tainteviction`):
/// - `monitorNodeHealth`/`tryUpdateNodeHealth`: a Ready node whose last status update is more
///   than `gracePeriod` old (strictly after the probe timestamp plus the grace period) turns
///   NotReady (its Ready condition Unknown) and gets the `unreachable` NoExecute taint.
/// - `MarkPodsNotReady` (called by `monitorNodeHealth` on that transition): its Ready pods turn
///   not ready, so the endpoints controller drops them.
/// - taint-based eviction: pods tolerate the taint for `tolerationSeconds` (the
///   DefaultTolerationSeconds admission plugin's value); then every pod still on the node is
///   deleted, unless the taint went away meanwhile (the eviction is cancelled).
/// - a status update from a NotReady node makes it Ready and removes the taint at once
///   (`markNodeAsReachable`); the pods marked not ready, whose containers kept running, report
///   Ready again (the kubelet's status manager).
public struct NodeLifecycleController: Sendable {

    /// `--node-monitor-grace-period`, in nanoseconds.
    public let gracePeriod: Int64
    /// The pods' `tolerationSeconds` for the unreachable taint, in nanoseconds.
    public let tolerationSeconds: Int64
    /// When each node's kubelet last got a status update through to the API server.
    public private(set) var lastStatusUpdate: [String: Int64] = [:]
    /// When the controller tainted each NotReady node: an eviction scheduled for an older
    /// taint is stale.
    public private(set) var taintedSince: [String: Int64] = [:]
    /// The pods marked not ready, by node, in the order they were marked: the ones the kubelet
    /// reports Ready again when the node comes back without a reboot.
    public private(set) var markedNotReady: [String: [String]] = [:]

    public init(gracePeriod: Int64, tolerationSeconds: Int64) {
        self.gracePeriod = gracePeriod
        self.tolerationSeconds = tolerationSeconds
    }

    /// A node that turned NotReady: the Node as it is now (NotReady, tainted), the pods to mark
    /// not ready (in the API server's order), and when the taint's toleration runs out.
    public struct NotReady: Sendable, Hashable {
        public var node: Node
        public var podsNotReady: [String]
        public var taintedAt: Int64
        /// When pods are due for eviction, earliest first: one time per distinct toleration of
        /// the pods on the node (pods that tolerate the taint for ever have none).
        public var evictAt: [Int64]
    }

    /// A NotReady node whose kubelet got through again: the Node as it is now (Ready,
    /// untainted) and the pods that report Ready again.
    public struct Recovery: Sendable, Hashable {
        public var node: Node
        public var podsReady: [String]
    }

    /// The kubelet registered its Node: the registration counts as its first status update.
    public mutating func registered(_ name: String, at now: Int64) {
        lastStatusUpdate[name] = now
    }

    /// A kubelet's status update reached the API server at `now`. When its Node was NotReady,
    /// returns what changes as it comes back.
    public mutating func statusUpdated(_ name: String, at now: Int64, in cluster: ClusterState) -> Recovery? {
        lastStatusUpdate[name] = now
        guard var node = cluster.nodes[name], !node.ready else { return nil }
        node.ready = true
        node.taints.removeAll { $0.key == Taint.unreachableKey }
        taintedSince[name] = nil
        let marked = markedNotReady.removeValue(forKey: name) ?? []
        return Recovery(node: node, podsReady: marked.filter { cluster.pods[$0]?.nodeName == name })
    }

    /// The monitor pass at `now`: every Ready node (in the API server's order) whose last status
    /// update is older than the grace period turns NotReady.
    public mutating func monitor(at now: Int64, in cluster: ClusterState) -> [NotReady] {
        var changes: [NotReady] = []
        for var node in cluster.nodes.values where node.ready {
            guard let last = lastStatusUpdate[node.name], now - last > gracePeriod else { continue }
            node.ready = false
            // TaintNodesByCondition keeps new pods off it; the NoExecute twin evicts old ones.
            node.taints.append(Taint(key: Taint.unreachableKey, effect: .noSchedule))
            node.taints.append(Taint(key: Taint.unreachableKey, effect: .noExecute))
            taintedSince[node.name] = now
            let pods = cluster.pods.values.filter { $0.nodeName == node.name && $0.ready }.map(\.key)
            markedNotReady[node.name, default: []].append(contentsOf: pods)
            let onNode = cluster.pods.values.filter { $0.nodeName == node.name }
            let evictAt = Set(onNode.compactMap { evictionDelay(of: $0).map { now + $0 } }).sorted()
            changes.append(NotReady(node: node, podsNotReady: pods, taintedAt: now, evictAt: evictAt))
        }
        return changes
    }

    /// The pods to evict from `name` at `now`, when the toleration of the taint put on it at
    /// `taintedAt` runs out: every pod still bound to it whose toleration has run out, in the API
    /// server's order, or none when the node is Ready again or was tainted anew since.
    public func evictions(from name: String, taintedAt: Int64, at now: Int64, in cluster: ClusterState) -> [String] {
        guard let node = cluster.nodes[name], !node.ready, taintedSince[name] == taintedAt else { return [] }
        return cluster.pods.values.filter { pod in
            guard pod.nodeName == name, let delay = evictionDelay(of: pod) else { return false }
            return taintedAt + delay <= now
        }.map(\.key)
    }

    /// How long `pod` stays on an unreachable node, in nanoseconds; nil: for ever. Its own
    /// toleration of the `unreachable` NoExecute taint decides (daemon pods tolerate it with no
    /// limit); a pod with none has the DefaultTolerationSeconds admission plugin's
    /// (`tolerationSeconds` here). Zero and negative values evict at once (core/v1 types.go).
    public func evictionDelay(of pod: Pod) -> Int64? {
        let taint = Taint(key: Taint.unreachableKey, effect: .noExecute)
        guard let toleration = pod.tolerations.first(where: { $0.tolerates(taint) }) else { return tolerationSeconds }
        return toleration.tolerationSeconds.map { max(0, $0) * 1_000_000_000 }
    }

    /// The node rebooted: its pods restart on their own, so none is waiting to report Ready.
    public mutating func nodeRebooted(_ name: String) {
        markedNotReady[name] = nil
    }
}
