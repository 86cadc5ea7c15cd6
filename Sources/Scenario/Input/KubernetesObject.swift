import Cluster
import IPAM

/// A Kubernetes object from a manifest, decoded into what the simulation uses, with where it
/// was written.
public enum KubernetesObject: Sendable {
    /// MetalLB v0.9.4's ConfigMap `metallb-system/config`.
    case metalLBConfigMap(pools: [LocatedPool])
    /// metallb.io/v1beta1 IPAddressPool.
    case ipAddressPool(LocatedPool)
    /// metallb.io/v1beta1 L2Advertisement.
    case l2Advertisement(L2Advertisement)
    case service(Service)
    case pod(Pod)
    /// A Deployment, ReplicaSet, StatefulSet or DaemonSet.
    case workload(Workload)
    /// v1/Node: labels to merge into the scenario's node of that name, and its taints and
    /// cordon when the manifest says (nil: unchanged).
    case node(name: String, labels: [String: String], taints: [Taint]?, unschedulable: Bool?)
    case namespace(name: String, labels: [String: String])
    /// v1/Endpoints of the Service `service` (`namespace/name`), as written.
    case endpoints(service: String, [ManualEndpoint], skipMirror: Bool)
    /// discovery.k8s.io/v1 EndpointSlice `name` of the Service `service`.
    case endpointSlice(service: String, name: String, [ManualEndpoint])
}

/// A decoded object and its location (for errors found later, such as a pod on an unknown node).
public struct LocatedObject: Sendable {
    public var object: KubernetesObject
    public var location: SourceLocation
    public var kind: String
    public var name: String
    /// Where particular fields were written (`spec.nodeName`), for errors found later.
    public var fieldLocations: [String: SourceLocation] = [:]
}

/// Something lbsim accepted but wants the user to know about (an unknown kind it skipped).
public struct ScenarioWarning: Sendable, Hashable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String
    public var description: String { "\(location): warning: \(message)" }
}
