import Cluster

/// Where the speaker processes run (`Workload.isMetalLBSpeaker` says which DaemonSet is the
/// speakers'). On a real cluster they are the pods of MetalLB's speaker
/// DaemonSet, so its nodeSelector and tolerations decide which nodes announce. A scenario
/// without that DaemonSet runs a speaker on every node, as MetalLB's own manifests do (they
/// tolerate the control-plane taints). With it, a node runs a speaker exactly while the
/// DaemonSet has a pod bound there: a node it never selected never runs one, a pod removed
/// later (a label change) is a SIGTERM, a pod added later starts a speaker that re-syncs.
extension World {
    /// Whether `node` may run a speaker now.
    func runsSpeaker(_ node: String) -> Bool {
        nodesWithSpeakerPods().map { $0.contains(node) } ?? true
    }

    /// The nodes the speaker DaemonSet has a pod on; nil when the scenario has no such DaemonSet.
    private func nodesWithSpeakerPods() -> Set<String>? {
        guard let id = controlPlane.workloads.speakerDaemonSet else { return nil }
        return Set(cluster.pods.values.lazy.filter { $0.owner == id }.compactMap(\.nodeName))
    }

    /// Starts and stops speakers to follow the speaker DaemonSet's pods. Before the event loop
    /// has run, a node without a pod never had a speaker: its process is removed without a
    /// trace.
    func followSpeakerDaemonSet() {
        guard let withPods = nodesWithSpeakerPods() else { return }
        for node in nodes where !node.awaitsFirstSpeakerStart {
            let wanted = withPods.contains(node.name)
            if !wanted && node.hasSpeaker {
                if !hasStarted {
                    node.discardSpeakerBeforeStart()
                } else {
                    node.terminateSpeaker(graceful: true, in: hostContext)
                }
            } else if wanted && !node.hasSpeaker && node.powered && hasStarted {
                node.startSpeaker(in: hostContext, resync: true)
            }
        }
    }
}
