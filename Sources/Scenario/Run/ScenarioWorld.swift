import Cluster
import Engine
import IPAM
import Simulation

/// Builds a `World` from a scenario: applies the manifests at time zero and schedules the
/// timeline's actions.
enum ScenarioWorld {
    static func build(_ scenario: Scenario, trace: TraceSink?) -> World {
        let world = World(config: scenario.world, trace: trace)
        apply(scenario.manifests, to: world, initial: true)
        for entry in scenario.timeline {
            let action = entry.action
            world.at(entry.at) { world in perform(action, in: world) }
        }
        return world
    }

    /// Applies objects in order. Objects from the initial manifests start Ready (the cluster was
    /// already running); pods applied later start up first. MetalLB configuration objects are
    /// collected first and handed to the controller once, as one configuration, the way
    /// MetalLB's config reconciler sees a batch of objects that arrive together.
    static func apply(_ objects: [LocatedObject], to world: World, initial: Bool) {
        var configChanged = false
        var resources = world.cluster.metallb
        // Node manifests in the initial objects describe the nodes as they were before anything
        // was scheduled: they go first, whatever their place in the files.
        let isNode: (LocatedObject) -> Bool = { if case .node = $0.object { true } else { false } }
        let ordered = initial ? objects.filter(isNode) + objects.filter { !isNode($0) } : objects
        for located in ordered {
            switch located.object {
            case .metalLBConfigMap(let pools):
                resources.configMapPools = pools.map(\.pool)
                configChanged = true
            case .ipAddressPool(let located):
                resources.ipAddressPools[located.pool.name] = (located.pool, located.labels)
                configChanged = true
            case .l2Advertisement(let advertisement):
                resources.l2Advertisements[advertisement.name] = advertisement
                configChanged = true
            case .namespace(let name, let labels):
                world.setNamespace(name, labels: labels)
                // Namespaces are part of current MetalLB's configuration (namespaceSelectors).
                configChanged = configChanged || world.config.version == .current
            case .service(let service):
                world.applyService(service)
            case .pod(let pod):
                world.applyPod(pod, startsReady: initial)
            case .workload(let workload):
                world.applyWorkload(workload, startsReady: initial)
            case .endpoints(let service, let endpoints, let skipMirror):
                world.applyManualEndpoints(service: service) {
                    $0.endpoints[service] = endpoints
                    if skipMirror { $0.skipMirror.insert(service) } else { $0.skipMirror.remove(service) }
                }
            case .endpointSlice(let service, let name, let endpoints):
                world.applyManualEndpoints(service: service) { $0.slices[service, default: [:]][name] = endpoints }
            case .node(let name, let labels, let taints, let unschedulable):
                world.applyNodeManifest(
                    name, labels: labels, taints: taints, unschedulable: unschedulable, initial: initial)
            }
        }
        // Pools were validated when the scenario loaded (the validator replays every apply
        // and delete), so only v0.9.4's orphan refusal can happen, and the world records it.
        if configChanged { world.applyMetalLBResources(resources) }
    }

    /// Changes MetalLB's configuration objects and hands the result to the controller.
    static func changeConfig(in world: World, _ change: (inout MetalLBResources) -> Void) {
        var resources = world.cluster.metallb
        change(&resources)
        world.applyMetalLBResources(resources)
    }

    static func perform(_ action: TimelineAction, in world: World) {
        switch action {
        case .apply(let objects): apply(objects, to: world, initial: false)
        case .delete(let kind, let name, let namespace):
            let key = "\(namespace)/\(name)"
            switch kind {
            case .service: world.deleteService(key)
            case .pod: world.deletePod(key)
            case .deployment, .replicaSet, .statefulSet, .daemonSet:
                world.deleteWorkload(Workload.id(kind.workloadKind!, key))
            case .ipAddressPool: changeConfig(in: world) { $0.ipAddressPools[name] = nil }
            case .l2Advertisement: changeConfig(in: world) { $0.l2Advertisements[name] = nil }
            case .configMap: changeConfig(in: world) { $0.configMapPools = $0.configMapPools.map { _ in [] } }
            case .namespace:
                world.setNamespace(name, labels: nil)
                if world.config.version == .current { changeConfig(in: world) { _ in } }
            }
        case .movePod(let pod, let to): world.movePod(objectKey(pod), to: to)
        case .scale(let kind, let name, let replicas):
            world.scale(workload: Workload.id(kind, objectKey(name)), replicas: replicas)
        case .setPodReady(let pod, let ready): world.setPodReady(objectKey(pod), ready: ready)
        case .powerOff(let node): world.powerOff(node: node)
        case .powerOn(let node): world.powerOn(node: node)
        case .stopSpeaker(let node, let graceful): world.stopSpeaker(node: node, graceful: graceful)
        case .startSpeaker(let node): world.startSpeaker(node: node)
        case .linkDown(let node, let interface): world.setLink(node: node, interface: interface, up: false)
        case .linkUp(let node, let interface): world.setLink(node: node, interface: interface, up: true)
        case .ifDown(let node, let interface): world.setInterface(node: node, interface: interface, up: false)
        case .ifUp(let node, let interface): world.setInterface(node: node, interface: interface, up: true)
        case .loss(let ppm, let span): world.addLoss(ppm: ppm, until: world.now + span)
        case .partition(let groups): world.partition(groups)
        case .heal: world.partition([])
        case .label(let node, let key, let value): world.setLabel(node: node, key: key, value: value)
        case .unlabel(let node, let key): world.setLabel(node: node, key: key, value: nil)
        case .setCondition(let node, let type, let status): world.setCondition(node: node, type: type, status: status)
        }
    }

    /// `nginx` means `default/nginx`; `ns/name` is taken as written.
    /// `namespace/name` for a timeline reference: a bare name is in `default`.
    static func objectKey(_ name: String) -> String { name.contains("/") ? name : "default/\(name)" }
}
