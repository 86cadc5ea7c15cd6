import Cluster
import IPAM

/// Cross-checks that need the whole scenario: names that refer to nodes, pods, deployments and
/// services exist, and the MetalLB configuration matches the version.
enum ScenarioValidator {
    /// Pools from several objects (IPAddressPools in different files, say) must not clash
    /// either: MetalLB validates the whole configuration, not object by object. Every state
    /// the timeline's applies and deletes lead to is checked, in order.
    static func checkPools(_ manifests: [LocatedObject], timeline: [TimelineEntry]) throws(ScenarioError) {
        var configMap: [LocatedPool]?
        var crs: [LocatedPool] = []
        func current() -> [LocatedPool] { configMap ?? crs.sorted { $0.pool.name < $1.pool.name } }
        func absorb(_ objects: [LocatedObject]) throws(ScenarioError) {
            for object in objects {
                switch object.object {
                case .metalLBConfigMap(let newPools): configMap = newPools
                case .ipAddressPool(let pool):
                    crs.removeAll { $0.pool.name == pool.pool.name }
                    crs.append(pool)
                default: continue
                }
                try LocatedPool.check(current())
            }
        }
        try absorb(manifests)
        for entry in timeline {
            switch entry.action {
            case .apply(let objects): try absorb(objects)
            case .delete(.ipAddressPool, let name, _): crs.removeAll { $0.pool.name == name }
            case .delete(.configMap, _, _): configMap = configMap.map { _ in [] }
            default: continue
            }
        }
    }

    /// A timeline reference to a namespaced object: `namespace/name`, or a bare name meaning
    /// `default/name`, as kubectl's default namespace does. One that names nothing is refused,
    /// pointing at the same name in another namespace when there is one (never a no-op).
    static func resolve(
        _ reference: String, kind: String, in keys: Set<String>, action: String, at location: SourceLocation,
        suffix: String = ""
    ) throws(ScenarioError) {
        let key = ScenarioWorld.objectKey(reference)
        guard !keys.contains(key) else { return }
        let name = key.split(separator: "/", maxSplits: 1).last.map(String.init) ?? key
        let elsewhere = keys.filter { $0.hasSuffix("/" + name) }.sorted()
        let hint = elsewhere.isEmpty ? "" : " (did you mean \(elsewhere.joined(separator: " or "))?)"
        throw ScenarioError(location, "\(action): no \(kind) \(key)\(suffix)\(hint)")
    }

    /// Hand-written endpoints: the addresses of a selectorless Service's Endpoints and
    /// EndpointSlices must be something the scenario models, a node (its address, or one the
    /// endpoint names); a hand-written EndpointSlice beside the controller's for a Service
    /// with a selector is refused (kube-proxy and MetalLB would use both).
    static func checkManualEndpoints(_ scenario: Scenario) throws(ScenarioError) {
        let everything =
            scenario.manifests
            + scenario.timeline.flatMap { entry -> [LocatedObject] in
                if case .apply(let objects) = entry.action { return objects }
                return []
            }
        var selectorless: [String: Bool] = [:]
        for object in everything {
            if case .service(let service) = object.object { selectorless[service.key] = service.isSelectorless }
        }
        let nodes = scenario.world.nodes
        func checkAddresses(_ endpoints: [ManualEndpoint], of object: LocatedObject) throws(ScenarioError) {
            for (index, endpoint) in endpoints.enumerated() {
                let location = object.fieldLocations["address \(index)"] ?? object.location
                if let name = endpoint.nodeName, !nodes.contains(where: { $0.name == name }) {
                    throw ScenarioError(
                        location,
                        "\(object.kind) \(object.name): endpoint \(endpoint.address) is on node \"\(name)\", which the scenario does not declare (nodes: \(nodes.map(\.name).joined(separator: ", ")))"
                    )
                }
                let isNodeAddress = nodes.contains { endpoint.address == .v4($0.ip) }
                guard isNodeAddress || endpoint.nodeName != nil else {
                    throw ScenarioError(
                        location,
                        "\(object.kind) \(object.name): endpoint \(endpoint.address) is neither a node's address nor on a named node (nodeName); backends outside the cluster are not simulated"
                    )
                }
            }
        }
        for object in everything {
            switch object.object {
            case .endpoints(let service, let endpoints, _) where selectorless[service] == true:
                try checkAddresses(endpoints, of: object)
            case .endpointSlice(let service, _, let endpoints):
                if selectorless[service] == false {
                    throw ScenarioError(
                        object.location,
                        "EndpointSlice \(object.name): Service \(service) has a selector, so Kubernetes makes its EndpointSlices; a hand-written one beside them is not simulated"
                    )
                }
                if selectorless[service] == true { try checkAddresses(endpoints, of: object) }
            default:
                continue
            }
        }
    }

    static func validate(_ scenario: Scenario) throws(ScenarioError) {
        try checkManualEndpoints(scenario)
        let nodes = Set(scenario.world.nodes.map(\.name))
        var pods = Set<String>()
        /// Workloads by kind, as `namespace/name`.
        var workloads: [Workload.Kind: Set<String>] = [:]
        var services = Set<String>()
        var nodePorts: [Int: String] = [:]

        func check(_ object: LocatedObject) throws(ScenarioError) {
            switch object.object {
            case .pod(let pod):
                if let node = pod.nodeName, !nodes.contains(node) {
                    throw ScenarioError(
                        object.fieldLocations["spec.nodeName"] ?? object.location,
                        "Pod \(pod.key) is on node \"\(node)\", which the scenario does not declare (nodes: \(scenario.world.nodes.map(\.name).joined(separator: ", ")))"
                    )
                }
                pods.insert(pod.key)
            case .workload(let workload):
                workloads[workload.kind, default: []].insert(workload.meta.key)
            case .service(let service):
                services.insert(service.key)
                // Node ports are allocated cluster-wide: a second Service asking for one
                // already held is refused by the API server.
                for port in service.ports {
                    guard let nodePort = port.nodePort else { continue }
                    if let holder = nodePorts[nodePort], holder != service.key {
                        throw ScenarioError(
                            object.location,
                            "Service \(service.key): spec.ports nodePort \(nodePort): Invalid value: provided port is already allocated (to \(holder))"
                        )
                    }
                    nodePorts[nodePort] = service.key
                }
            case .metalLBConfigMap where scenario.version != .v0_9_4:
                throw ScenarioError(
                    object.location,
                    "MetalLB \(scenario.version.rawValue) is configured with IPAddressPool and L2Advertisement resources; the ConfigMap format is v0.9.4's (set metallb.version: v0.9.4)"
                )
            case .ipAddressPool where scenario.version == .v0_9_4, .l2Advertisement where scenario.version == .v0_9_4:
                throw ScenarioError(
                    object.location,
                    "MetalLB v0.9.4 has no \(object.kind) resource; it reads ConfigMap metallb-system/config")
            case .node(let name, _, _, _):
                if !nodes.contains(name) {
                    throw ScenarioError(
                        object.location,
                        "Node \(name) is not one of the scenario's nodes (\(nodes.sorted().joined(separator: ", ")))")
                }
            default:
                break
            }
        }

        func interfaceNames(of node: String) -> [String] {
            [scenario.world.interfaceName]
                + (scenario.world.nodes.first { $0.name == node }?.extraInterfaces.map(\.name) ?? [])
        }

        for object in scenario.manifests { try check(object) }
        try checkPools(scenario.manifests, timeline: scenario.timeline)
        // Each entry at its earliest time (the strictest for "exists by then") and with each
        // choice of its drawn arguments.
        for entry in scenario.timeline.flatMap(\.variants) {
            switch entry.action {
            case .apply(let objects):
                for object in objects { try check(object) }
            case .movePod(let pod, let to):
                try Self.resolve(
                    pod, kind: "pod", in: pods, action: "movePod", at: entry.location, suffix: " exists by then")
                guard nodes.contains(to) else {
                    throw ScenarioError(
                        entry.fieldLocations["to"] ?? entry.location, "movePod: no node named \"\(to)\"")
                }
            case .setPodReady(let pod, _):
                try Self.resolve(pod, kind: "pod", in: pods, action: "setPodReady", at: entry.location)
            case .scale(let kind, let name, _):
                try Self.resolve(
                    name, kind: kind.rawValue.lowercased(), in: workloads[kind] ?? [], action: "scale",
                    at: entry.location)
            case .powerOff(let node), .powerOn(let node), .stopSpeaker(let node, _), .startSpeaker(let node),
                .linkDown(let node, _), .linkUp(let node, _), .ifDown(let node, _), .ifUp(let node, _),
                .label(let node, _, _), .unlabel(let node, _),
                .setCondition(let node, _, _):
                guard nodes.contains(node) else {
                    throw ScenarioError(
                        entry.fieldLocations["node"] ?? entry.location,
                        "\(entry.action.name): no node named \"\(node)\"")
                }
                switch entry.action {
                case .linkDown(_, let interface?), .linkUp(_, let interface?), .ifDown(_, let interface?),
                    .ifUp(_, let interface?):
                    guard interfaceNames(of: node).contains(interface) else {
                        throw ScenarioError(
                            entry.fieldLocations["interface"] ?? entry.location,
                            "\(entry.action.name): node \"\(node)\" has no interface \"\(interface)\" (it has \(interfaceNames(of: node).joined(separator: ", ")))"
                        )
                    }
                default: break
                }
            case .partition(let groups):
                let hosts = nodes.union(scenario.world.clients.map(\.name))
                var seen: Set<String> = []
                for name in groups.joined() {
                    guard hosts.contains(name) else {
                        throw ScenarioError(
                            entry.fieldLocations["groups"] ?? entry.location,
                            "partition: no node or client named \"\(name)\"")
                    }
                    guard seen.insert(name).inserted else {
                        throw ScenarioError(
                            entry.fieldLocations["groups"] ?? entry.location,
                            "partition: \"\(name)\" is listed in two groups")
                    }
                }
            case .delete(.service, let name, let namespace):
                let key = "\(namespace)/\(name)"
                nodePorts = nodePorts.filter { $0.value != key }
            case .delete, .loss, .heal:
                break
            }
        }
        for expectation in scenario.expectations {
            switch expectation.kind {
            case .event(.pod(let key), _, _):
                let workloadKeys = workloads.values.reduce(Set<String>()) { $0.union($1) }
                guard pods.contains(key) || workloadKeys.contains(key) else {
                    throw ScenarioError(
                        expectation.location,
                        "event: no Pod or workload (Deployment, ReplicaSet, StatefulSet, DaemonSet) \(key) in the manifests or timeline"
                    )
                }
            case .externalIP(let service, _), .event(.service(let service), _, _):
                guard services.contains(service) else {
                    throw ScenarioError(
                        expectation.location,
                        "\(expectation.kind.name): no Service \(service) in the manifests or timeline")
                }
            default:
                break
            }
        }
    }
}
