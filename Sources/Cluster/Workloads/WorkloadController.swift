import OrderedCollections

/// The pod controllers of kube-controller-manager, as decisions: for one workload and the API
/// server's current objects, which pods to delete and which to create (with the node the
/// scheduler picks, or why it cannot). The driver carries them out in the order given.
///
/// - **Deployment / ReplicaSet** (pkg/controller/replicaset/replica_set.go `manageReplicas`):
///   keep `replicas` pods; scaling down deletes the newest first; new pods are named
///   `<deployment>-<pod-template-hash>-<5 random>` (a bare ReplicaSet: `<name>-<5 random>`) and
///   placed by the scheduler, each as if the ones created before it in this pass were stored.
/// - **StatefulSet** (pkg/controller/statefulset/stateful_set_control.go): pods are named
///   `<name>-<ordinal>` and labelled `statefulset.kubernetes.io/pod-name`; a missing ordinal
///   is re-created under the same name. With `OrderedReady` (the default) pod N is created
///   only once pods 0..N-1 are Running and Ready, one per pass; with `Parallel`, all at once.
///   Scaling down deletes from the highest ordinal.
/// - **DaemonSet** (pkg/controller/daemon/daemon_controller.go `NodeShouldRunDaemonPod`): one
///   pod per node that passes the scheduler's filters with the daemon pod's tolerations (which
///   include the controller's defaults); a pod stays while its node still matches the
///   nodeSelector and has no untolerated NoExecute taint. Pods are named `<name>-<5 random>`
///   and bound to their node directly.
///
/// Random name suffixes come from a generator the driver hands in, one draw per new pod of a
/// Deployment, ReplicaSet or DaemonSet, so the driver's stream decides the names.
public struct WorkloadController: Sendable {
    /// The workloads by `Workload.id`, in creation order: an eviction reconciles every one in
    /// turn, and each draws pod names from the same stream, so the order must not change.
    public private(set) var workloads: OrderedDictionary<String, Workload> = [:]
    /// The id of MetalLB's speaker DaemonSet, while there is one (kept on every change, so
    /// the driver need not search the workloads after every step).
    public private(set) var speakerDaemonSet: String?

    public init() {}

    /// What one reconciliation decided: pods to delete, then pods to create, in order. A created
    /// pod with no node is unschedulable: it stays Pending with `unschedulable[key]` as its
    /// FailedScheduling message.
    public struct Reconciliation: Sendable, Hashable {
        public var deletions: [String] = []
        public var creations: [Pod] = []
        public var unschedulable: [String: String] = [:]
        /// The readiness probe's `initialDelaySeconds` of the workload's pods.
        public var readinessDelaySeconds: Int = 0
    }

    /// Creates or replaces a workload.
    public mutating func apply(_ workload: Workload) {
        workloads[workload.id] = workload
        if workload.isMetalLBSpeaker {
            speakerDaemonSet = speakerDaemonSet ?? workload.id
        } else if speakerDaemonSet == workload.id {
            speakerDaemonSet = workloads.values.first(where: \.isMetalLBSpeaker)?.id
        }
    }

    /// Sets a workload's replica count; false when there is no such workload.
    public mutating func scale(_ id: String, replicas: Int) -> Bool {
        guard workloads[id] != nil else { return false }
        workloads[id]!.replicas = replicas
        return true
    }

    /// Deletes a workload and returns its pods' keys (garbage collection deletes them).
    public mutating func delete(_ id: String, in cluster: ClusterState) -> [String] {
        guard let workload = workloads.removeValue(forKey: id) else { return [] }
        if speakerDaemonSet == id { speakerDaemonSet = workloads.values.first(where: \.isMetalLBSpeaker)?.id }
        return pods(of: workload, in: cluster).map(\.key)
    }

    /// A workload's pods, in creation order: the pods whose controller reference is it.
    public func pods(of workload: Workload, in cluster: ClusterState) -> [Pod] {
        let id = workload.id
        return cluster.pods.values.filter { $0.owner == id }
    }

    /// Brings workload `id`'s pods to what it wants.
    public func reconcile(_ id: String, in cluster: ClusterState, random: inout some RandomNumberGenerator)
        -> Reconciliation
    {
        guard let workload = workloads[id] else { return Reconciliation() }
        var result = Reconciliation(readinessDelaySeconds: workload.template.readinessDelaySeconds)
        switch workload.kind {
        case .deployment, .replicaSet: reconcileReplicas(workload, cluster, &random, &result)
        case .statefulSet: reconcileStatefulSet(workload, cluster, &result)
        case .daemonSet: reconcileDaemonSet(workload, cluster, &random, &result)
        }
        return result
    }

    // MARK: the three controllers

    private func reconcileReplicas(
        _ workload: Workload, _ cluster: ClusterState, _ random: inout some RandomNumberGenerator,
        _ result: inout Reconciliation
    ) {
        // A terminating pod is no longer active (controller_utils.go, `FilterActivePods`).
        var current = pods(of: workload, in: cluster).filter { !$0.terminating }
        while current.count > workload.replicas, let newest = current.popLast() {
            result.deletions.append(newest.key)
        }
        guard current.count < workload.replicas else { return }
        var placed = cluster
        let prefix =
            workload.kind == .deployment ? "\(workload.meta.name)-\(workload.templateHash)-" : "\(workload.meta.name)-"
        while current.count < workload.replicas {
            let name = prefix + Scheduler.suffix(random.next(), length: 5)
            let pod = schedule(newPod(named: name, of: workload), in: &placed, &result)
            current.append(pod)
        }
    }

    private func reconcileStatefulSet(_ workload: Workload, _ cluster: ClusterState, _ result: inout Reconciliation) {
        var byOrdinal: [Int: Pod] = [:]
        for pod in pods(of: workload, in: cluster) {
            if let ordinal = Self.ordinal(of: pod.meta.name, in: workload) { byOrdinal[ordinal] = pod }
        }
        for ordinal in byOrdinal.keys.sorted(by: >) where ordinal >= workload.replicas {
            result.deletions.append(byOrdinal[ordinal]!.key)
        }
        let ordered = workload.podManagementPolicy == .orderedReady
        var placed = cluster
        for ordinal in 0..<workload.replicas {
            if let pod = byOrdinal[ordinal] {
                if ordered && !pod.ready { return }
                continue
            }
            var pod = newPod(named: "\(workload.meta.name)-\(ordinal)", of: workload)
            pod.meta.labels[Workload.statefulSetPodNameLabel] = pod.meta.name
            _ = schedule(pod, in: &placed, &result)
            if ordered { return }
        }
    }

    private func reconcileDaemonSet(
        _ workload: Workload, _ cluster: ClusterState, _ random: inout some RandomNumberGenerator,
        _ result: inout Reconciliation
    ) {
        var onNode: [String: [Pod]] = [:]
        // The daemon controller, too, looks past pods being deleted.
        for pod in pods(of: workload, in: cluster) where !pod.terminating {
            onNode[pod.nodeName ?? "", default: []].append(pod)
        }
        let requirements = workload.podRequirements
        for node in cluster.nodes.values {
            let existing = onNode[node.name] ?? []
            let shouldRun = Scheduler.filter(node, requirements) == nil
            let shouldContinueRunning =
                requirements.matchesAffinity(node)
                && requirements.tolerations.firstUntolerated(of: node.taints, effects: [.noExecute]) == nil
            if !shouldContinueRunning {
                result.deletions += existing.map(\.key)
            } else if existing.count > 1 {
                result.deletions += existing.dropFirst().map(\.key)
            } else if existing.isEmpty && shouldRun {
                var pod = newPod(
                    named: "\(workload.meta.name)-\(Scheduler.suffix(random.next(), length: 5))", of: workload)
                pod.nodeName = node.name
                result.creations.append(pod)
            }
        }
    }

    // MARK: pods

    private func newPod(named name: String, of workload: Workload) -> Pod {
        var pod = Pod(
            meta: ObjectMeta(name: name, namespace: workload.meta.namespace, labels: workload.template.labels),
            nodeName: nil, ready: false, readinessDelaySeconds: workload.template.readinessDelaySeconds,
            tolerations: workload.podTolerations, owner: workload.id)
        pod.containerPorts = workload.template.containerPorts
        pod.termination = workload.template.termination
        return pod
    }

    /// Places `pod` as the scheduler would, given the pods placed so far in this pass.
    private func schedule(_ pod: Pod, in placed: inout ClusterState, _ result: inout Reconciliation) -> Pod {
        var pod = pod
        let requirements =
            workloads[pod.owner ?? ""]?.podRequirements ?? Scheduler.Requirements(tolerations: pod.tolerations)
        switch Scheduler.place(requirements, in: placed) {
        case .success(let node): pod.nodeName = node
        case .failure(let unschedulable): result.unschedulable[pod.key] = unschedulable.message
        }
        placed.pods[pod.key] = pod
        result.creations.append(pod)
        return pod
    }

    /// The ordinal in a StatefulSet pod's name, `<name>-<ordinal>`.
    static func ordinal(of podName: String, in workload: Workload) -> Int? {
        let prefix = workload.meta.name + "-"
        guard podName.hasPrefix(prefix) else { return nil }
        return Int(podName.dropFirst(prefix.count))
    }
}
