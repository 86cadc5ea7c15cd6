import Cluster
import IPAM
import Wire

/// Turns Kubernetes manifests (as `kubectl get -o yaml` or a hand-written file gives them)
/// into `KubernetesObject`s, strictly: unknown fields are errors with their location.
struct ManifestDecoder {
    var warnings: [ScenarioWarning] = []
    /// The lines of the file being decoded, to map embedded YAML back onto it.
    var sourceLines: [Substring] = []

    mutating func decode(_ document: YAMLNode) throws(ScenarioError) -> LocatedObject? {
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
            let pod = Pod(meta: meta, nodeName: spec.nodeName, ready: false, readinessDelaySeconds: spec.readinessDelay)
            guard let nodeNameLocation = spec.nodeNameLocation else {
                throw ScenarioError(
                    document.location,
                    "Pod \(meta.key) has no spec.nodeName: give it one, or use a Deployment for the scheduler to place")
            }
            var object = LocatedObject(object: .pod(pod), location: document.location, kind: kind, name: meta.key)
            object.fieldLocations["spec.nodeName"] = nodeNameLocation
            return object
        case ("apps/v1", "Deployment"):
            let meta = try objectMeta(top.required("metadata"), what)
            let deployment = try decodeDeployment(meta: meta, spec: top.required("spec"))
            top.accept(KubernetesFields.topLevel)
            try top.finish()
            return LocatedObject(
                object: .deployment(deployment), location: document.location, kind: kind, name: meta.key)
        case ("v1", "Node"):
            let meta = try objectMeta(top.required("metadata"), what, namespaced: false)
            if let specNode = top.optional("spec") {
                var spec = try Fields(specNode, "Node spec")
                if let taints = spec.optional("taints"), !(try taints.list("taints")).isEmpty {
                    throw ScenarioError(taints.location, "Node taints are not simulated yet; remove spec.taints")
                }
                spec.accept(["podCIDR", "podCIDRs", "providerID", "unschedulable"])
                try spec.finish()
            }
            top.accept(KubernetesFields.topLevel)
            try top.finish()
            return LocatedObject(
                object: .node(name: meta.name, labels: meta.labels), location: document.location,
                kind: kind, name: meta.name)
        case ("v1", "Namespace"):
            let meta = try objectMeta(top.required("metadata"), what, namespaced: false)
            top.accept(["spec"] + KubernetesFields.topLevel)
            try top.finish()
            return LocatedObject(
                object: .namespace(name: meta.name, labels: meta.labels), location: document.location,
                kind: kind, name: meta.name)
        case (let group, "BGPPeer"), (let group, "BGPAdvertisement"):
            guard group.hasPrefix("metallb.io/") else { fallthrough }
            // Pools it advertises would hold addresses that nothing here announces.
            throw ScenarioError(
                document.location, "\(apiVersion) \(kind): BGP mode is not simulated yet; lbsim models layer2 only")
        default:
            warnings.append(
                ScenarioWarning(
                    location: document.location,
                    message: "\(apiVersion) \(kind) is not simulated: skipped"))
            return nil
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

    private func objectMeta(_ node: YAMLNode, _ kind: String, namespaced: Bool = true) throws(ScenarioError)
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
                let target = try f.optional("targetPort")?.scalarText("targetPort")
                let nodePort = try f.optional("nodePort")?.int("nodePort", in: 1...65535)
                f.accept(KubernetesFields.servicePort)
                try f.finish()
                ports.append(
                    ServicePort(name: name, protocol: proto, port: port, targetPort: target, nodePort: nodePort))
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
            if text != "None" && !text.isEmpty {
                guard let ip = IPAddress(text) else {
                    throw ScenarioError(
                        c.location, "spec.clusterIP: expected an IPv4 or IPv6 address or None, found \"\(text)\"")
                }
                clusterIP = ip.description
            }
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
        for unsupported in ["loadBalancerClass", "loadBalancerSourceRanges", "externalIPs", "externalName"] {
            if let value = spec.optional(unsupported) {
                throw ScenarioError(value.location, "spec.\(unsupported) is not simulated yet; remove it")
            }
        }
        spec.accept(KubernetesFields.serviceSpec)
        try spec.finish()
        return Service(
            meta: meta, type: type, clusterIP: clusterIP, ports: ports, selector: LabelSelector(selector),
            loadBalancerIP: lbIP, externalTrafficPolicy: policy, ipFamilies: families,
            ipFamilyPolicy: familyPolicy)
    }

    struct PodSpec {
        var nodeName: String?
        var nodeNameLocation: SourceLocation?
        var nodeSelector: [String: String]
        var readinessDelay: Int
    }

    private func decodePodSpec(_ node: YAMLNode, _ what: String) throws(ScenarioError) -> PodSpec {
        var spec = try Fields(node, what)
        let nodeNameNode = spec.optional("nodeName")
        let nodeName = try nodeNameNode?.string("spec.nodeName")
        let nodeSelector = try spec.optional("nodeSelector")?.stringMap("spec.nodeSelector") ?? [:]
        var readiness = 0
        let containers = try spec.required("containers").list("spec.containers")
        if containers.isEmpty { throw ScenarioError(node.location, "\(what): spec.containers must not be empty") }
        for (index, item) in containers.enumerated() {
            var c = try Fields(item, "spec.containers[\(index)]")
            _ = try c.required("name").string("name")
            _ = try c.optional("image")?.string("image")
            if let probeNode = c.optional("readinessProbe") {
                var probe = try Fields(probeNode, "readinessProbe")
                if let delay = probe.optional("initialDelaySeconds") {
                    readiness = max(readiness, try delay.int("initialDelaySeconds", in: 0...86400))
                }
                probe.accept(KubernetesFields.probe)
                try probe.finish()
            }
            c.accept(KubernetesFields.container)
            try c.finish()
        }
        for unsupported in ["affinity", "topologySpreadConstraints"] {
            if let value = spec.optional(unsupported) {
                throw ScenarioError(
                    value.location, "spec.\(unsupported) is not simulated yet; use nodeName or nodeSelector")
            }
        }
        spec.accept(KubernetesFields.podSpec)
        try spec.finish()
        return PodSpec(
            nodeName: nodeName, nodeNameLocation: nodeNameNode?.location, nodeSelector: nodeSelector,
            readinessDelay: readiness)
    }

    private func decodeDeployment(meta: ObjectMeta, spec node: YAMLNode) throws(ScenarioError) -> Deployment {
        var spec = try Fields(node, "Deployment spec")
        let replicas = try spec.optional("replicas")?.int("spec.replicas", in: 0...10000) ?? 1
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
        spec.accept(KubernetesFields.deploymentSpec)
        try spec.finish()
        var nodeSelector = podSpec.nodeSelector
        if let name = podSpec.nodeName { nodeSelector["kubernetes.io/hostname"] = name }
        return Deployment(
            meta: meta, replicas: replicas, selector: LabelSelector(matchLabels), podLabels: labels,
            nodeSelector: nodeSelector, readinessDelaySeconds: podSpec.readinessDelay)
    }
}
