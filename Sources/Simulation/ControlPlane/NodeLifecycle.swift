import Cluster
import Engine

/// Kubernetes noticing a node that went silent: each kubelet posts its status every
/// `statusUpdateFrequency` (on its own phase); the node lifecycle controller checks every
/// `monitorPeriod` and, once a node's last update is older than `gracePeriod`, marks it
/// NotReady (condition Unknown), taints it `node.kubernetes.io/unreachable:NoExecute` and marks
/// its pods not ready, so endpoints drop them. `tolerationSeconds` after the taint the pods
/// are evicted; the ReplicaSet controller re-creates them on a Ready node.
///
/// A kubelet gets through when its machine is on, its link is up and it is on the same side of
/// any partition as a control-plane node (roles `control-plane` or `master`; a cluster that
/// declares none has its API server off the segment, always reachable).
extension World {
    static let unreachableTaint = "node.kubernetes.io/unreachable"

    func startNodeLifecycle() {
        let timing = config.nodeLifecycle
        var phases = RandomStream(rootSeed: config.seed, .kubelet)
        for node in nodes {
            lastStatusUpdate[node.name] = now
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
        lastStatusUpdate[name] = now
        guard var node = cluster.nodes[name], !node.ready else { return }
        // Back: Ready again, the taint goes, and the pods the controller marked not ready,
        // whose containers kept running, report Ready (a rebooted node's pods turn Ready on
        // their own timers, when their containers have started).
        node.ready = true
        node.noExecuteTaints.removeAll { $0 == Self.unreachableTaint }
        taintedSince[name] = nil
        recorder.nodeChanged(NodeConditionRecord(time: now, node: name, change: "Ready"))
        nodeObjectChanged(node)
        for key in markedNotReady.removeValue(forKey: name) ?? [] where cluster.pods[key]?.nodeName == name {
            setPodReady(key, ready: true)
        }
    }

    /// The node lifecycle controller's monitor pass.
    private func monitorNodeHealth() {
        let timing = config.nodeLifecycle
        at(now + timing.monitorPeriod) { world in world.monitorNodeHealth() }
        for var node in cluster.nodes.values where node.ready {
            guard let last = lastStatusUpdate[node.name], now - last > timing.gracePeriod else { continue }
            node.ready = false
            node.noExecuteTaints.append(Self.unreachableTaint)
            taintedSince[node.name] = now
            recorder.nodeChanged(NodeConditionRecord(time: now, node: node.name, change: "NotReady"))
            nodeObjectChanged(node)
            // MarkPodsNotReady: the endpoints controller drops them.
            for pod in cluster.pods.values where pod.nodeName == node.name && pod.ready {
                markedNotReady[node.name, default: []].append(pod.key)
                setPodReady(pod.key, ready: false)
            }
            let name = node.name
            let taintedAt = now
            at(now + timing.tolerationSeconds) { world in world.evictPods(from: name, taintedAt: taintedAt) }
        }
    }

    /// Taint-based eviction: the pods still on a node that has stayed tainted since
    /// `taintedAt` are deleted; Deployments get replacements through the scheduler.
    private func evictPods(from name: String, taintedAt: SimTime) {
        guard let node = cluster.nodes[name], !node.ready, taintedSince[name] == taintedAt else { return }
        let evicted = cluster.pods.values.filter { $0.nodeName == name }.map(\.key)
        guard !evicted.isEmpty else { return }
        for key in evicted {
            recorder.nodeChanged(NodeConditionRecord(time: now, node: name, change: "evicted \(key)"))
            deletePod(key)
        }
        for key in deployments.keys { reconcileReplicas(key, startsReady: false) }
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
