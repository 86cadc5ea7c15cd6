import Cluster

/// The kinds of object a timeline `delete` can remove, spelt as in the YAML (`kind: Service`).
///
/// An enum rather than the written string, so that every place that acts on a delete (running
/// it, replaying the pool configuration for validation, labelling it in timeline.svg) must
/// handle every kind, and a kind the loader accepts cannot fall through a `default:` unhandled.
public enum DeletableKind: String, Sendable, Hashable, CaseIterable {
    case service = "Service"
    case pod = "Pod"
    case deployment = "Deployment"
    case replicaSet = "ReplicaSet"
    case statefulSet = "StatefulSet"
    case daemonSet = "DaemonSet"
    case ipAddressPool = "IPAddressPool"
    case l2Advertisement = "L2Advertisement"
    case configMap = "ConfigMap"
    case namespace = "Namespace"
}

extension DeletableKind {
    /// The pod controller of this kind, if it is one.
    public var workloadKind: Workload.Kind? { Workload.Kind(rawValue: rawValue) }
}
