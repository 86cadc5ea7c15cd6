import IPAM
import OrderedCollections
import Wire

/// What the API server holds: nodes, pods and services, in the order they were created.
///
/// Ordered dictionaries, never plain ones, wherever iteration order can reach an output:
/// same scenario, same seed, same bytes.
public struct ClusterState: Sendable {
    public var nodes: OrderedDictionary<String, Node> = [:]
    public var pods: OrderedDictionary<String, Pod> = [:]
    public var services: OrderedDictionary<String, Service> = [:]
    /// MetalLB's own configuration objects.
    public var metallb = MetalLBResources()
    /// Hand-written Endpoints and EndpointSlices of selectorless Services.
    public var manualEndpoints = ManualEndpoints()
    /// Namespace labels by name (`v1/Namespace` objects), for pools' `namespaceSelectors`.
    public var namespaces: OrderedDictionary<String, [String: String]> = [:]
    /// Events per service key, in emission order.
    public var events: OrderedDictionary<String, [ObjectEvent]> = [:]
    /// Events per pod key (FailedScheduling), in emission order.
    public var podEvents: OrderedDictionary<String, [ObjectEvent]> = [:]
    /// What MetalLB's controller said about configurations it refused (v0.9.4 keeps the old
    /// one), in order: no Service owns these, so they are not Service events.
    public var configRejections: [ConfigRejection] = []
    /// Pod IPs handed out so far (the next one is the pod network's next address).
    public var podIPsIssued = 0

    public init() {}

    /// A warm start's history is over at `time`: events and refusals from before it keep
    /// their place in order but are stamped `time`, as the state a run begins from.
    public mutating func stampHistory(before time: Int64) {
        func stamped(_ events: [ObjectEvent]) -> [ObjectEvent] {
            events.map {
                var event = $0
                event.time = max(event.time, time)
                return event
            }
        }
        for key in events.keys { events[key] = stamped(events[key]!) }
        for key in podEvents.keys { podEvents[key] = stamped(podEvents[key]!) }
        configRejections = configRejections.map { ConfigRejection(time: max($0.time, time), message: $0.message) }
    }

    /// The nodes that hold a Ready pod selected by `service`: the v0.9.4 speaker's candidates
    /// (Endpoints `subsets[].addresses` with a nodeName), in node creation order.
    public func nodesWithReadyEndpoints(of service: Service) -> [String] {
        var result: OrderedSet<String> = []
        for pod in pods.values
        where pod.meta.namespace == service.meta.namespace
            && pod.ready && !pod.terminating && service.selector.matches(pod.meta.labels)
            && service.resolvesAnyPort(on: pod)
        {
            if let node = pod.nodeName { result.append(node) }
        }
        return nodes.keys.filter { result.contains($0) }
    }

    /// The Ready pods backing `service`, in creation order: the endpoints kube-proxy
    /// load-balances over. A terminating pod is not one (`terminating: true` to get those
    /// instead: the ones still serving).
    public func readyEndpoints(of service: Service, terminating: Bool = false) -> [Pod] {
        pods.values.filter { pod in
            pod.meta.namespace == service.meta.namespace && pod.ready && pod.terminating == terminating
                && service.selector.matches(pod.meta.labels) && service.resolvesAnyPort(on: pod)
        }
    }

    /// The namespaces' labels as the allocator takes them.
    public var namespaceLabels: [String: [String: String]] {
        Dictionary(uniqueKeysWithValues: namespaces.map { ($0.key, $0.value) })
    }

    public mutating func record(_ event: ObjectEvent, for service: String) {
        events[service, default: []].append(event)
    }
}
