import Engine

/// Kubernetes noticing a node that went silent. Each kubelet posts its status every
/// `statusUpdateFrequency` (on its own phase) when it can reach the API server, which only
/// the driver knows (links, power, partitions): the driver calls `kubeletPostedStatus`. The
/// node lifecycle controller checks every `monitorPeriod` (its own step). What turns NotReady,
/// which pods are marked not ready or evicted and who comes back is `NodeLifecycleController`'s
/// decision; this file stores the objects, says what changed and schedules the evictions, and
/// the ReplicaSet controller re-creates evicted pods on a Ready node.
extension ControlPlane {
    /// The kubelet registered its node: the lifecycle controller counts its silence from now.
    /// The first monitor pass is due one period after the first registration.
    public mutating func kubeletRegistered(_ name: String, now: SimTime) {
        self.now = now
        nodeLifecycle.registered(name, at: now.nanoseconds)
    }

    /// Schedules the node lifecycle controller's first monitor pass.
    public mutating func startNodeMonitor(now: SimTime) {
        self.now = now
        after(timing.nodeLifecycle.monitorPeriod, .monitorNodeHealth)
    }

    /// A kubelet's status update reached the API server: a NotReady node is Ready again and
    /// the pods marked not ready report Ready.
    public mutating func kubeletPostedStatus(_ name: String, now: SimTime) {
        self.now = now
        guard let recovery = nodeLifecycle.statusUpdated(name, at: now.nanoseconds, in: api) else { return }
        emit(.nodeCondition(node: name, change: "Ready"))
        nodeObjectChanged(recovery.node)
        for key in recovery.podsReady { setPodReady(key, ready: true) }
    }

    /// The machine rebooted: its pods' containers start again from scratch, so every pod on it
    /// is not Ready until its kubelet reports it Ready again (the driver schedules that, since
    /// it depends on the machine staying up).
    public mutating func nodeRebooted(_ name: String, now: SimTime) {
        self.now = now
        nodeLifecycle.nodeRebooted(name)
        for pod in api.pods.values where pod.nodeName == name && pod.ready {
            setPodReady(pod.key, ready: false)
        }
    }

    /// The node lifecycle controller's monitor pass.
    mutating func monitorNodeHealth() {
        after(timing.nodeLifecycle.monitorPeriod, .monitorNodeHealth)
        for change in nodeLifecycle.monitor(at: now.nanoseconds, in: api) {
            let name = change.node.name
            emit(.nodeCondition(node: name, change: "NotReady"))
            nodeObjectChanged(change.node)
            // MarkPodsNotReady: the endpoints controller drops them.
            for key in change.podsNotReady { setPodReady(key, ready: false) }
            for time in change.evictAt {
                emit(.schedule(.evictPods(node: name, taintedAt: change.taintedAt), at: SimTime(nanoseconds: time)))
            }
        }
    }

    /// Taint-based eviction: the pods still on a node that has stayed tainted since
    /// `taintedAt` are deleted; Deployments get replacements through the scheduler.
    mutating func evictPods(from name: String, taintedAt: Int64) {
        let evicted = nodeLifecycle.evictions(from: name, taintedAt: taintedAt, at: now.nanoseconds, in: api)
        guard !evicted.isEmpty else { return }
        for key in evicted {
            emit(.nodeCondition(node: name, change: "evicted \(key)"))
            removePod(key)
        }
        reconcileAllWorkloads()
    }
}
