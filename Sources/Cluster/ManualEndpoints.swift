import OrderedCollections
import Wire

/// One address of a Service's hand-written endpoints: an `addresses` (or `notReadyAddresses`)
/// entry of a v1 Endpoints object, or an endpoint of an EndpointSlice.
public struct ManualEndpoint: Sendable, Hashable {
    public var address: IPAddress
    /// `nodeName` as written: MetalLB reads it to find the node that holds the endpoint; an
    /// address without one belongs to no node.
    public var nodeName: String?
    /// Endpoints: in `addresses` (true) or `notReadyAddresses`; EndpointSlice:
    /// `conditions.ready` (absent: true, as the API documents).
    public var ready: Bool
    /// EndpointSlice `conditions.serving` (absent: the same as ready).
    public var serving: Bool
    /// The ports listed with it.
    public var ports: [Port]

    /// An Endpoints subset's or EndpointSlice's `ports[]` entry.
    public struct Port: Sendable, Hashable {
        /// "" for an unnamed port, which matches a Service's unnamed port.
        public var name: String
        public var port: Int
        public var `protocol`: String

        public init(name: String, port: Int, protocol: String = "TCP") {
            self.name = name
            self.port = port
            self.protocol = `protocol`
        }
    }

    public init(address: IPAddress, nodeName: String?, ready: Bool, serving: Bool? = nil, ports: [Port]) {
        self.address = address
        self.nodeName = nodeName
        self.ready = ready
        self.serving = serving ?? ready
        self.ports = ports
    }

    /// current MetalLB's `EndpointCanServe` (internal/k8s/epslices/endpoint_slices.go): ready,
    /// or at least serving.
    public var canServe: Bool { ready || serving }
}

/// The endpoints users wrote for Services without a selector, which Kubernetes' endpoints
/// controllers leave alone (pkg/controller/endpoint and endpointslice skip a Service whose
/// selector is nil).
///
/// Readers differ by era: MetalLB v0.9.4 and the kube-proxy of its time read v1 Endpoints;
/// current MetalLB and kube-proxy read EndpointSlices, which hold the hand-written slices
/// (labelled `kubernetes.io/service-name`) plus, for each Endpoints object, the slice the
/// EndpointSlice mirroring controller makes of it (pkg/controller/endpointslicemirroring).
public struct ManualEndpoints: Sendable, Hashable {
    /// v1 Endpoints, by `namespace/name` (the Service's key).
    public var endpoints: OrderedDictionary<String, [ManualEndpoint]> = [:]
    /// Whether an Endpoints object opts out of mirroring (label
    /// `endpointslice.kubernetes.io/skip-mirror: "true"`).
    public var skipMirror: Set<String> = []
    /// EndpointSlices by the Service key they name, then by slice name.
    public var slices: OrderedDictionary<String, OrderedDictionary<String, [ManualEndpoint]>> = [:]

    public init() {}

    /// The endpoints of Service `key` as `slices` (current) or `endpoints` (v0.9.4) readers
    /// see them.
    public func of(_ key: String, fromSlices: Bool) -> [ManualEndpoint] {
        guard fromSlices else { return endpoints[key] ?? [] }
        let mirrored = skipMirror.contains(key) ? [] : endpoints[key] ?? []
        return mirrored + (slices[key]?.values.flatMap { $0 } ?? [])
    }

    public var isEmpty: Bool { endpoints.isEmpty && slices.isEmpty }
}

extension Service {
    /// A Service without a selector (absent or empty, which the API server stores alike): its
    /// endpoints are whatever Endpoints and EndpointSlices users write for it.
    public var isSelectorless: Bool { selector.matchLabels.isEmpty }
}

extension ClusterState {
    /// What MetalLB reads of a selectorless Service's endpoints: the nodes named by those that
    /// count (v0.9.4's `usableNodes`: Endpoints `addresses` with a `nodeName`; current's
    /// `EndpointCanServe` over EndpointSlices), in node order, and whether one that counts
    /// names no node (current's `activeEndpointExists` takes it).
    public func manualEndpointNodes(of service: Service, fromSlices: Bool) -> (nodes: [String], activeOnNoNode: Bool) {
        let counted = manualEndpoints.of(service.key, fromSlices: fromSlices).filter {
            fromSlices ? $0.canServe : $0.ready
        }
        let named = Set(counted.compactMap(\.nodeName))
        return (nodes.keys.filter { named.contains($0) }, fromSlices && counted.contains { $0.nodeName == nil })
    }

    /// kube-proxy's backends for a selectorless Service: its ready endpoints, each as a stand-in
    /// Pod on the node that answers for the address (the node whose InternalIP it is, else the
    /// node the endpoint names; the scenario loader refuses any other address), with the
    /// endpoint's ports as container ports. kube-proxy of v0.9.4's era read Endpoints;
    /// today's reads EndpointSlices.
    public func manualBackends(of service: Service, fromSlices: Bool) -> [Pod] {
        manualEndpoints.of(service.key, fromSlices: fromSlices).filter(\.ready).map { endpoint in
            let host =
                nodes.values.first { node in endpoint.address == .v4(node.internalIP) }?.name ?? endpoint.nodeName
            var pod = Pod(
                meta: ObjectMeta(name: endpoint.address.description, namespace: service.meta.namespace),
                nodeName: host, ready: true, podIP: endpoint.address.description)
            pod.containerPorts = endpoint.ports.map {
                ContainerPort(name: $0.name, containerPort: $0.port, protocol: $0.protocol)
            }
            return pod
        }
    }
}
