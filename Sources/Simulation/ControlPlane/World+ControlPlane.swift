import Cluster
import Engine
import IPAM
import Layer2
import Speaker

/// The world as the control plane's driver: it passes API writes and kubelet status updates
/// in, runs the control plane's steps when they come due, and carries out what it decides
/// (informer deliveries to the running speakers, records). The decisions themselves are
/// `ControlPlane`'s (Cluster), a value with no notion of hosts or the event queue.
extension World {
    // MARK: API writes (timeline actions and initial manifests call these)

    /// Installs MetalLB's pool configuration; see `ControlPlane.applyMetalLBConfig`.
    public func applyMetalLBConfig(_ pools: [AddressPool], advertised: Set<String>? = nil) throws(PoolConfigError) {
        defer { drainControlPlane() }
        try controlPlane.applyMetalLBConfig(pools, advertised: advertised, now: now)
    }

    public func applyMetalLBResources(_ resources: MetalLBResources) {
        controlPlane.applyMetalLBResources(resources, now: now)
        drainControlPlane()
    }

    public func setNamespace(_ name: String, labels: [String: String]?) {
        controlPlane.setNamespace(name, labels: labels)
    }

    public func applyService(_ service: Service) {
        controlPlane.applyService(service, now: now)
        drainControlPlane()
    }

    public func deleteService(_ key: String) {
        controlPlane.deleteService(key, now: now)
        drainControlPlane()
    }

    public func applyPod(_ pod: Pod, startsReady: Bool, readyAfter delay: SimDuration? = nil) {
        controlPlane.applyPod(pod, startsReady: startsReady, readyAfter: delay, now: now)
        drainControlPlane()
    }

    /// Stores a selectorless Service's hand-written Endpoints or EndpointSlices.
    public func applyManualEndpoints(service key: String, _ change: (inout ManualEndpoints) -> Void) {
        controlPlane.applyManualEndpoints(service: key, now: now, change)
        drainControlPlane()
    }

    public func deletePod(_ key: String) {
        controlPlane.deletePod(key, now: now)
        drainControlPlane()
    }

    public func movePod(_ key: String, to node: String) {
        controlPlane.movePod(key, to: node, now: now)
        drainControlPlane()
    }

    public func setPodReady(_ key: String, ready: Bool) {
        controlPlane.setPodReady(key, ready: ready, now: now)
        drainControlPlane()
    }

    /// Creates or updates a Deployment, ReplicaSet, StatefulSet or DaemonSet.
    public func applyWorkload(_ workload: Workload, startsReady: Bool) {
        controlPlane.applyWorkload(workload, startsReady: startsReady, now: now)
        drainControlPlane()
    }

    /// Scales a workload (`id` is `Workload.id`: `Deployment/default/web`).
    public func scale(workload id: String, replicas: Int) {
        controlPlane.scale(workload: id, replicas: replicas, now: now)
        drainControlPlane()
    }

    public func deleteWorkload(_ id: String) {
        controlPlane.deleteWorkload(id, now: now)
        drainControlPlane()
    }

    /// A v1/Node manifest: see `ControlPlane.applyNodeManifest`.
    public func applyNodeManifest(
        _ name: String, labels: [String: String], taints: [Taint]? = nil, unschedulable: Bool? = nil, initial: Bool
    ) {
        controlPlane.applyNodeManifest(
            name, labels: labels, taints: taints, unschedulable: unschedulable, initial: initial, now: now)
        drainControlPlane()
    }

    /// Sets or removes (`value` nil) a label on a Node.
    public func setLabel(node name: String, key: String, value: String?) {
        controlPlane.setLabel(node: name, key: key, value: value, now: now)
        drainControlPlane()
    }

    /// Sets a Node condition other than Ready (`NetworkUnavailable`...).
    public func setCondition(node name: String, type: String, status: String) {
        controlPlane.setCondition(node: name, type: type, status: status, now: now)
        drainControlPlane()
    }

    // MARK: carrying the decisions out

    /// A control-plane step came due.
    func runControlPlane(_ step: ControlPlane.Step) {
        controlPlane.handle(step, now: now)
        drainControlPlane()
    }

    /// Carries out everything the control plane decided, in its order.
    func drainControlPlane() {
        defer { followSpeakerDaemonSet() }
        while let output = controlPlane.poll() {
            switch output {
            case .schedule(let step, let time):
                schedule(.controlPlane(step), at: time)
            case .deliverServices(let keys):
                speakersSync(services: keys)
            case .deliverNode(let name, let change):
                let update = NodeUpdate(
                    name: name, labelsChanged: change.labels, networkAvailabilityChanged: change.networkUnavailable)
                for host in nodes where host.isSpeakerRunning && seesAPIServer(host.name) {
                    host.driveSpeaker(in: hostContext) { $0.handleNodeChanged(update, now: now.nanoseconds) }
                }
            case .deliverMetalLBConfig:
                guard let config = speakerPoolConfig(cluster) else { break }
                for host in nodes where host.isSpeakerRunning && seesAPIServer(host.name) {
                    host.driveSpeaker(in: hostContext) { $0.handleConfig(config, now: now.nanoseconds) }
                }
            case .poolsInstalled(let pools):
                recorder.poolsInstalled(PoolConfigRecord(time: now, pools: pools))
                for key in recorder.servicesHoldingAddresses {
                    recorder.allocation(of: key, is: controller?.assignment(of: key), at: now)
                }
            case .allocation(let key, let assignment):
                recorder.allocation(of: key, is: assignment, at: now)
            case .nodeCondition(let node, let change):
                recorder.nodeChanged(NodeConditionRecord(time: now, node: node, change: change))
            case .podEvent(let pod, let event):
                recorder.podEvent(
                    PodEventRecord(time: now, pod: pod, owner: cluster.pods[pod]?.owner, event: event))
            }
        }
    }

    /// Every running speaker's informers deliver the given services, in node order: each
    /// speaker stores them and re-runs its election, from its own memberlist view. The views
    /// are built once per batch: every speaker sees the same API state here (one watch delay
    /// for all), except on nodes cut off from the API server, which re-list when they are back.
    func speakersSync(services keys: [String]) {
        let views = keys.map { ($0, serviceView($0)) }
        for (key, view) in views { informerViews[key] = view }
        for node in nodes where node.isSpeakerRunning && seesAPIServer(node.name) {
            node.driveSpeaker(in: hostContext) { $0.handleServices(views, now: now.nanoseconds) }
        }
    }

    /// Every service as a speaker's informers would list it right now, in the API server's
    /// order: the static API view `sim live --scenario` gives a real speaker process.
    public func apiServiceViews() -> [(String, ServiceView)] {
        cluster.services.keys.compactMap { key in serviceView(key).map { (key, $0) } }
    }

    /// What a speaker sees of a service right now (cached until the API objects change).
    func serviceView(_ key: String) -> ServiceView? {
        viewCache.view(
            of: key, in: controlPlane, nodeNames: config.nodes.map(\.name), rules: config.speakerRules,
            ignoreExcludeLB: config.ignoreExcludeLB)
    }
}
