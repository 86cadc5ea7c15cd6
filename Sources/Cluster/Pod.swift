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
