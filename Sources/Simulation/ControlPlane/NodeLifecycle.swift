import Cluster
import Engine

/// Kubernetes noticing a node that went silent, driven in simulated time: each kubelet posts its
/// status every `statusUpdateFrequency` (on its own phase); the node lifecycle controller checks
/// every `monitorPeriod`. What turns NotReady, which pods are marked not ready or evicted and
/// who comes back is `NodeLifecycleController`'s decision (Cluster); this file carries its
/// decisions out: it stores the objects, records the changes and schedules the evictions, and
/// the ReplicaSet controller re-creates evicted pods on a Ready node.
///
/// A kubelet gets through when its machine is on, its link is up and it is on the same side of
/// any partition as a control-plane node (roles `control-plane` or `master`; a cluster that
/// declares none has its API server off the segment, always reachable).
extension World {
    func startNodeLifecycle() {
        let timing = config.nodeLifecycle
        var phases = RandomStream(rootSeed: config.seed, .kubelet)
        for node in nodes {
            nodeLifecycle.registered(node.name, at: now.nanoseconds)
            let phase = SimDuration(
                nanoseconds: Int64(phases.uniform(below: UInt64(timing.statusUpdateFrequency.nanoseconds))))
            let name = node.name
            at(now + phase) { world in world.kubeletStatusUpdate(name) }
        }
        at(now + timing.monitorPeriod) { world in world.monitorNodeHealth() }
    }

    /// The kubelet's periodic status update.
    private func kubeletStatusUpdate(_ name: String) {
        at(now + config.nodeLifecycle.statusUpdateFrequency) { world in world.kubeletStatusUpdate(name) }
        guard let host = node(named: name), host.powered, reachesAPIServer(host) else { return }
        guard let recovery = nodeLifecycle.statusUpdated(name, at: now.nanoseconds, in: cluster) else { return }
        recorder.nodeChanged(NodeConditionRecord(time: now, node: name, change: "Ready"))
        nodeObjectChanged(recovery.node)
        for key in recovery.podsReady { setPodReady(key, ready: true) }
    }

    /// The node lifecycle controller's monitor pass.
    private func monitorNodeHealth() {
        at(now + config.nodeLifecycle.monitorPeriod) { world in world.monitorNodeHealth() }
        for change in nodeLifecycle.monitor(at: now.nanoseconds, in: cluster) {
            let name = change.node.name
            recorder.nodeChanged(NodeConditionRecord(time: now, node: name, change: "NotReady"))
            nodeObjectChanged(change.node)
            // MarkPodsNotReady: the endpoints controller drops them.
            for key in change.podsNotReady { setPodReady(key, ready: false) }
            let taintedAt = change.taintedAt
            at(SimTime(nanoseconds: change.evictAt)) { world in world.evictPods(from: name, taintedAt: taintedAt) }
        }
    }

    /// Taint-based eviction: the pods still on a node that has stayed tainted since
    /// `taintedAt` are deleted; Deployments get replacements through the scheduler.
    private func evictPods(from name: String, taintedAt: Int64) {
        let evicted = nodeLifecycle.evictions(from: name, taintedAt: taintedAt, in: cluster)
        guard !evicted.isEmpty else { return }
        for key in evicted {
            recorder.nodeChanged(NodeConditionRecord(time: now, node: name, change: "evicted \(key)"))
            deletePod(key)
        }
        reconcileAllReplicas()
    }

    private func reachesAPIServer(_ host: NodeHost) -> Bool {
        // Every kubelet asks this every 10 s; the control-plane hosts change only with the
        // Node objects, so they are looked up once per change.
        if viewCache.controlPlane == nil {
            viewCache.controlPlane = nodes.filter { node in
                cluster.nodes[node.name]?.roles.contains { $0 == "control-plane" || $0 == "master" } == true
            }
        }
        let controlPlane = viewCache.controlPlane!
        guard !controlPlane.isEmpty else { return segment.linkUp[Int(host.port)] }
        return controlPlane.contains { $0 === host || ($0.powered && canReach(host.port, $0.port)) }
    }
}
