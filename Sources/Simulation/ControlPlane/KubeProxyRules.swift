import Cluster
import Wire

/// What kube-proxy's iptables rules hold, as every node programs them from the API server:
/// for each LoadBalancer ingress address, the services behind it, and for each service its
/// Ready endpoints in the API server's pod order. Built on first use after a change of the
/// cluster objects (the world empties it with the speakers' view cache), so a stream of SYN
/// probes does not scan every service and pod per packet. The endpoints are
/// `ClusterState.readyEndpoints(of:)`, kept per service.
struct KubeProxyRules {
    /// Ingress address (either family) -> LoadBalancer service keys, in the API server's
    /// service order.
    private var byIngress: [IPAddress: [String]]?
    private var endpoints: [String: [Pod]] = [:]
    /// Each service's terminating pods that still serve, for today's fallback.
    private var terminatingEndpoints: [String: [Pod]] = [:]

    mutating func invalidate() {
        byIngress = nil
        endpoints.removeAll(keepingCapacity: true)
        terminatingEndpoints.removeAll(keepingCapacity: true)
    }

    /// The LoadBalancer service that owns `ip` and exposes `port`/`protocol`, if any.
    mutating func service(
        forIngress ip: IPAddress, port: Int, protocol proto: String,
        in cluster: ClusterState
    ) -> Service? {
        if byIngress == nil {
            var index: [IPAddress: [String]] = [:]
            for service in cluster.services.values where service.type == .loadBalancer {
                for address in service.ingress { index[address, default: []].append(service.key) }
            }
            byIngress = index
        }
        for key in byIngress?[ip] ?? [] {
            if let service = cluster.services[key],
                service.ports.contains(where: { $0.port == port && $0.protocol == proto })
            {
                return service
            }
        }
        return nil
    }

    /// The Ready pods behind `service` (only those on `node` when given), in pod order.
    /// A selectorless Service's are its hand-written endpoints (`ClusterState.manualBackends`),
    /// from EndpointSlices (`fromSlices`, today's kube-proxy) or Endpoints (v0.9.4's era).
    mutating func readyEndpoints(
        of service: Service, onNode node: String?, in cluster: ClusterState, fromSlices: Bool
    ) -> [Pod] {
        let all: [Pod]
        if let cached = endpoints[service.key] {
            all = cached
        } else {
            all =
                service.isSelectorless
                ? cluster.manualBackends(of: service, fromSlices: fromSlices) : cluster.readyEndpoints(of: service)
            endpoints[service.key] = all
        }
        let scoped = node.map { node in all.filter { $0.nodeName == node } } ?? all
        // Today's kube-proxy falls back to terminating endpoints that still serve when none is
        // ready (KEP-1669, ProxyTerminatingEndpoints); v0.9.4's era read Endpoints, which
        // have none.
        guard scoped.isEmpty, fromSlices, !service.isSelectorless else { return scoped }
        if terminatingEndpoints[service.key] == nil {
            terminatingEndpoints[service.key] = cluster.readyEndpoints(of: service, terminating: true)
        }
        let terminating = terminatingEndpoints[service.key]!
        return node.map { node in terminating.filter { $0.nodeName == node } } ?? terminating
    }
}
