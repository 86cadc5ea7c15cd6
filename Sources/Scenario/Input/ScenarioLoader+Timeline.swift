import Cluster
import Engine
import Simulation
import Wire

/// The `timeline:` list: one action per entry, each with its arguments checked strictly.
extension ScenarioLoader {
    static let timelineActions =
        "apply, delete, movePod, scale, setPodReady, powerOff, powerOn, stopSpeaker, startSpeaker, linkDown, linkUp, ifDown, ifUp, partition, heal, loss, label, unlabel, setCondition"

    /// One entry. `at` and the arguments in `TimelineAction.drawableFields` may be left to the
    /// seed (`{between: [10s, 20s]}`, `{oneOf: [worker-1, worker-2]}`); `ids` collects the
    /// entries' `id`s, which must be unique.
    func decodeTimelineEntry(
        _ item: YAMLNode, index: Int, scenarioFile: String, decoder: inout ManifestDecoder,
        ids: inout [String: SourceLocation]
    ) throws(ScenarioError) -> TimelineEntry {
        let what = "timeline[\(index)]"
        var f = try Fields(item, what)
        var draws = DrawReader()
        let atNode = try f.required("at")
        let at = SimTime.zero + (try draws.duration(atNode, "\(what).at", field: "at"))
        var id: String?
        if let idNode = f.optional("id") {
            let text = try idNode.string("\(what).id")
            guard text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
                throw ScenarioError(
                    idNode.location,
                    "\(what).id: expected a name of letters, digits, '-', '_' and '.', found \"\(text)\"")
            }
            if let first = ids[text] {
                throw ScenarioError(idNode.location, "\(what).id: \"\(text)\" is already used at \(first)")
            }
            ids[text] = idNode.location
            id = text
        }
        let actions = f.keys.filter { $0 != "at" && $0 != "id" }
        guard actions.count == 1, let name = actions.first else {
            throw ScenarioError(
                item.location,
                "\(what): expected `at` and exactly one action (\(Self.timelineActions)), found \(actions.isEmpty ? "none" : actions.joined(separator: ", "))"
            )
        }
        if ["apply", "delete"].contains(name), !draws.draws.isEmpty {
            throw ScenarioError(
                atNode.location,
                "\(what).at: \(name) happens at a fixed time (the objects are checked in timeline order, which a drawn time could change); draw the times of faults instead"
            )
        }
        let node = try f.required(name)
        let action: TimelineAction
        switch name {
        case "apply":
            if case .sequence = node.kind {
                var objects: [LocatedObject] = []
                for object in try node.list("apply") {
                    objects += try loadManifestEntry(object, scenarioFile: scenarioFile, decoder: &decoder)
                }
                action = .apply(objects)
            } else {
                action = .apply(try loadManifestEntry(node, scenarioFile: scenarioFile, decoder: &decoder))
            }
        case "delete":
            var a = try Fields(node, "\(what).delete")
            let kindText = try a.required("kind").string("delete.kind")
            let objectName = try a.required("name").string("delete.name")
            let namespace = try a.optional("namespace")?.string("delete.namespace") ?? "default"
            try a.finish()
            guard let kind = DeletableKind(rawValue: kindText) else {
                let deletable = DeletableKind.allCases.map(\.rawValue)
                throw ScenarioError(
                    node.location,
                    "delete.kind: expected one of \(deletable.joined(separator: ", ")), found \"\(kindText)\"")
            }
            action = .delete(kind: kind, name: objectName, namespace: namespace)
        case "movePod":
            var a = try Fields(node, "\(what).movePod")
            let pod = try a.required("pod").string("movePod.pod")
            let to = try draws.name(a.required("to"), "movePod.to", field: "to")
            try a.finish()
            action = .movePod(pod: pod, to: to)
        case "scale":
            var a = try Fields(node, "\(what).scale")
            // `kubectl scale deployment/x`: exactly one of the scalable kinds names the target.
            let kinds: [(field: String, kind: Workload.Kind)] = [
                ("deployment", .deployment), ("replicaSet", .replicaSet), ("statefulSet", .statefulSet),
            ]
            let named = kinds.compactMap { entry in a.optional(entry.field).map { (entry.kind, $0) } }
            guard named.count == 1, let (kind, nameNode) = named.first else {
                throw ScenarioError(
                    node.location, "scale: name exactly one of deployment, replicaSet or statefulSet, and replicas")
            }
            let target = try nameNode.string(
                "scale.\(kind.rawValue.prefix(1).lowercased() + kind.rawValue.dropFirst())")
            let replicas = try draws.int(a.required("replicas"), "scale.replicas", field: "replicas", in: 0...10000)
            try a.finish()
            action = .scale(kind: kind, name: target, replicas: replicas)
        case "setPodReady":
            var a = try Fields(node, "\(what).setPodReady")
            let pod = try a.required("pod").string("setPodReady.pod")
            let ready = try draws.flag(a.required("ready"), "setPodReady.ready", field: "ready")
            try a.finish()
            action = .setPodReady(pod: pod, ready: ready)
        case "powerOff", "powerOn", "startSpeaker", "linkDown", "linkUp", "ifDown", "ifUp":
            var a = try Fields(node, "\(what).\(name)")
            let nodeName = try draws.name(a.required("node"), "\(name).node", field: "node")
            // Only interface actions have a choice of interface: a node's every interface by
            // default.
            let interface =
                name.hasPrefix("link") || name.hasPrefix("if")
                ? try a.optional("interface")?.string("\(name).interface") : nil
            try a.finish()
            switch name {
            case "powerOff": action = .powerOff(node: nodeName)
            case "powerOn": action = .powerOn(node: nodeName)
            case "startSpeaker": action = .startSpeaker(node: nodeName)
            case "linkDown": action = .linkDown(node: nodeName, interface: interface)
            case "linkUp": action = .linkUp(node: nodeName, interface: interface)
            case "ifDown": action = .ifDown(node: nodeName, interface: interface)
            default: action = .ifUp(node: nodeName, interface: interface)
            }
        case "stopSpeaker":
            var a = try Fields(node, "\(what).stopSpeaker")
            let nodeName = try draws.name(a.required("node"), "stopSpeaker.node", field: "node")
            let graceful =
                try a.optional("graceful").map { node throws(ScenarioError) in
                    try draws.flag(node, "stopSpeaker.graceful", field: "graceful")
                } ?? true
            try a.finish()
            action = .stopSpeaker(node: nodeName, graceful: graceful)
        case "loss":
            var a = try Fields(node, "\(what).loss")
            let ppm = try draws.percentPPM(a.required("percent"), "loss.percent", field: "percent")
            let span = try draws.duration(a.required("for"), "loss.for", field: "for")
            try a.finish()
            action = .loss(ppm: ppm, for: span)
        case "partition":
            var a = try Fields(node, "\(what).partition")
            let groups = try a.required("groups").list("partition.groups").map { group throws(ScenarioError) in
                try group.list("partition.groups[]").map { member throws(ScenarioError) in
                    try member.string("partition.groups[][]")
                }
            }
            try a.finish()
            guard groups.count >= 2 else {
                throw ScenarioError(node.location, "partition.groups: expected at least two groups of host names")
            }
            action = .partition(groups: groups)
        case "heal":
            let a = try Fields(node, "\(what).heal")
            try a.finish()
            action = .heal
        case "label":
            var a = try Fields(node, "\(what).label")
            let nodeName = try draws.name(a.required("node"), "label.node", field: "node")
            let key = try a.required("key").string("label.key")
            // Kubernetes label values may be empty (kubeadm sets the exclude label to "").
            let value = try a.optional("value")?.scalarText("label.value") ?? ""
            try a.finish()
            action = .label(node: nodeName, key: key, value: value)
        case "unlabel":
            var a = try Fields(node, "\(what).unlabel")
            let nodeName = try draws.name(a.required("node"), "unlabel.node", field: "node")
            let key = try a.required("key").string("unlabel.key")
            try a.finish()
            action = .unlabel(node: nodeName, key: key)
        case "setCondition":
            var a = try Fields(node, "\(what).setCondition")
            let nodeName = try draws.name(a.required("node"), "setCondition.node", field: "node")
            let typeNode = try a.required("type")
            let type = try typeNode.string("setCondition.type")
            let statusNode = try a.required("status")
            let status = try statusNode.string("setCondition.status")
            try a.finish()
            guard type != "Ready" else {
                throw ScenarioError(
                    typeNode.location,
                    "setCondition.type: Ready belongs to the kubelet and the node lifecycle controller; use powerOff, linkDown or partition to make a node NotReady"
                )
            }
            guard ["True", "False", "Unknown"].contains(status) else {
                throw ScenarioError(
                    statusNode.location,
                    "setCondition.status: expected \"True\", \"False\" or \"Unknown\", found \"\(status)\"")
            }
            action = .setCondition(node: nodeName, type: type, status: status)
        default:
            throw ScenarioError(
                f.keyLocation(name) ?? item.location,
                "\(what): unknown action \"\(name)\"; expected one of \(Self.timelineActions)")
        }
        try f.finish()
        var entry = TimelineEntry(
            at: at, action: action, location: item.location, id: id, index: index, draws: draws.draws)
        if case .mapping(let pairs) = node.kind {
            for pair in pairs {
                if case .scalar(let key, _) = pair.key.kind { entry.fieldLocations[key] = pair.value.location }
            }
        }
        return entry
    }

}
