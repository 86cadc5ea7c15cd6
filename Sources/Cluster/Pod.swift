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
