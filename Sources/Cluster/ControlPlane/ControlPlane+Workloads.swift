import Engine

/// Deployments: the ReplicaSet controller's decisions carried out against the API server,
/// with pod names drawn from the control plane's stream and nodes from the scheduler.
extension ControlPlane {
    /// Creates or updates a Deployment and reconciles its pods to the replica count.
    public mutating func applyDeployment(_ deployment: Deployment, startsReady: Bool, now: SimTime) {
        self.now = now
        replicaSets.apply(deployment)
        reconcileReplicas(deployment.meta.key, startsReady: startsReady)
    }

    public mutating func scale(deployment key: String, replicas: Int, now: SimTime) {
        self.now = now
        guard replicaSets.scale(key, replicas: replicas) else { return }
        reconcileReplicas(key, startsReady: false)
    }

    public mutating func deleteDeployment(_ key: String, now: SimTime) {
        for pod in replicaSets.delete(key, in: api) { deletePod(pod, now: now) }
    }

    /// Reconciles every Deployment, in creation order (after an eviction).
    mutating func reconcileAllReplicas() {
        for key in replicaSets.deployments.keys { reconcileReplicas(key, startsReady: false) }
    }

    private mutating func reconcileReplicas(_ key: String, startsReady: Bool) {
        let decided = replicaSets.reconcile(key, in: api, random: &random)
        for pod in decided.deletions { deletePod(pod, now: now) }
        let delay = timing.podReadyDelay + .seconds(Int64(decided.readinessDelaySeconds))
        for pod in decided.creations {
            if pod.nodeName == nil {
                // Unschedulable: the pod stays Pending, never Ready.
                api.pods[pod.key] = pod
            } else {
                applyPod(pod, startsReady: startsReady, readyAfter: delay, now: now)
            }
        }
    }
}
