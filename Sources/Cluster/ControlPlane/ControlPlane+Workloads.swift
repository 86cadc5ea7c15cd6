import Engine

/// Pod controllers (Deployments, ReplicaSets, StatefulSets, DaemonSets) and the scheduler,
/// carried out against the API server: `WorkloadController` decides which pods to create and
/// delete, with pod names drawn from the control plane's stream and nodes from the scheduler;
/// a pod nothing can take stays Pending with a FailedScheduling event, and is placed when a
/// Node change lets it (kube-scheduler moves unschedulable pods back to its active queue on
/// Node events).
extension ControlPlane {
    /// Creates or updates a workload and reconciles its pods.
    public mutating func applyWorkload(_ workload: Workload, startsReady: Bool, now: SimTime) {
        self.now = now
        workloads.apply(workload)
        reconcileWorkload(workload.id, startsReady: startsReady)
    }

    /// Sets the replica count of a Deployment, ReplicaSet or StatefulSet (`id` is `Workload.id`).
    public mutating func scale(workload id: String, replicas: Int, now: SimTime) {
        self.now = now
        guard workloads.scale(id, replicas: replicas) else { return }
        reconcileWorkload(id, startsReady: false)
    }

    public mutating func deleteWorkload(_ id: String, now: SimTime) {
        self.now = now
        for pod in workloads.delete(id, in: api) { terminatePod(pod) }
    }

    /// Reconciles every workload, in creation order (after an eviction).
    mutating func reconcileAllWorkloads() {
        for id in workloads.workloads.keys { reconcileWorkload(id, startsReady: false) }
    }

    /// Reconciles every DaemonSet (a Node changed: one may now want a pod there, or none).
    mutating func reconcileDaemonSets() {
        for (id, workload) in workloads.workloads where workload.kind == .daemonSet {
            reconcileWorkload(id, startsReady: false)
        }
    }

    mutating func reconcileWorkload(_ id: String, startsReady: Bool) {
        let decided = workloads.reconcile(id, in: api, random: &random)
        for pod in decided.deletions { terminatePod(pod) }
        let delay = timing.podReadyDelay + .seconds(Int64(decided.readinessDelaySeconds))
        for pod in decided.creations {
            if let message = decided.unschedulable[pod.key] {
                // Pending, never Ready, until a Node change lets the scheduler place it.
                api.pods[pod.key] = pod
                failedScheduling(pod.key, message)
            } else {
                applyPod(pod, startsReady: startsReady, readyAfter: delay, now: now)
            }
        }
    }

    /// A StatefulSet with OrderedReady creates its next pod once the one before is Ready.
    mutating func podReadinessChanged(_ pod: Pod) {
        guard pod.ready, let owner = pod.owner, let workload = workloads.workloads[owner],
            workload.kind == .statefulSet, workload.podManagementPolicy == .orderedReady
        else { return }
        reconcileWorkload(owner, startsReady: false)
    }

    /// kube-scheduler's retry: every Pending pod, in the API server's order, is placed if a
    /// node can take it now.
    mutating func schedulePendingPods() {
        let pending = api.pods.values.filter { $0.nodeName == nil }
        for var pod in pending {
            let requirements =
                pod.owner.flatMap { workloads.workloads[$0]?.podRequirements }
                ?? Scheduler.Requirements(tolerations: pod.tolerations)
            switch Scheduler.place(requirements, in: api) {
            case .success(let node):
                pod.nodeName = node
                pod = api.admit(pod)
                podChanged(pod)
                emit(
                    .schedule(
                        .podStarted(pod.key),
                        at: now + timing.podReadyDelay + .seconds(Int64(pod.readinessDelaySeconds))))
            case .failure(let unschedulable):
                if api.podEvents[pod.key]?.last?.message != unschedulable.message {
                    failedScheduling(pod.key, unschedulable.message)
                }
            }
        }
    }

    private mutating func failedScheduling(_ key: String, _ message: String) {
        let event = ObjectEvent(time: now.nanoseconds, type: .warning, reason: "FailedScheduling", message: message)
        api.podEvents[key, default: []].append(event)
        emit(.podEvent(pod: key, event))
    }
}
