/// What a pod controller's pods are made from: `spec.template`.
public struct PodTemplate: Sendable, Hashable {
    /// `metadata.labels`.
    public var labels: [String: String]
    /// `spec.nodeSelector` (and `spec.nodeName`, as `kubernetes.io/hostname`).
    public var nodeSelector: [String: String]
    /// `spec.tolerations`.
    public var tolerations: [Toleration]
    /// The readiness probe's `initialDelaySeconds`.
    public var readinessDelaySeconds: Int
    /// The containers' declared ports.
    public var containerPorts: [ContainerPort]
    /// Required node affinity terms.
    public var nodeAffinity: [NodeSelectorTerm] = []
    /// Graceful termination (grace period, preStop sleep).
    public var termination = PodTermination()

    public init(
        labels: [String: String], nodeSelector: [String: String] = [:], tolerations: [Toleration] = [],
        readinessDelaySeconds: Int = 0, containerPorts: [ContainerPort] = []
    ) {
        self.labels = labels
        self.nodeSelector = nodeSelector
        self.tolerations = tolerations
        self.readinessDelaySeconds = readinessDelaySeconds
        self.containerPorts = containerPorts
    }
}

/// An apps/v1 pod controller: a Deployment (through its ReplicaSet), a bare ReplicaSet, a
/// StatefulSet or a DaemonSet. What differs between them is how many pods they want, where,
/// and what the pods are called; `WorkloadController` holds those rules.
public struct Workload: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case deployment = "Deployment"
        case replicaSet = "ReplicaSet"
        case statefulSet = "StatefulSet"
        case daemonSet = "DaemonSet"
    }

    /// A StatefulSet's `spec.podManagementPolicy`.
    public enum PodManagementPolicy: String, Sendable, Hashable {
        /// Pods are created in ordinal order, each once the one before it is Running and Ready.
        case orderedReady = "OrderedReady"
        /// Pods are created and deleted all at once.
        case parallel = "Parallel"
    }

    public var kind: Kind
    public var meta: ObjectMeta
    /// `spec.replicas` (a DaemonSet has none: one pod per eligible node).
    public var replicas: Int
    public var selector: LabelSelector
    public var template: PodTemplate
    public var podManagementPolicy: PodManagementPolicy

    public init(
        kind: Kind, meta: ObjectMeta, replicas: Int = 1, selector: LabelSelector, template: PodTemplate,
        podManagementPolicy: PodManagementPolicy = .orderedReady
    ) {
        self.kind = kind
        self.meta = meta
        self.replicas = replicas
        self.selector = selector
        self.template = template
        self.podManagementPolicy = podManagementPolicy
    }

    /// `Kind/namespace/name`: unique across kinds (a Deployment and a StatefulSet may share a
    /// name), and what its pods name as their owner.
    public var id: String { Self.id(kind, meta.key) }

    public static func id(_ kind: Kind, _ key: String) -> String { "\(kind.rawValue)/\(key)" }

    /// The Deployment's pod-template-hash (its ReplicaSet's name suffix), stable for a given
    /// deployment name.
    public var templateHash: String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in meta.key.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return Scheduler.suffix(hash, length: 10)
    }

    /// What its pods ask of their node.
    public var podRequirements: Scheduler.Requirements {
        Scheduler.Requirements(
            nodeSelector: template.nodeSelector, tolerations: podTolerations, nodeAffinity: template.nodeAffinity)
    }

    /// The tolerations its pods carry: a daemon pod also gets the DaemonSet controller's.
    public var podTolerations: [Toleration] {
        guard kind == .daemonSet else { return template.tolerations }
        return template.tolerations + Toleration.daemonPodDefaults.filter { !template.tolerations.contains($0) }
    }

    /// Whether this is MetalLB's speaker DaemonSet: in `metallb-system`, its pods labelled
    /// `component: speaker` (MetalLB's manifests) or `app.kubernetes.io/component: speaker`
    /// (its Helm chart). Its pods are where speaker processes run.
    public var isMetalLBSpeaker: Bool {
        kind == .daemonSet && meta.namespace == "metallb-system"
            && (template.labels["component"] == "speaker"
                || template.labels["app.kubernetes.io/component"] == "speaker")
    }

    /// The label the StatefulSet controller puts on each pod, naming it (so a Service can
    /// select one replica).
    public static let statefulSetPodNameLabel = "statefulset.kubernetes.io/pod-name"
}
