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
    /// already running); pods applied later start up first.
    static func apply(_ objects: [LocatedObject], to world: World, initial: Bool) {
        var pools: [AddressPool] = world.controller?.allocator.pools ?? []
        var advertisements: [String: [String]] = [:]
        var configChanged = false
        for located in objects {
            switch located.object {
            case let .metalLBConfigMap(newPools):
                pools = newPools.map(\.pool)
                configChanged = true
            case let .ipAddressPool(located):
                pools.removeAll { $0.name == located.pool.name }
                pools.append(located.pool)
                configChanged = true
            case let .l2Advertisement(name, selected):
                advertisements[name] = selected
                configChanged = true
            case let .service(service):
                world.applyService(service)
            case let .pod(pod):
                world.applyPod(pod, startsReady: initial)
            case let .deployment(deployment):
                world.applyDeployment(deployment, startsReady: initial)
            case let .node(name, labels):
                world.label(node: name, labels: labels)
            case .namespace:
                break
            }
        }
        if configChanged {
            var advertised: Set<String>?
            if world.config.version == .current {
                advertised = []
                for selected in advertisements.values {
                    advertised!.formUnion(selected.isEmpty ? pools.map(\.name) : selected)
                }
            }
            // Pools were validated when the scenario loaded; a clash across several objects is
            // caught by the validator too, so this cannot fail on a loaded scenario.
            try? world.applyMetalLBConfig(pools, advertised: advertised)
        }
    }

    static func perform(_ action: TimelineAction, in world: World) {
        switch action {
        case let .apply(objects): apply(objects, to: world, initial: false)
        case let .delete(kind, name, namespace):
            let key = "\(namespace)/\(name)"
            switch kind {
            case "Service": world.deleteService(key)
            case "Pod": world.deletePod(key)
            default: world.deleteDeployment(key)
            }
        case let .movePod(pod, to): world.movePod(podKey(pod), to: to)
        case let .scale(deployment, replicas): world.scale(deployment: podKey(deployment), replicas: replicas)
        case let .setPodReady(pod, ready): world.setPodReady(podKey(pod), ready: ready)
        case let .powerOff(node): world.powerOff(node: node)
        case let .powerOn(node): world.powerOn(node: node)
        case let .stopSpeaker(node, _): world.stopSpeaker(node: node)
        case let .startSpeaker(node): world.startSpeaker(node: node)
        case let .linkDown(node): world.setLink(node: node, up: false)
        case let .linkUp(node): world.setLink(node: node, up: true)
        case let .loss(ppm, span): world.addLoss(ppm: ppm, until: world.now + span)
        }
    }

    /// `nginx` means `default/nginx`; `ns/name` is taken as written.
    static func podKey(_ name: String) -> String { name.contains("/") ? name : "default/\(name)" }
}
