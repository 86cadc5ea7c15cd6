/// A Pod: where it runs and whether it is Ready (only Ready pods are endpoints).
public struct Pod: Sendable, Hashable {
    public var meta: ObjectMeta
    /// `spec.nodeName`: set by the manifest or by the scheduler.
    public var nodeName: String?
    /// The Ready condition. A new pod turns Ready after its start-up delay.
    public var ready: Bool
    /// The pod's own IP, shown in endpoint listings. Deterministic, from the pod network.
    public var podIP: String?
    /// The readiness probe's `initialDelaySeconds`: added to the start-up delay whenever the
    /// pod is (re-)created.
    public var readinessDelaySeconds: Int
    /// `spec.tolerations` (a daemon pod's include the DaemonSet controller's defaults).
    public var tolerations: [Toleration] = []
    /// The workload that created it (its controller ownerReference), as `Workload.id`.
    public var owner: String?
    /// Its containers' declared ports: what a Service's named `targetPort` resolves against.
    public var containerPorts: [ContainerPort] = []
    /// How long the pod takes to go once deleted.
    public var termination = PodTermination()
    /// Deleted (it has a `deletionTimestamp`) and still running until it exits: a terminating
    /// endpoint. EndpointSlices show it `ready: false`, `serving` as its Ready condition,
    /// `terminating: true`; Endpoints leave it out.
    public var terminating = false

    public init(
        meta: ObjectMeta, nodeName: String?, ready: Bool, podIP: String? = nil, readinessDelaySeconds: Int = 0,
        tolerations: [Toleration] = [], owner: String? = nil
    ) {
        self.meta = meta
        self.nodeName = nodeName
        self.ready = ready
        self.podIP = podIP
        self.readinessDelaySeconds = readinessDelaySeconds
        self.tolerations = tolerations
        self.owner = owner
    }

    public var key: String { meta.key }
}

/// A pod's graceful termination: on deletion the kubelet runs the containers' preStop hooks
/// and then sends SIGTERM, and kills whatever still runs when `terminationGracePeriodSeconds`
/// is up (pkg/kubelet/kuberuntime/kuberuntime_container.go, `killContainer`). lbsim's
/// containers exit on SIGTERM at once, so a pod goes after its longest preStop sleep, at most
/// the grace period.
public struct PodTermination: Sendable, Hashable {
    /// `spec.terminationGracePeriodSeconds` (Kubernetes' default: 30).
    public var gracePeriodSeconds: Int
    /// The longest `lifecycle.preStop` sleep among the containers.
    public var preStopSeconds: Int

    public init(gracePeriodSeconds: Int = 30, preStopSeconds: Int = 0) {
        self.gracePeriodSeconds = gracePeriodSeconds
        self.preStopSeconds = preStopSeconds
    }

    /// Seconds from deletion to the pod's exit.
    public var exitSeconds: Int { min(preStopSeconds, gracePeriodSeconds) }
}

/// One `spec.containers[].ports[]` entry.
public struct ContainerPort: Sendable, Hashable {
    public var name: String?
    public var containerPort: Int
    public var `protocol`: String

    public init(name: String?, containerPort: Int, protocol: String = "TCP") {
        self.name = name
        self.containerPort = containerPort
        self.protocol = `protocol`
    }
}
