/// A small kube-scheduler: filters nodes that cannot take the pod, then spreads pods by
/// choosing the node running the fewest pods (ties: the node declared first).
///
/// Filters: the node is Ready, is not a control-plane node (kubeadm taints those NoSchedule),
/// and matches the pod's nodeSelector (with `kubernetes.io/hostname` set to the node name).
public enum Scheduler {
    public static func place(nodeSelector: [String: String], in cluster: ClusterState) -> String? {
        var best: (name: String, load: Int)?
        // Counted once per placement, not once per node: a large cluster has thousands of pods.
        var loads: [String: Int] = [:]
        for pod in cluster.pods.values { if let node = pod.nodeName { loads[node, default: 0] += 1 } }
        for node in cluster.nodes.values {
            guard node.ready,
                !node.roles.contains("control-plane"), !node.roles.contains("master")
            else { continue }
            var labels = node.meta.labels
            labels["kubernetes.io/hostname"] = node.name
            guard nodeSelector.allSatisfy({ labels[$0.key] == $0.value }) else { continue }
            let load = loads[node.name] ?? 0
            if best == nil || load < best!.load { best = (node.name, load) }
        }
        return best?.name
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
