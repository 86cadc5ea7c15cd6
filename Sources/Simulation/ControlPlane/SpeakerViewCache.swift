import Cluster
import Layer2

/// What every speaker reads of the API server, computed once per change instead of once per
/// speaker and service: the service views, the endpoint index and each pool's eligible nodes.
/// Any change to the cluster objects or MetalLB's controller empties it (the world's
/// `didSet` observers), so a cached view is always the view of the current state.
///
/// Election rankings (every node in hash order for an election key) depend only on the node
/// names, which never change during a run, so they stay for the whole run.
final class SpeakerViewCache {
    /// A pool's eligible nodes, and the nodes its advertisements select when that is not all.
    struct Eligible {
        var list: [String]
        var set: Set<String>
        var advertising: Set<String>?
        var interfaces: [String: Set<String>]
    }

    var views: [String: ServiceView?] = [:]
    var endpoints: EndpointIndex?
    var eligible: [String: Eligible] = [:]
    var rankings: [String: [String]] = [:]
    /// kube-proxy's rules, which change with the same objects.
    var kubeProxy = KubeProxyRules()
    /// The hosts whose Node has a control-plane role: where kubelets must reach the API server.
    var controlPlane: [NodeHost]?

    func invalidate() {
        kubeProxy.invalidate()
        controlPlane = nil
        guard !views.isEmpty || endpoints != nil || !eligible.isEmpty else { return }
        views.removeAll(keepingCapacity: true)
        endpoints = nil
        eligible.removeAll(keepingCapacity: true)
    }
}
