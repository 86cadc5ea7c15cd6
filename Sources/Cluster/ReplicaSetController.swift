import OrderedCollections

/// The ReplicaSet controller for Deployments, simplified to what moves endpoints: it keeps
/// each Deployment's pods at its replica count. Scaling down deletes the newest pods first;
/// scaling up names each new pod `<deployment>-<pod-template-hash>-<5 random characters>` and
/// asks the scheduler where it runs. It decides and the driver carries out (stores the pods,
/// starts their readiness timers), in the order given.
///
/// The random name suffixes come from a generator the driver hands in, one draw per new pod,
/// so the driver's stream decides the names and no other draw moves.
public struct ReplicaSetController: Sendable {
    /// The Deployments, in creation order: an eviction reconciles every one in turn, and each
    /// draws pod names from the same stream, so the order must not change from run to run.
    public private(set) var deployments: OrderedDictionary<String, Deployment> = [:]

    public init() {}

    /// What one reconciliation decided: pods to delete (newest first), then pods to create, in
    /// order. A created pod with no node is unschedulable: it stays Pending, never Ready.
    public struct Reconciliation: Sendable, Hashable {
        public var deletions: [String] = []
        public var creations: [Pod] = []
        /// The readiness probe's `initialDelaySeconds` of the deployment's pods.
        public var readinessDelaySeconds: Int = 0
    }

    /// Creates or replaces a Deployment.
    public mutating func apply(_ deployment: Deployment) {
        deployments[deployment.meta.key] = deployment
    }

    /// Sets a Deployment's replica count; false when there is no such Deployment.
    public mutating func scale(_ key: String, replicas: Int) -> Bool {
        guard deployments[key] != nil else { return false }
        deployments[key]!.replicas = replicas
        return true
    }

    /// Deletes a Deployment and returns its pods' keys (garbage collection deletes them).
    public mutating func delete(_ key: String, in cluster: ClusterState) -> [String] {
        guard let deployment = deployments.removeValue(forKey: key) else { return [] }
        return pods(of: deployment, in: cluster).map(\.key)
    }

    /// A Deployment's pods, in creation order: its namespace, selected by its selector and
    /// named after it.
    public func pods(of deployment: Deployment, in cluster: ClusterState) -> [Pod] {
        cluster.pods.values.filter {
            $0.meta.namespace == deployment.meta.namespace && deployment.selector.matches($0.meta.labels)
                && $0.meta.name.hasPrefix(deployment.meta.name + "-")
        }
    }

    /// Brings `key`'s pods to its replica count. Each new pod is placed as if the pods created
    /// before it in this pass were already stored: the scheduler spreads them.
    public func reconcile(
        _ key: String, in cluster: ClusterState, random: inout some RandomNumberGenerator
    ) -> Reconciliation {
        guard let deployment = deployments[key] else { return Reconciliation() }
        var result = Reconciliation(readinessDelaySeconds: deployment.readinessDelaySeconds)
        var current = pods(of: deployment, in: cluster)
        while current.count > deployment.replicas, let newest = current.popLast() {
            result.deletions.append(newest.key)
        }
        guard current.count < deployment.replicas else { return result }
        var placed = cluster
        while current.count < deployment.replicas {
            let suffix = Scheduler.suffix(random.next(), length: 5)
            let name = "\(deployment.meta.name)-\(deployment.templateHash)-\(suffix)"
            let meta = ObjectMeta(name: name, namespace: deployment.meta.namespace, labels: deployment.podLabels)
            let node = Scheduler.place(nodeSelector: deployment.nodeSelector, in: placed)
            let pod = Pod(
                meta: meta, nodeName: node, ready: false, readinessDelaySeconds: deployment.readinessDelaySeconds)
            placed.pods[pod.key] = pod
            result.creations.append(pod)
            current.append(pod)
        }
        return result
    }
}
