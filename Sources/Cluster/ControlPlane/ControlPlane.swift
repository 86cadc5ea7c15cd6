import Engine
import IPAM
import OrderedCollections

/// The cluster's control plane as one sans-IO value: the API server's objects, MetalLB's
/// controller, the ReplicaSet controller, the node lifecycle controller and the scheduler
/// they call. It decides; its driver (the simulation's `World`) carries the decisions out.
///
/// Shaped after quinn-proto's `Connection`: a few entry points take events in (an API write
/// from the timeline or the manifests, a kubelet status update, one of its own steps coming
/// due) with the time, and `poll()` hands the consequences out in order: steps to run later
/// (each informer sees a change one watch delay after it is written), deliveries to the
/// speakers' informers, and records. Nothing here knows about hosts, frames or the event
/// queue, so every rule can be tested as a value.
///
/// Every API change bumps `revision`; readers that cache derived views (the speakers' service
/// views, kube-proxy's rules) compare it instead of being told.
public struct ControlPlane: Sendable {
    /// Something the control plane will do later: the driver runs it through `handle(_:now:)`
    /// at the time the `.schedule` output names.
    public enum Step: Sendable, Hashable {
        /// MetalLB's controller's watch saw the Service change: it reconciles it.
        case reconcileService(String)
        /// MetalLB's controller reprocesses every service (a new configuration).
        case reconcileAllServices
        /// MetalLB's controller's watch saw the Service deleted: it frees its addresses, then
        /// reprocesses every service (one left pending may get the freed address).
        case serviceDeleted(String)
        /// The speakers' service and endpoints informers deliver these services.
        case deliverServices([String])
        /// The speakers' Node informers deliver this Node. `availabilityChanged`: its
        /// NetworkUnavailable condition or exclude label changed.
        case deliverNode(String, NodeChange)
        /// The speakers' ConfigMap informers deliver MetalLB's configuration as the API server
        /// holds it (v0.9.4: each speaker decides on its own whether to take it).
        case deliverMetalLBConfig
        /// A pod's start-up delay has passed: its readiness probe succeeds.
        case podStarted(String)
        /// A terminating pod's containers have exited (re-created on the node when moving).
        case podExited(String, movingTo: String?)
        /// The node lifecycle controller's monitor pass (every `monitorPeriod`).
        case monitorNodeHealth
        /// Taint-based eviction of the pods on a node tainted at `taintedAt` (nanoseconds).
        case evictPods(node: String, taintedAt: Int64)
        /// The DaemonSet controller and the scheduler see a changed Node.
        case nodeSeenByControllers
        /// A pod controller's watch saw one of its pods deleted: it reconciles the workload
        /// (`Workload.id`), re-creating the pod.
        case ownedPodDeleted(String)
    }

    /// What the driver must do, in the order the control plane decided it.
    public enum Output: Sendable, Hashable {
        /// Run `step` at `time`.
        case schedule(Step, at: SimTime)
        /// The speakers' informers deliver these services now (to every running speaker).
        case deliverServices([String])
        /// The speakers' Node informers deliver this change of a Node now.
        case deliverNode(String, NodeChange)
        /// The speakers' ConfigMap informers deliver MetalLB's configuration now (v0.9.4).
        case deliverMetalLBConfig
        /// MetalLB's controller took a new pool configuration.
        case poolsInstalled([AddressPool])
        /// What MetalLB's controller holds for a service after reconciling it.
        case allocation(service: String, Assignment?)
        /// A Node's condition or taints changed, or a pod was evicted from it (as `kubectl
        /// describe node` would phrase it).
        case nodeCondition(node: String, change: String)
        /// A Kubernetes Event about a pod (FailedScheduling).
        case podEvent(pod: String, ObjectEvent)
    }

    /// What a Node update changed, for the watchers that filter on it.
    public struct NodeChange: Sendable, Hashable {
        /// Its labels.
        public var labels: Bool
        /// Its NetworkUnavailable condition.
        public var networkUnavailable: Bool
        /// Its availability to load balancers (NetworkUnavailable or the exclude label).
        public var availabilityChanged: Bool
    }

    /// How long each reaction takes.
    public struct Timing: Sendable, Hashable {
        /// From an API write to a watcher seeing it (every informer alike).
        public var watchDelay: SimDuration
        /// From a pod's creation to its readiness (plus the pod's own `readinessDelaySeconds`).
        public var podReadyDelay: SimDuration
        public var nodeLifecycle: NodeLifecycleTiming

        public init(watchDelay: SimDuration, podReadyDelay: SimDuration, nodeLifecycle: NodeLifecycleTiming) {
            self.watchDelay = watchDelay
            self.podReadyDelay = podReadyDelay
            self.nodeLifecycle = nodeLifecycle
        }
    }

    public let version: MetalLBVersion
    public let timing: Timing

    /// The API server's objects.
    public internal(set) var api = ClusterState() { didSet { revision &+= 1 } }

    /// See `ClusterState.stampHistory(before:)`.
    public mutating func stampHistory(before time: Int64) { api.stampHistory(before: time) }
    /// MetalLB's controller, once a configuration has been installed.
    public internal(set) var metallb: ServiceIPController? { didSet { revision &+= 1 } }
    /// Pools selected by some L2Advertisement (current MetalLB); nil: every layer2 pool.
    public internal(set) var advertisedPools: Set<String>? { didSet { revision &+= 1 } }
    /// The pod controllers and the workloads they keep.
    public internal(set) var workloads = WorkloadController()
    /// Kubelet heartbeats, NotReady, taints and evictions.
    public internal(set) var nodeLifecycle: NodeLifecycleController
    /// Bumped by every change of what informers can read (objects, MetalLB's assignments).
    public private(set) var revision: UInt64 = 0

    /// Draws for the API server and controllers (cluster IPs, node ports, pod names).
    var random: RandomStream
    /// The time of the entry point running now.
    var now: SimTime = .zero
    /// A reprocessing pass is scheduled and has not run yet.
    var reprocessAllPending = false
    private var outputs: [Output] = []
    private var nextOutput = 0

    public init(version: MetalLBVersion, timing: Timing, random: RandomStream) {
        self.version = version
        self.timing = timing
        self.random = random
        nodeLifecycle = NodeLifecycleController(
            gracePeriod: timing.nodeLifecycle.gracePeriod.nanoseconds,
            tolerationSeconds: timing.nodeLifecycle.tolerationSeconds.nanoseconds)
    }

    // MARK: driver surface

    /// The next thing to carry out, in decision order; nil when there is none.
    public mutating func poll() -> Output? {
        guard nextOutput < outputs.count else {
            if nextOutput > 0 {
                outputs.removeAll(keepingCapacity: true)
                nextOutput = 0
            }
            return nil
        }
        defer { nextOutput += 1 }
        return outputs[nextOutput]
    }

    /// One of the control plane's own steps came due.
    public mutating func handle(_ step: Step, now: SimTime) {
        self.now = now
        switch step {
        case .reconcileService(let key):
            reconcileWatched(key)
        case .reconcileAllServices:
            reprocessAllPending = false
            reprocessAll()
        case .serviceDeleted(let key):
            let before = metallb?.assignment(of: key)
            if metallb != nil { reconcileWithController(key) }
            emit(.allocation(service: key, metallb?.assignment(of: key)))
            after(timing.watchDelay, .deliverServices([key]))
            if metallb?.asksToReprocessAll(key, before: before, deleted: true) ?? true { reprocessAll() }
        case .deliverServices(let keys):
            emit(.deliverServices(keys))
        case .deliverNode(let name, let change):
            emit(.deliverNode(name, change))
            if version == .current && change.availabilityChanged { emit(.deliverServices(Array(api.services.keys))) }
        case .deliverMetalLBConfig:
            emit(.deliverMetalLBConfig)
        case .podStarted(let key):
            setPodReady(key, ready: true)
        case .podExited(let key, let node):
            podExited(key, movingTo: node)
        case .monitorNodeHealth:
            monitorNodeHealth()
        case .evictPods(let node, let taintedAt):
            evictPods(from: node, taintedAt: taintedAt)
        case .nodeSeenByControllers:
            reconcileDaemonSets()
            schedulePendingPods()
        case .ownedPodDeleted(let id):
            reconcileWorkload(id, startsReady: false)
        }
    }

    // MARK: helpers for the entry points

    mutating func emit(_ output: Output) { outputs.append(output) }

    mutating func after(_ delay: SimDuration, _ step: Step) { emit(.schedule(step, at: now + delay)) }

    /// MetalLB's controller handles one service; speakers see the result a watch delay later.
    /// Returns whether the controller asks to reprocess every service.
    @discardableResult
    mutating func reconcile(_ key: String) -> Bool {
        guard metallb != nil else { return false }
        let before = metallb!.assignment(of: key)
        reconcileWithController(key)
        emit(.allocation(service: key, metallb!.assignment(of: key)))
        after(timing.watchDelay, .deliverServices([key]))
        // current's controller watches its own status update and reconciles the service again;
        // that pass changes something only for requested addresses not yet in text order,
        // which `isEqualIPs` then sorts (controller/service.go).
        if version == .current, let service = api.services[key], service.ingress.count > 1,
            service.loadBalancerIP != nil || !ServiceAnnotations(service, version: version).loadBalancerIPs.isEmpty,
            service.ingress != service.ingress.sorted(by: { $0.description < $1.description })
        {
            after(timing.watchDelay, .reconcileService(key))
        }
        return metallb!.asksToReprocessAll(key, before: before, deleted: false)
    }

    /// A watched change of one Service: reconciled, and every service reprocessed a watch delay
    /// later if the controller asks (current's reload event).
    mutating func reconcileWatched(_ key: String) {
        if reconcile(key) { requestReprocessAll() }
    }

    /// Reprocesses every service. v0.9.4 goes in the API server's order; current takes the
    /// services that already have addresses first (service_controller_reload.go sorts by the
    /// number of ingress entries, most first; among equals its order is the cache's, random,
    /// so lbsim keeps creation order). A service that asks for another pass (current's retry
    /// after a reprocess) gets one a watch delay later.
    mutating func reprocessAll() {
        var keys = Array(api.services.keys)
        if version == .current {
            let counts = keys.map { api.services[$0]?.ingress.count ?? 0 }
            keys = keys.indices.sorted { counts[$0] > counts[$1] || (counts[$0] == counts[$1] && $0 < $1) }.map {
                keys[$0]
            }
        }
        var again = false
        for key in keys where api.services[key] != nil {
            if reconcile(key) && version == .current { again = true }
        }
        if again { requestReprocessAll() }
    }

    /// Schedules one reprocessing pass a watch delay from now, unless one is already due.
    mutating func requestReprocessAll() {
        guard !reprocessAllPending else { return }
        reprocessAllPending = true
        after(timing.watchDelay, .reconcileAllServices)
    }

    /// Runs MetalLB's controller on one service. The controller is moved out while it writes
    /// the Service's status, so neither value is copied.
    private mutating func reconcileWithController(_ key: String) {
        var controller = metallb!
        metallb = nil
        controller.reconcile(key, in: &api, now: now.nanoseconds)
        metallb = controller
    }
}
