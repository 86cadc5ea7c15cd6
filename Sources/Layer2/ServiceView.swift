import Wire

/// What one speaker knows about a service when it syncs it: the Service's type and status, the
/// pool its address falls in, and the nodes that hold a ready endpoint, all from that speaker's
/// own (possibly stale) watch of the API server.
public struct ServiceView: Sendable, Hashable {
    /// `namespace/name`.
    public var name: String
    public var isLoadBalancer: Bool
    /// `status.loadBalancer.ingress[].ip`: one address, or one per family for dual-stack.
    public var ingress: [IPAddress]
    /// How the pool that contains the address is announced, or nil when no pool does.
    public var poolProtocol: PoolAnnouncement?

    /// How a service's pool is announced, as the speaker's config shows it.
    public enum PoolAnnouncement: String, Sendable, Hashable {
        /// In layer2: this speaker elects and answers ARP/NDP.
        case layer2
        /// By BGP: not this speaker's business in layer2 mode.
        case bgp
        /// current: a layer2 pool that no L2Advertisement selects: nobody announces it.
        case notAdvertised
    }
    /// current: some endpoint can serve that names no node (a selectorless Service's
    /// hand-written address): an active endpoint for `activeEndpointExists`, though no node
    /// holds it.
    public var activeEndpointOnNoNode = false
    /// current's `activeEndpointExists` (speaker/layer2_controller.go).
    public var hasActiveEndpoint: Bool { !readyEndpointNodes.isEmpty || activeEndpointOnNoNode }
    /// Nodes with a ready endpoint of the service (Endpoints `subsets[].addresses[].nodeName`).
    public var readyEndpointNodes: [String] { didSet { readyEndpointNodeSet = Set(readyEndpointNodes) } }
    /// externalTrafficPolicy Local: only nodes with a local endpoint may announce (current).
    public var externalTrafficPolicyLocal: Bool
    /// Nodes current MetalLB may elect at all: every Node minus those labelled
    /// `node.kubernetes.io/exclude-from-external-load-balancers` or NetworkUnavailable.
    public var eligibleNodes: [String] { didSet { eligibleNodeSet = Set(eligibleNodes) } }
    /// Every node name in election order for this service's key (`Election.order` over all
    /// nodes), when the driver has it at hand: the winner is then the first candidate in it,
    /// which is the same node `Election.winner` picks from the candidates, found without
    /// hashing. A simulator with a thousand services and two hundred speakers needs that.
    public var ranking: [String]?
    /// current: the nodes some L2Advertisement selecting this service's pool matches (nil:
    /// every node, as in v0.9.4). A speaker on another node does not even take part
    /// (`noMatchingAdvertisement`).
    public var advertisingNodes: Set<String>?
    /// current: per node, the interfaces the L2Advertisements selecting the pool and that node
    /// allow; a node not listed announces on all of its interfaces.
    public var announceInterfaces: [String: Set<String>] = [:]
    /// current: each node's score from the advertisements' `preferredNodeSelectors` (nil:
    /// none). The election ranks higher scores first and breaks ties by the hash
    /// (speaker/layer2_controller.go, `sortL2Candidates`); a driver's `ranking` already does.
    public var preferenceScores: [String: Int64]?
    /// current: the service asks to share its address (`allow-shared-ip`) while an
    /// advertisement that applies to it has `serviceSelectors`: MetalLB refuses to announce it
    /// anywhere (`sharedIPWithServiceSelector`).
    public var sharedIPWithServiceSelector = false
    /// The same nodes as sets, for membership tests while walking the ranking.
    public private(set) var eligibleNodeSet: Set<String>
    public private(set) var readyEndpointNodeSet: Set<String>

    /// An IPv4-only service.
    public init(
        name: String, isLoadBalancer: Bool, ingress: [IPv4Address], poolProtocol: PoolAnnouncement?,
        readyEndpointNodes: [String], externalTrafficPolicyLocal: Bool = false, eligibleNodes: [String] = [],
        ranking: [String]? = nil
    ) {
        self.init(
            name: name, isLoadBalancer: isLoadBalancer, ingress: ingress.map(IPAddress.v4), poolProtocol: poolProtocol,
            readyEndpointNodes: readyEndpointNodes, externalTrafficPolicyLocal: externalTrafficPolicyLocal,
            eligibleNodes: eligibleNodes, ranking: ranking)
    }

    public init(
        name: String, isLoadBalancer: Bool, ingress: [IPAddress], poolProtocol: PoolAnnouncement?,
        readyEndpointNodes: [String], externalTrafficPolicyLocal: Bool = false, eligibleNodes: [String] = [],
        ranking: [String]? = nil
    ) {
        self.init(
            name: name, isLoadBalancer: isLoadBalancer, ingress: ingress, poolProtocol: poolProtocol,
            readyEndpointNodes: readyEndpointNodes, externalTrafficPolicyLocal: externalTrafficPolicyLocal,
            eligibleNodes: eligibleNodes, eligibleNodeSet: Set(eligibleNodes), ranking: ranking)
    }

    /// Shares one set of eligible nodes among the views of a batch (they are the same for
    /// every service of a pool).
    public init(
        name: String, isLoadBalancer: Bool, ingress: [IPAddress], poolProtocol: PoolAnnouncement?,
        readyEndpointNodes: [String], externalTrafficPolicyLocal: Bool, eligibleNodes: [String],
        eligibleNodeSet: Set<String>, ranking: [String]?
    ) {
        self.name = name
        self.isLoadBalancer = isLoadBalancer
        self.ingress = ingress
        self.poolProtocol = poolProtocol
        self.readyEndpointNodes = readyEndpointNodes
        self.externalTrafficPolicyLocal = externalTrafficPolicyLocal
        self.eligibleNodes = eligibleNodes
        self.ranking = ranking
        self.eligibleNodeSet = eligibleNodeSet
        readyEndpointNodeSet = Set(readyEndpointNodes)
    }
}
