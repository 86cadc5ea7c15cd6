import Cluster
import Engine

/// What a node's kubelet does on its own clock.
enum KubeletStep: Hashable {
    /// The periodic status update (`--node-status-update-frequency`).
    case statusUpdate(node: String)
    /// A pod's containers, restarted when the machine booted (`boot`), pass their readiness
    /// probe: unless the machine went down again meanwhile.
    case containerReady(pod: String, node: String, boot: UInt64)
}

/// The kubelets, driven in simulated time. Each posts its node's status on its own phase, and
/// gets through when its machine is on, its link is up and it is on the same side of any
/// partition as a control-plane node (roles `control-plane` or `master`; a cluster that
/// declares none has its API server off the segment, always reachable). What the API server
/// and the node lifecycle controller make of it is `ControlPlane`'s decision.
extension World {
    func startKubelets() {
        let frequency = config.nodeLifecycle.statusUpdateFrequency
        var phases = RandomStream(rootSeed: config.seed, .kubelet)
        for node in nodes {
            controlPlane.kubeletRegistered(node.name, now: now)
            let phase = SimDuration(nanoseconds: Int64(phases.uniform(below: UInt64(frequency.nanoseconds))))
            schedule(.kubelet(.statusUpdate(node: node.name)), at: now + phase)
        }
        controlPlane.startNodeMonitor(now: now)
        drainControlPlane()
    }

    func runKubelet(_ step: KubeletStep) {
        switch step {
        case .statusUpdate(let name):
            schedule(.kubelet(step), at: now + config.nodeLifecycle.statusUpdateFrequency)
            guard let host = node(named: name), host.powered, reachesAPIServer(host) else { return }
            controlPlane.kubeletPostedStatus(name, now: now)
        case .containerReady(let key, let name, let boot):
            guard let host = node(named: name), host.powered, host.bootGeneration == boot,
                cluster.pods[key]?.nodeName == name
            else { return }
            // The status manager cannot post while the node is cut off; it retries on its
            // sync period (pkg/kubelet/status/status_manager.go, 10 s).
            guard reachesAPIServer(host) else {
                schedule(.kubelet(step), at: now + .seconds(10))
                return
            }
            controlPlane.setPodReady(key, ready: true, now: now)
        }
        drainControlPlane()
    }

    /// The machine booted: the kubelet restarts every pod still bound to it, each Ready after
    /// its own delay, whatever the lifecycle controller did while the node was away. A kubelet
    /// that boots cut off from the API server cannot list its pods: it starts them, and the
    /// API server hears of the reboot, once it reaches a control-plane node
    /// (`refreshAPIViews`).
    func kubeletBooted(_ host: NodeHost) {
        guard reachesAPIServer(host) else {
            host.kubeletAwaitsAPIServer = true
            return
        }
        host.kubeletAwaitsAPIServer = false
        controlPlane.nodeRebooted(host.name, now: now)
        drainControlPlane()
        for pod in cluster.pods.values where pod.nodeName == host.name {
            schedule(
                .kubelet(.containerReady(pod: pod.key, node: host.name, boot: host.bootGeneration)),
                at: now + config.podReadyDelay + .seconds(Int64(pod.readinessDelaySeconds)))
        }
    }

    func reachesAPIServer(_ host: NodeHost) -> Bool {
        let controlPlaneHosts = viewCache.controlPlaneHosts(controlPlane, among: nodes)
        guard !controlPlaneHosts.isEmpty else { return segment.linkUp[Int(host.port)] }
        return controlPlaneHosts.contains { $0 === host || ($0.powered && canReach(host.port, $0.port)) }
    }
}
