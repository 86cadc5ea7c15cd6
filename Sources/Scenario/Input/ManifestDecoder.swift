import Cluster
import IPAM
import Wire

/// Turns Kubernetes manifests (as `kubectl get -o yaml` or a hand-written file gives them)
/// into `KubernetesObject`s, strictly: unknown fields are errors with their location.
struct ManifestDecoder {
    var warnings: [ScenarioWarning] = []
    /// The lines of the file being decoded, to map embedded YAML back onto it.
    var sourceLines: [Substring] = []

    /// One manifest document: an object, or a `v1/List` of them (what `kubectl get -o yaml`
    /// prints for more than one object), each located where it is written.
    mutating func decode(_ document: YAMLNode) throws(ScenarioError) -> [LocatedObject] {
        if case .mapping(let pairs) = document.kind,
            case .scalar("List", _)? = pairs.first(where: {
                if case .scalar("kind", _) = $0.key.kind { true } else { false }
            })?.value.kind
        {
            var list = try Fields(document, "List")
            let apiVersion = try list.required("apiVersion").string("apiVersion")
            guard apiVersion == "v1" else {
                throw ScenarioError(document.location, "kind List: expected apiVersion v1, found \(apiVersion)")
            }
            _ = try list.required("kind")
            let items = try list.optional("items")?.list("items") ?? []
            list.accept(["metadata"])
            try list.finish()
            var objects: [LocatedObject] = []
            for item in items { objects += try decode(item) }
            return objects
        }
        return try decodeObject(document).map { [$0] } ?? []
    }

    private mutating func decodeObject(_ document: YAMLNode) throws(ScenarioError) -> LocatedObject? {
        var top = try Fields(document, "manifest")
        let apiVersion = try top.required("apiVersion").string("apiVersion")
        let kind = try top.required("kind").string("kind")
        let what = "\(kind)"
        switch (apiVersion, kind) {
        case ("v1", "ConfigMap"):
            let meta = try objectMeta(top.required("metadata"), what)
            let data = top.optional("data")
            top.accept(["binaryData", "immutable"] + KubernetesFields.topLevel)
            try top.finish()
            guard meta.namespace == "metallb-system", meta.name == "config" else {
                warnings.append(
                    ScenarioWarning(
                        location: document.location,
                        message: "ConfigMap \(meta.key) is not MetalLB's (metallb-system/config): skipped"))
                return nil
            }
            guard let data else {
                throw ScenarioError(document.location, "ConfigMap metallb-system/config has no data")
            }
            var dataFields = try Fields(data, "ConfigMap data")
            let config = try dataFields.required("config")
            try dataFields.finish()
            let pools = try MetalLBConfigDecoder.decodeV094(config, sourceLines: sourceLines, warnings: &warnings)
            return LocatedObject(
                object: .metalLBConfigMap(pools: pools), location: document.location, kind: kind, name: meta.key)
        case ("metallb.io/v1beta1", "IPAddressPool"):
            let meta = try objectMeta(top.required("metadata"), what)
            let pool = try MetalLBConfigDecoder.decodeIPAddressPool(
                name: meta.name, labels: meta.labels, nameLocation: metaNameLocation(document) ?? document.location,
                spec: top.required("spec"))
            top.accept(KubernetesFields.topLevel)
            try top.finish()
            return LocatedObject(object: .ipAddressPool(pool), location: document.location, kind: kind, name: meta.key)
        case ("metallb.io/v1beta1", "L2Advertisement"):
            let meta = try objectMeta(top.required("metadata"), what)
            var advertisement = L2Advertisement(name: meta.name)
            if let specNode = top.optional("spec") {
                var spec = try Fields(specNode, "L2Advertisement spec")
                if let list = spec.optional("ipAddressPools") {
                    advertisement.ipAddressPools = try list.stringList("spec.ipAddressPools")
                }
                if let list = spec.optional("ipAddressPoolSelectors") {
                    advertisement.ipAddressPoolSelectors = try MetalLBConfigDecoder.selectors(
                        list, "ipAddressPoolSelectors")
                }
                if let list = spec.optional("nodeSelectors") {
                    advertisement.nodeSelectors = try MetalLBConfigDecoder.selectors(list, "nodeSelectors")
                }
                if let list = spec.optional("interfaces") {
                    advertisement.interfaces = try list.stringList("spec.interfaces")
                }
                if let list = spec.optional("serviceSelectors") {
                    advertisement.serviceSelectors = try MetalLBConfigDecoder.selectors(list, "serviceSelectors")
                }
                if let list = spec.optional("preferredNodeSelectors") {
                    advertisement.preferredNodeSelectors = try MetalLBConfigDecoder.preferredNodeSelectors(list)
                }
                try spec.finish()
            }
            top.accept(KubernetesFields.topLevel)
            try top.finish()
            return LocatedObject(
                object: .l2Advertisement(advertisement),
                location: document.location, kind: kind, name: meta.key)
        case ("v1", "Service"):
            let meta = try objectMeta(top.required("metadata"), what)
            let service = try decodeService(meta: meta, spec: top.required("spec"))
            top.accept(KubernetesFields.topLevel)
            try top.finish()
            return LocatedObject(object: .service(service), location: document.location, kind: kind, name: meta.key)
        case ("v1", "Pod"):
            let meta = try objectMeta(top.required("metadata"), what)
            let spec = try decodePodSpec(top.required("spec"), "Pod spec")
            top.accept(KubernetesFields.topLevel)
            try top.finish()
            if !spec.nodeAffinity.isEmpty {
                throw ScenarioError(
                    document.location,
                    "Pod \(meta.key): node affinity on a Pod bound by spec.nodeName is not simulated (the kubelet's admission check); use a Deployment"
                )
            }
            var pod = Pod(
                meta: meta, nodeName: spec.nodeName, ready: false, readinessDelaySeconds: spec.readinessDelay,
                tolerations: spec.tolerations)
            pod.containerPorts = spec.containerPorts
            pod.termination = spec.termination
            guard let nodeNameLocation = spec.nodeNameLocation else {
                throw ScenarioError(
                    document.location,
                    "Pod \(meta.key) has no spec.nodeName: give it one, or use a Deployment for the scheduler to place")
            }
            var object = LocatedObject(object: .pod(pod), location: document.location, kind: kind, name: meta.key)
            object.fieldLocations["spec.nodeName"] = nodeNameLocation
            return object
        case ("apps/v1", let kind) where Workload.Kind(rawValue: kind) != nil:
            let meta = try objectMeta(top.required("metadata"), what)
            let workload = try decodeWorkload(Workload.Kind(rawValue: kind)!, meta: meta, spec: top.required("spec"))
            top.accept(KubernetesFields.topLevel)
            try top.finish()
            return LocatedObject(
                object: .workload(workload), location: document.location, kind: kind, name: meta.key)
        case ("v1", "Node"):
            let meta = try objectMeta(top.required("metadata"), what, namespaced: false)
            var taints: [Taint]?
            var unschedulable: Bool?
            if let specNode = top.optional("spec") {
                var spec = try Fields(specNode, "Node spec")
                taints = try spec.optional("taints").map { node throws(ScenarioError) in
                    try Self.taints(node, "spec.taints")
                }
                unschedulable = try spec.optional("unschedulable")?.bool("spec.unschedulable")
                spec.accept(["podCIDR", "podCIDRs", "providerID", "configSource", "externalID"])
                try spec.finish()
            }
            top.accept(KubernetesFields.topLevel)
            try top.finish()
            return LocatedObject(
                object: .node(name: meta.name, labels: meta.labels, taints: taints, unschedulable: unschedulable),
                location: document.location, kind: kind, name: meta.name)
        case ("v1", "Namespace"):
            let meta = try objectMeta(top.required("metadata"), what, namespaced: false)
            top.accept(["spec"] + KubernetesFields.topLevel)
            try top.finish()
            return LocatedObject(
                object: .namespace(name: meta.name, labels: meta.labels), location: document.location,
                kind: kind, name: meta.name)
        case ("v1", "Endpoints"):
            let meta = try objectMeta(top.required("metadata"), what)
            return try decodeEndpoints(&top, meta: meta, document: document)
        case ("discovery.k8s.io/v1", "EndpointSlice"):
            let meta = try objectMeta(top.required("metadata"), what)
            return try decodeEndpointSlice(&top, meta: meta, document: document)
        case (let group, "BGPPeer"), (let group, "BGPAdvertisement"):
            guard group.hasPrefix("metallb.io/") else { fallthrough }
            // Pools it advertises would hold addresses that nothing here announces.
            throw ScenarioError(
                document.location, "\(apiVersion) \(kind): BGP mode is not simulated yet; lbsim models layer2 only")
        default:
            switch KubernetesKinds.entry(apiVersion: apiVersion, kind: kind) {
            case let entry? where entry.handling == .ignored:
                warnings.append(
                    ScenarioWarning(
                        location: document.location,
                        message: "\(apiVersion) \(kind) is not simulated: skipped (\(entry.note))"))
                return nil
            case let entry? where entry.handling == .refused:
                throw ScenarioError(document.location, "\(apiVersion) \(kind): \(entry.note); remove it")
            default:
                throw ScenarioError(
                    document.location,
                    "\(apiVersion) \(kind) is not simulated, and lbsim cannot tell whether it changes the outcome; remove it (README.md lists the kinds lbsim models, refuses and skips)"
                )
            }
        }
    }

    /// Where `metadata.name` was written in a manifest document.
    private func metaNameLocation(_ document: YAMLNode) -> SourceLocation? {
        guard case .mapping(let pairs) = document.kind,
            let meta = pairs.first(where: { if case .scalar("metadata", _) = $0.key.kind { true } else { false } })?
                .value,
            case .mapping(let metaPairs) = meta.kind,
            let name = metaPairs.first(where: { if case .scalar("name", _) = $0.key.kind { true } else { false } })?
                .value
        else { return nil }
        return name.location
    }

    func objectMeta(_ node: YAMLNode, _ kind: String, namespaced: Bool = true) throws(ScenarioError)
        -> ObjectMeta
    {
        var fields = try Fields(node, "\(kind) metadata")
        let name = try fields.required("name").string("metadata.name")
        try checkDNSName(name, at: fields.optional("name")!.location)
        var namespace = "default"
        if namespaced {
            if let ns = fields.optional("namespace") { namespace = try ns.string("metadata.namespace") }
        } else {
            namespace = ""
        }
        let labels = try fields.optional("labels")?.stringMap("metadata.labels") ?? [:]
        let annotations = try fields.optional("annotations")?.stringMap("metadata.annotations") ?? [:]
        if !namespaced { fields.accept(["namespace"]) }
        fields.accept(KubernetesFields.objectMeta)
        try fields.finish()
        return ObjectMeta(name: name, namespace: namespace, labels: labels, annotations: annotations)
    }

    private func checkDNSName(_ name: String, at location: SourceLocation) throws(ScenarioError) {
        let valid =
            name.count <= 253
            && name.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" || $0 == "." }
            && name.first != "-" && name.last != "-"
        if !valid {
            throw ScenarioError(
                location,
                "metadata.name: \"\(name)\" is not a valid Kubernetes name (lower-case letters, digits, '-' and '.')")
        }
    }

    private func decodeService(meta: ObjectMeta, spec node: YAMLNode) throws(ScenarioError) -> Service {
        var spec = try Fields(node, "Service spec")
        var type = ServiceType.clusterIP
        if let typeNode = spec.optional("type") {
            let text = try typeNode.string("spec.type")
            guard let value = ServiceType(rawValue: text) else {
                throw ScenarioError(
                    typeNode.location,
                    "spec.type: expected ClusterIP, NodePort, LoadBalancer or ExternalName, found \"\(text)\"")
            }
            type = value
        }
        var ports: [ServicePort] = []
        if let portsNode = spec.optional("ports") {
            for (index, item) in try portsNode.list("spec.ports").enumerated() {
                var f = try Fields(item, "spec.ports[\(index)]")
                let name = try f.optional("name")?.string("name")
                var proto = "TCP"
                if let p = f.optional("protocol") {
                    proto = try p.string("protocol")
                    guard ["TCP", "UDP", "SCTP"].contains(proto) else {
                        throw ScenarioError(p.location, "protocol: expected TCP, UDP or SCTP, found \"\(proto)\"")
                    }
                }
                let port = try f.required("port").int("port", in: 1...65535)
                let targetNode = f.optional("targetPort")
                let target = try targetNode?.scalarText("targetPort")
                if let target, let targetNode {
                    try Self.checkTargetPort(target, at: targetNode.location, index: index)
                }
                let nodePortNode = f.optional("nodePort")
                let nodePort = try nodePortNode?.int("nodePort", in: 0...65535)
                if let nodePort, let nodePortNode, nodePort != 0 {
                    // The API server's default --service-node-port-range.
                    guard (30000...32767).contains(nodePort) else {
                        throw ScenarioError(
                            nodePortNode.location,
                            "spec.ports[\(index)].nodePort: Invalid value: \(nodePort): provided port is not in the valid range. The range of valid ports is 30000-32767"
                        )
                    }
                    if ports.contains(where: { $0.nodePort == nodePort }) {
                        throw ScenarioError(
                            nodePortNode.location, "spec.ports[\(index)].nodePort: Duplicate value: \(nodePort)")
                    }
                }
                f.accept(KubernetesFields.servicePort)
                try f.finish()
                ports.append(
                    ServicePort(
                        name: name, protocol: proto, port: port, targetPort: target,
                        nodePort: nodePort == 0 ? nil : nodePort))
            }
        }
        let selector = try spec.optional("selector")?.stringMap("spec.selector") ?? [:]
        var lbIP: IPAddress?
        if let ipNode = spec.optional("loadBalancerIP") {
            let text = try ipNode.scalarText("spec.loadBalancerIP")
            if !text.isEmpty {
                guard let ip = IPAddress(text) else {
                    throw ScenarioError(
                        ipNode.location, "spec.loadBalancerIP: expected an IPv4 or IPv6 address, found \"\(text)\"")
                }
                lbIP = ip
            }
        }
        var policy = ExternalTrafficPolicy.cluster
        if let p = spec.optional("externalTrafficPolicy") {
            let text = try p.string("spec.externalTrafficPolicy")
            guard let value = ExternalTrafficPolicy(rawValue: text) else {
                throw ScenarioError(
                    p.location, "spec.externalTrafficPolicy: expected Cluster or Local, found \"\(text)\"")
            }
            policy = value
        }
        var clusterIP: String?
        if let c = spec.optional("clusterIP") {
            let text = try c.scalarText("spec.clusterIP")
            if text == "None" {
                // Headless: no cluster IP, so nothing for kube-proxy to program.
                guard type == .clusterIP else {
                    throw ScenarioError(
                        c.location,
                        "spec.clusterIP: Invalid value: \"None\": may not be set to 'None' for \(type.rawValue) services"
                    )
                }
                clusterIP = "None"
            } else if !text.isEmpty {
                guard let ip = IPAddress(text) else {
                    throw ScenarioError(
                        c.location, "spec.clusterIP: expected an IPv4 or IPv6 address or None, found \"\(text)\"")
                }
                clusterIP = ip.description
            }
        }
        if ports.isEmpty && clusterIP != "None" {
            throw ScenarioError(node.location, "spec.ports: Required value (a \(type.rawValue) Service needs ports)")
        }
        var families: [IPFamily] = [.ipv4]
        let familiesNode = spec.optional("ipFamilies")
        if let familiesNode {
            let list = try familiesNode.stringList("spec.ipFamilies")
            families = []
            for text in list {
                guard let family = IPFamily(rawValue: text), !families.contains(family) else {
                    throw ScenarioError(
                        familiesNode.location,
                        "spec.ipFamilies: expected one or two different families of IPv4 and IPv6, found \(list)")
                }
                families.append(family)
            }
            if families.isEmpty { families = [.ipv4] }
        }
        var familyPolicy = IPFamilyPolicy.singleStack
        if let policyNode = spec.optional("ipFamilyPolicy") {
            let text = try policyNode.string("spec.ipFamilyPolicy")
            guard let value = IPFamilyPolicy(rawValue: text) else {
                throw ScenarioError(
                    policyNode.location,
                    "spec.ipFamilyPolicy: expected SingleStack, PreferDualStack or RequireDualStack, found \"\(text)\"")
            }
            familyPolicy = value
        }
        if familyPolicy == .singleStack && families.count == 2, let familiesNode {
            throw ScenarioError(
                familiesNode.location,
                "spec.ipFamilies: two families need ipFamilyPolicy PreferDualStack or RequireDualStack")
        }
        let loadBalancerClass = try spec.optional("loadBalancerClass")?.string("spec.loadBalancerClass")
        for unsupported in ["loadBalancerSourceRanges", "externalIPs", "externalName"] {
            if let value = spec.optional(unsupported) {
                throw ScenarioError(value.location, "spec.\(unsupported) is not simulated yet; remove it")
            }
        }
        spec.accept(KubernetesFields.serviceSpec)
        try spec.finish()
        var service = Service(
            meta: meta, type: type, clusterIP: clusterIP, ports: ports, selector: LabelSelector(selector),
            loadBalancerIP: lbIP, externalTrafficPolicy: policy, ipFamilies: families,
            ipFamilyPolicy: familyPolicy)
        service.loadBalancerClass = loadBalancerClass
        return service
    }

    /// A Service port's `targetPort`: a port number, or an IANA service name as a container
    /// port's name must be (validation.IsValidPortName: at most 15 lower-case letters, digits
    /// and single inner hyphens, with at least one letter).
    private static func checkTargetPort(_ text: String, at location: SourceLocation, index: Int) throws(ScenarioError) {
        if let number = Int(text) {
            guard (1...65535).contains(number) else {
                throw ScenarioError(
                    location, "spec.ports[\(index)].targetPort: Invalid value: \(number): must be between 1 and 65535")
            }
            return
        }
        let valid =
            (1...15).contains(text.count)
            && text.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }
            && text.contains { $0.isLetter } && !text.hasPrefix("-") && !text.hasSuffix("-") && !text.contains("--")
        guard valid else {
            throw ScenarioError(
                location,
                "spec.ports[\(index)].targetPort: Invalid value: \"\(text)\": a port name is at most 15 lower-case letters, digits and inner hyphens, with at least one letter"
            )
        }
    }

    struct PodSpec {
        var nodeName: String?
        var nodeNameLocation: SourceLocation?
        var nodeSelector: [String: String]
        var readinessDelay: Int
        var tolerations: [Toleration]
        var hostNetwork: Bool
        var containerPorts: [ContainerPort]
        var nodeAffinity: [NodeSelectorTerm]
        var termination = PodTermination()
    }

    private mutating func decodePodSpec(_ node: YAMLNode, _ what: String) throws(ScenarioError) -> PodSpec {
        var spec = try Fields(node, what)
        var termination = PodTermination()
        if let grace = spec.optional("terminationGracePeriodSeconds") {
            termination.gracePeriodSeconds = try grace.int("spec.terminationGracePeriodSeconds", in: 0...86400)
        }
        let nodeNameNode = spec.optional("nodeName")
        let nodeName = try nodeNameNode?.string("spec.nodeName")
        let nodeSelector = try spec.optional("nodeSelector")?.stringMap("spec.nodeSelector") ?? [:]
        let tolerations =
            try spec.optional("tolerations").map { node throws(ScenarioError) in
                try Self.tolerations(node, "spec.tolerations")
            } ?? []
        let hostNetwork = try spec.optional("hostNetwork")?.bool("spec.hostNetwork") ?? false
        var readiness = 0
        var containerPorts: [ContainerPort] = []
        let containers = try spec.required("containers").list("spec.containers")
        if containers.isEmpty { throw ScenarioError(node.location, "\(what): spec.containers must not be empty") }
        for (index, item) in containers.enumerated() {
            var c = try Fields(item, "spec.containers[\(index)]")
            _ = try c.required("name").string("name")
            _ = try c.optional("image")?.string("image")
            if let portsNode = c.optional("ports") {
                for (position, portNode) in try portsNode.list("ports").enumerated() {
                    var p = try Fields(portNode, "spec.containers[\(index)].ports[\(position)]")
                    let portName = try p.optional("name")?.string("name")
                    let number = try p.required("containerPort").int("containerPort", in: 1...65535)
                    var proto = "TCP"
                    if let protoNode = p.optional("protocol") {
                        proto = try protoNode.string("protocol")
                        guard ["TCP", "UDP", "SCTP"].contains(proto) else {
                            throw ScenarioError(
                                protoNode.location, "protocol: expected TCP, UDP or SCTP, found \"\(proto)\"")
                        }
                    }
                    p.accept(["hostPort", "hostIP"])
                    try p.finish()
                    containerPorts.append(ContainerPort(name: portName, containerPort: number, protocol: proto))
                }
            }
            if let probeNode = c.optional("readinessProbe") {
                var probe = try Fields(probeNode, "readinessProbe")
                if let delay = probe.optional("initialDelaySeconds") {
                    readiness = max(readiness, try delay.int("initialDelaySeconds", in: 0...86400))
                }
                probe.accept(KubernetesFields.probe)
                try probe.finish()
            }
            if let lifecycle = c.optional("lifecycle") {
                termination.preStopSeconds = max(
                    termination.preStopSeconds, try preStopSeconds(lifecycle, "spec.containers[\(index)].lifecycle"))
            }
            c.accept(KubernetesFields.container)
            try c.finish()
        }
        if let value = spec.optional("topologySpreadConstraints") {
            throw ScenarioError(
                value.location, "spec.topologySpreadConstraints is not simulated yet; use nodeSelector or node affinity"
            )
        }
        let nodeAffinity =
            try spec.optional("affinity").map { node throws(ScenarioError) in
                try Self.nodeAffinity(node)
            } ?? []
        spec.accept(KubernetesFields.podSpec)
        try spec.finish()
        return PodSpec(
            nodeName: nodeName, nodeNameLocation: nodeNameNode?.location, nodeSelector: nodeSelector,
            readinessDelay: readiness, tolerations: tolerations, hostNetwork: hostNetwork,
            containerPorts: containerPorts, nodeAffinity: nodeAffinity, termination: termination)
    }

    /// A container's `lifecycle`: how long its `preStop` hook keeps the container, and so its
    /// endpoint, alive after deletion. A `sleep` action, or an `exec` of `sleep N` (alone or
    /// through `sh -c`), lasts N seconds; any other hook's duration is unknowable here, so it is
    /// taken as none, with a warning. `postStart` runs before the container counts as started,
    /// which lbsim's start-up delay stands for.
    private mutating func preStopSeconds(_ node: YAMLNode, _ what: String) throws(ScenarioError) -> Int {
        var lifecycle = try Fields(node, what)
        lifecycle.accept(["postStart", "stopSignal"])
        guard let preStop = lifecycle.optional("preStop") else {
            try lifecycle.finish()
            return 0
        }
        try lifecycle.finish()
        var hook = try Fields(preStop, "\(what).preStop")
        if let sleep = hook.optional("sleep") {
            var fields = try Fields(sleep, "\(what).preStop.sleep")
            let seconds = try fields.required("seconds").int("\(what).preStop.sleep.seconds", in: 0...86400)
            try fields.finish()
            try hook.finish()
            return seconds
        }
        if let exec = hook.optional("exec") {
            var fields = try Fields(exec, "\(what).preStop.exec")
            let command = try fields.required("command").stringList("\(what).preStop.exec.command")
            try fields.finish()
            try hook.finish()
            var words = command
            if words.count == 3, ["sh", "/bin/sh", "bash", "/bin/bash"].contains(words[0]), words[1] == "-c" {
                words = words[2].split(separator: " ").map(String.init)
            }
            if words.count == 2, ["sleep", "/bin/sleep", "/usr/bin/sleep"].contains(words[0]),
                let seconds = Int(words[1])
            {
                return seconds
            }
            warnings.append(
                ScenarioWarning(
                    location: exec.location,
                    message:
                        "preStop command \(command) is not simulated: its container is taken to stop at once when the pod is deleted"
                ))
            return 0
        }
        hook.accept(["httpGet", "tcpSocket"])
        try hook.finish()
        warnings.append(
            ScenarioWarning(
                location: preStop.location,
                message: "preStop hook is not simulated: its container is taken to stop at once when the pod is deleted"
            ))
        return 0
    }

    private mutating func decodeWorkload(_ kind: Workload.Kind, meta: ObjectMeta, spec node: YAMLNode)
        throws(ScenarioError)
        -> Workload
    {
        var spec = try Fields(node, "\(kind.rawValue) spec")
        var replicas = 1
        if let replicasNode = spec.optional("replicas") {
            guard kind != .daemonSet else {
                throw ScenarioError(replicasNode.location, "DaemonSet spec has no replicas: it runs one pod per node")
            }
            replicas = try replicasNode.int("spec.replicas", in: 0...10000)
        }
        var selectorFields = try Fields(spec.required("selector"), "spec.selector")
        let matchLabels = try selectorFields.required("matchLabels").stringMap("spec.selector.matchLabels")
        try selectorFields.finish()
        var template = try Fields(spec.required("template"), "spec.template")
        var labels: [String: String] = [:]
        if let metaNode = template.optional("metadata") {
            var m = try Fields(metaNode, "spec.template.metadata")
            labels = try m.optional("labels")?.stringMap("labels") ?? [:]
            m.accept(["annotations", "name", "namespace"] + KubernetesFields.objectMeta)
            try m.finish()
        }
        let templateSpecNode = try template.required("spec")
        let podSpec = try decodePodSpec(templateSpecNode, "spec.template.spec")
        try template.finish()
        if !LabelSelector(matchLabels).matches(labels) {
            throw ScenarioError(node.location, "spec.selector.matchLabels does not match spec.template.metadata.labels")
        }
        var policy = Workload.PodManagementPolicy.orderedReady
        if kind == .statefulSet {
            if let policyNode = spec.optional("podManagementPolicy") {
                let text = try policyNode.string("spec.podManagementPolicy")
                guard let value = Workload.PodManagementPolicy(rawValue: text) else {
                    throw ScenarioError(
                        policyNode.location,
                        "spec.podManagementPolicy: expected OrderedReady or Parallel, found \"\(text)\"")
                }
                policy = value
            }
            if let ordinals = spec.optional("ordinals") {
                // Pod names would start elsewhere than at 0.
                throw ScenarioError(ordinals.location, "spec.ordinals is not simulated yet; remove it")
            }
        }
        spec.accept(KubernetesFields.workloadSpec[kind] ?? [])
        try spec.finish()
        var nodeSelector = podSpec.nodeSelector
        if let name = podSpec.nodeName { nodeSelector["kubernetes.io/hostname"] = name }
        var tolerations = podSpec.tolerations
        let nodeAffinity = podSpec.nodeAffinity
        // The DaemonSet controller's extra toleration for host-network daemons.
        if kind == .daemonSet && podSpec.hostNetwork {
            tolerations.append(
                Toleration(key: "node.kubernetes.io/network-unavailable", operator: .exists, effect: .noSchedule))
        }
        var podTemplate = PodTemplate(
            labels: labels, nodeSelector: nodeSelector, tolerations: tolerations,
            readinessDelaySeconds: podSpec.readinessDelay, containerPorts: podSpec.containerPorts)
        podTemplate.nodeAffinity = nodeAffinity
        podTemplate.termination = podSpec.termination
        return Workload(
            kind: kind, meta: meta, replicas: replicas, selector: LabelSelector(matchLabels),
            template: podTemplate, podManagementPolicy: policy)
    }

    /// `spec.affinity`: required node affinity is simulated; what would steer placement without
    /// being simulated (preferred node affinity, pod affinity and anti-affinity) is refused.
    static func nodeAffinity(_ node: YAMLNode) throws(ScenarioError) -> [NodeSelectorTerm] {
        var affinity = try Fields(node, "spec.affinity")
        for unsupported in ["podAffinity", "podAntiAffinity"] {
            if let value = affinity.optional(unsupported) {
                throw ScenarioError(value.location, "spec.affinity.\(unsupported) is not simulated yet; remove it")
            }
        }
        var terms: [NodeSelectorTerm] = []
        if let nodeAffinityNode = affinity.optional("nodeAffinity") {
            var nodeAffinity = try Fields(nodeAffinityNode, "spec.affinity.nodeAffinity")
            if let preferred = nodeAffinity.optional("preferredDuringSchedulingIgnoredDuringExecution") {
                throw ScenarioError(
                    preferred.location,
                    "preferredDuringSchedulingIgnoredDuringExecution is not simulated yet (it changes where pods land); remove it or make it required"
                )
            }
            if let required = nodeAffinity.optional("requiredDuringSchedulingIgnoredDuringExecution") {
                var selector = try Fields(required, "requiredDuringSchedulingIgnoredDuringExecution")
                for (index, termNode) in try selector.required("nodeSelectorTerms").list("nodeSelectorTerms")
                    .enumerated()
                {
                    var term = try Fields(termNode, "nodeSelectorTerms[\(index)]")
                    let all = NodeSelectorTerm.Requirement.Operator.allCases
                    let expressions =
                        try term.optional("matchExpressions").map { node throws(ScenarioError) in
                            try SelectorRequirements.decode(node, "matchExpressions", allowed: all)
                        } ?? []
                    let fields =
                        try term.optional("matchFields").map { node throws(ScenarioError) in
                            try SelectorRequirements.decode(node, "matchFields", allowed: all, keys: ["metadata.name"])
                        } ?? []
                    try term.finish()
                    terms.append(NodeSelectorTerm(matchExpressions: expressions, matchFields: fields))
                }
                try selector.finish()
            }
            try nodeAffinity.finish()
        }
        try affinity.finish()
        return terms
    }

    /// `spec.taints` of a Node (or a scenario node's `taints`).
    static func taints(_ node: YAMLNode, _ what: String) throws(ScenarioError) -> [Taint] {
        var taints: [Taint] = []
        for (index, item) in try node.list(what).enumerated() {
            var f = try Fields(item, "\(what)[\(index)]")
            let key = try f.required("key").string("key")
            let value = try f.optional("value")?.scalarText("value") ?? ""
            let effect = try Self.effect(f.required("effect"), required: true)!
            f.accept(["timeAdded"])
            try f.finish()
            taints.append(Taint(key: key, value: value, effect: effect))
        }
        return taints
    }

    /// `spec.tolerations` of a pod.
    static func tolerations(_ node: YAMLNode, _ what: String) throws(ScenarioError) -> [Toleration] {
        var tolerations: [Toleration] = []
        for (index, item) in try node.list(what).enumerated() {
            var f = try Fields(item, "\(what)[\(index)]")
            let key = try f.optional("key")?.string("key") ?? ""
            var op = Toleration.Operator.equal
            if let opNode = f.optional("operator") {
                let text = try opNode.string("operator")
                guard let value = Toleration.Operator(rawValue: text) else {
                    throw ScenarioError(opNode.location, "operator: expected Equal or Exists, found \"\(text)\"")
                }
                op = value
            }
            let valueNode = f.optional("value")
            let value = try valueNode?.scalarText("value") ?? ""
            if op == .exists, !value.isEmpty, let valueNode {
                throw ScenarioError(valueNode.location, "value must be empty when operator is Exists")
            }
            if key.isEmpty && op != .exists {
                throw ScenarioError(item.location, "operator must be Exists when key is empty")
            }
            let effect = try f.optional("effect").flatMap { node throws(ScenarioError) in
                try Self.effect(node, required: false)
            }
            let seconds = try f.optional("tolerationSeconds")?.int("tolerationSeconds", in: Int.min...Int.max)
            try f.finish()
            tolerations.append(
                Toleration(
                    key: key, operator: op, value: value, effect: effect, tolerationSeconds: seconds.map(Int64.init)))
        }
        return tolerations
    }

    private static func effect(_ node: YAMLNode, required: Bool) throws(ScenarioError) -> Taint.Effect? {
        let text = try node.string("effect")
        if text.isEmpty && !required { return nil }
        guard let effect = Taint.Effect(rawValue: text) else {
            let allowed = Taint.Effect.allCases.map(\.rawValue).joined(separator: ", ")
            throw ScenarioError(node.location, "effect: expected one of \(allowed), found \"\(text)\"")
        }
        return effect
    }
}
