/// An apps/v1 Deployment: a number of identical pods that the scheduler places.
public struct Deployment: Sendable, Hashable {
    public var meta: ObjectMeta
    public var replicas: Int
    public var selector: LabelSelector
    /// `spec.template.metadata.labels`.
    public var podLabels: [String: String]
    /// `spec.template.spec.nodeSelector` (and `nodeName`, as `kubernetes.io/hostname`).
    public var nodeSelector: [String: String]
    /// The readiness probe's `initialDelaySeconds`.
    public var readinessDelaySeconds: Int

    public init(
        meta: ObjectMeta, replicas: Int, selector: LabelSelector, podLabels: [String: String],
        nodeSelector: [String: String], readinessDelaySeconds: Int
    ) {
        self.meta = meta
        self.replicas = replicas
        self.selector = selector
        self.podLabels = podLabels
        self.nodeSelector = nodeSelector
        self.readinessDelaySeconds = readinessDelaySeconds
    }

    /// The ReplicaSet's pod-template-hash, stable for a given deployment name.
    public var templateHash: String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in meta.key.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return Scheduler.suffix(hash, length: 10)
    }
}
