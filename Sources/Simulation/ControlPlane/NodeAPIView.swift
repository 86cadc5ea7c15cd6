import Cluster
import Engine
import Layer2
import OrderedCollections
import Speaker

/// What one node's processes last read from the API server while the node cannot reach it.
///
/// Each process on a node (the speaker's informers, kube-proxy) reads the API server through
/// its own watch. client-go's informers keep their cache when the watch breaks and re-list when
/// they reconnect (tools/cache/reflector.go, `ListAndWatch`); kube-proxy keeps the rules it
/// last programmed. So a node cut off from every control-plane node goes on acting on the state
/// it last saw: a speaker keeps announcing an address whose pod Kubernetes has since marked
/// NotReady, and kube-proxy keeps forwarding to it. A node that boots while cut off has never
/// listed anything: its processes start from an empty view.
struct NodeAPIView {
    /// When the node lost the API server.
    var since: SimTime
    /// The API objects as they were then (a copy: `ClusterState` is a value).
    var api: ClusterState
    /// The services as the node's speaker had been delivered them.
    var informer: OrderedDictionary<String, ServiceView>
    /// kube-proxy's rules over `api`, built on first use.
    var rules = KubeProxyRules()
}

/// A node lost or regained the API server (see `NodeAPIView`).
public struct APIViewRecord: Sendable, Hashable {
    public enum Change: String, Sendable {
        /// Every control-plane node is out of reach: the node's processes keep their last view.
        case cutOff
        /// Reconnected: the informers re-listed and kube-proxy re-synced.
        case relisted
    }

    public var time: SimTime
    public var node: String
    public var change: Change
}
