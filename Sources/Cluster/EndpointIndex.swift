/// Which nodes hold a Ready endpoint of each service, for many services at once: the Ready
/// pods indexed by namespace and label, so a service's selector looks at the pods carrying
/// one of its labels instead of at every pod. The same answer as
/// `ClusterState.nodesWithReadyEndpoints(of:)`, which a cluster of thousands of pods and a
/// thousand services cannot afford per service.
public struct EndpointIndex: Sendable {
    private var readyPods: [Pod] = []
    /// `namespace` + NUL + `key=value` -> positions in `readyPods`.
    private var byLabel: [String: [Int]] = [:]
    /// Node name -> its position in the API server's node order.
    private var nodeOrder: [String: Int] = [:]

    /// `servingTerminating`: whether a terminating pod that is still Ready counts, as it does
    /// for EndpointSlice readers (current MetalLB's `EndpointCanServe` takes `serving`); the
    /// Endpoints API (v0.9.4) leaves terminating pods out.
    public init(_ cluster: ClusterState, servingTerminating: Bool = false) {
        for (position, name) in cluster.nodes.keys.enumerated() { nodeOrder[name] = position }
        for pod in cluster.pods.values
        where pod.ready && pod.nodeName != nil && (servingTerminating || !pod.terminating) {
            let position = readyPods.count
            readyPods.append(pod)
            for (key, value) in pod.meta.labels {
                byLabel[Self.labelKey(pod.meta.namespace, key, value), default: []].append(position)
            }
        }
    }

    private static func labelKey(_ namespace: String, _ key: String, _ value: String) -> String {
        namespace + "\u{0}" + key + "=" + value
    }

    /// The nodes holding a Ready pod selected by `service`, in node creation order.
    public func nodesWithReadyEndpoints(of service: Service) -> [String] {
        // Any one of the selector's labels narrows the search; the full selector decides.
        guard let (key, value) = service.selector.matchLabels.min(by: { $0.key < $1.key }),
            let positions = byLabel[Self.labelKey(service.meta.namespace, key, value)]
        else { return [] }
        var nodes: Set<String> = []
        for position in positions {
            let pod = readyPods[position]
            if service.selector.matches(pod.meta.labels), service.resolvesAnyPort(on: pod), let node = pod.nodeName {
                nodes.insert(node)
            }
        }
        // Endpoints name only nodes the API server knows.
        return nodes.compactMap { node in nodeOrder[node].map { (node, $0) } }.sorted { $0.1 < $1.1 }.map(\.0)
    }
}
