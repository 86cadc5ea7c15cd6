/// A small kube-scheduler: the filters that decide whether a pod can run on a node, in the
/// order the default profile runs them (pkg/scheduler/apis/config/v1/default_plugins.go:
/// NodeUnschedulable, NodeName, TaintToleration, NodeAffinity), then a spread: the node
/// running the fewest pods wins (ties: the node registered first).
///
/// A pod no node passes stays Pending with kube-scheduler's FailedScheduling message: each
/// node counts once, under the first filter it fails, and the reasons are sorted as text
/// (framework's `FitError.Error`), followed by the preemption verdict, which is always "not
/// helpful" for these filters (their failures are UnschedulableAndUnresolvable).
public enum Scheduler {
    /// What a pod asks of its node.
    public struct Requirements: Sendable, Hashable {
        /// `spec.nodeSelector`.
        public var nodeSelector: [String: String]
        /// `spec.tolerations`.
        public var tolerations: [Toleration]
        /// Required node affinity: the node must match one of these terms (none: any node).
        public var nodeAffinity: [NodeSelectorTerm]

        public init(
            nodeSelector: [String: String] = [:], tolerations: [Toleration] = [], nodeAffinity: [NodeSelectorTerm] = []
        ) {
            self.nodeSelector = nodeSelector
            self.tolerations = tolerations
            self.nodeAffinity = nodeAffinity
        }

        /// The NodeAffinity filter: the nodeSelector and the required affinity terms.
        public func matchesAffinity(_ node: Node) -> Bool {
            Scheduler.matchesNodeSelector(node, nodeSelector)
                && (nodeAffinity.isEmpty || nodeAffinity.contains { $0.matches(node) })
        }
    }

    /// The pod cannot be placed: kube-scheduler's message.
    public struct Unschedulable: Error, Sendable, Hashable {
        public var message: String
    }

    public static func place(_ pod: Requirements, in cluster: ClusterState) -> Result<String, Unschedulable> {
        var best: (name: String, load: Int)?
        // Counted once per placement, not once per node: a large cluster has thousands of pods.
        var loads: [String: Int] = [:]
        for pod in cluster.pods.values { if let node = pod.nodeName { loads[node, default: 0] += 1 } }
        var reasons: [String: Int] = [:]
        for node in cluster.nodes.values {
            if let reason = filter(node, pod) {
                reasons[reason, default: 0] += 1
                continue
            }
            let load = loads[node.name] ?? 0
            if best == nil || load < best!.load { best = (node.name, load) }
        }
        if let best { return .success(best.name) }
        let total = cluster.nodes.count
        let histogram = reasons.map { "\($0.value) \($0.key)" }.sorted().joined(separator: ", ")
        let summary =
            histogram.isEmpty ? "0/\(total) nodes are available." : "0/\(total) nodes are available: \(histogram)."
        return .failure(
            Unschedulable(
                message:
                    "\(summary) preemption: 0/\(total) nodes are available: \(total) Preemption is not helpful for scheduling."
            ))
    }

    /// Why `pod` cannot run on `node` (the first filter that fails), or nil when it can.
    public static func filter(_ node: Node, _ pod: Requirements) -> String? {
        if node.unschedulable && !pod.tolerations.tolerate(Taint(key: Taint.unschedulableKey, effect: .noSchedule)) {
            return "node(s) were unschedulable"
        }
        if let taint = pod.tolerations.firstUntolerated(of: node.taints, effects: [.noSchedule, .noExecute]) {
            return "node(s) had untolerated taint {\(taint.key): \(taint.value)}"
        }
        if !pod.matchesAffinity(node) { return "node(s) didn't match Pod's node affinity/selector" }
        return nil
    }

    /// The node's labels match every `nodeSelector` entry. `kubernetes.io/hostname` is always
    /// the node's name (the kubelet sets it), even where a scenario's labels do not say so.
    public static func matchesNodeSelector(_ node: Node, _ selector: [String: String]) -> Bool {
        selector.allSatisfy { key, value in label(key, of: node) == value }
    }

    /// A node's label as selectors read it (`kubernetes.io/hostname` is always its name).
    static func label(_ key: String, of node: Node) -> String? {
        key == "kubernetes.io/hostname" ? node.name : node.meta.labels[key]
    }

    /// Kubernetes' random name suffixes use consonants and digits that do not spell words.
    public static func suffix(_ value: UInt64, length: Int) -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        var value = value
        var result = ""
        for _ in 0..<length {
            result.append(alphabet[Int(value % UInt64(alphabet.count))])
            value /= UInt64(alphabet.count)
            if value == 0 { value = 0x9E37_79B9_7F4A_7C15 &* UInt64(result.count + 1) }
        }
        return result
    }
}
