import Cluster
import Wire

/// Hand-written v1 Endpoints and discovery.k8s.io/v1 EndpointSlices: the backends of a Service
/// without a selector. Each address keeps where it was written (`fieldLocations`, keyed
/// `address N`), for the validator's check that it is something the scenario models.
extension ManifestDecoder {
    /// `subsets[]`: `addresses` (ready) and `notReadyAddresses`, each `{ip, nodeName}`, with the
    /// subset's `ports` (`{name, port, protocol}`).
    func decodeEndpoints(_ top: inout Fields, meta: ObjectMeta, document: YAMLNode) throws(ScenarioError)
        -> LocatedObject
    {
        var endpoints: [ManualEndpoint] = []
        var locations: [String: SourceLocation] = [:]
        for subset in try top.optional("subsets")?.list("subsets") ?? [] {
            var fields = try Fields(subset, "Endpoints subset")
            let ports = try endpointPorts(fields.optional("ports"), "subsets[].ports")
            for (key, ready) in [("addresses", true), ("notReadyAddresses", false)] {
                for item in try fields.optional(key)?.list("subsets[].\(key)") ?? [] {
                    var address = try Fields(item, "subsets[].\(key)[]")
                    let ipNode = try address.required("ip")
                    let ip = try Self.address(ipNode, "subsets[].\(key)[].ip")
                    let nodeName = try address.optional("nodeName")?.string("subsets[].\(key)[].nodeName")
                    address.accept(["hostname", "targetRef"])
                    try address.finish()
                    locations["address \(endpoints.count)"] = ipNode.location
                    endpoints.append(ManualEndpoint(address: ip, nodeName: nodeName, ready: ready, ports: ports))
                }
            }
            try fields.finish()
        }
        top.accept(KubernetesFields.topLevel)
        try top.finish()
        let skipMirror = meta.labels["endpointslice.kubernetes.io/skip-mirror"] == "true"
        return LocatedObject(
            object: .endpoints(service: meta.key, endpoints, skipMirror: skipMirror), location: document.location,
            kind: "Endpoints", name: meta.key, fieldLocations: locations)
    }

    /// An EndpointSlice belongs to the Service its `kubernetes.io/service-name` label names.
    /// Slices the endpoint controllers made (`endpointslice.kubernetes.io/managed-by`) are
    /// derived state, as in a `kubectl get -o yaml` dump, and a slice naming no Service, or of
    /// addressType FQDN (kube-proxy ignores those), is used by nobody: each is skipped with a
    /// warning. kube-proxy takes an endpoint's first address only.
    mutating func decodeEndpointSlice(_ top: inout Fields, meta: ObjectMeta, document: YAMLNode)
        throws(ScenarioError) -> LocatedObject?
    {
        let typeNode = try top.required("addressType")
        let addressType = try typeNode.string("addressType")
        guard ["IPv4", "IPv6", "FQDN"].contains(addressType) else {
            throw ScenarioError(
                typeNode.location,
                "addressType: Unsupported value: \"\(addressType)\": supported values: \"FQDN\", \"IPv4\", \"IPv6\"")
        }
        let ports = try endpointPorts(top.optional("ports"), "ports")
        var endpoints: [ManualEndpoint] = []
        var locations: [String: SourceLocation] = [:]
        for item in try top.optional("endpoints")?.list("endpoints") ?? [] {
            var fields = try Fields(item, "endpoints[]")
            let addresses = try fields.required("addresses").list("endpoints[].addresses")
            guard let first = addresses.first else {
                throw ScenarioError(
                    item.location, "endpoints[].addresses: Required value: must contain at least 1 address")
            }
            var ready = true
            var serving: Bool?
            if let conditions = fields.optional("conditions") {
                var c = try Fields(conditions, "endpoints[].conditions")
                ready = try c.optional("ready")?.bool("conditions.ready") ?? true
                serving = try c.optional("serving")?.bool("conditions.serving")
                c.accept(["terminating"])
                try c.finish()
            }
            let nodeName = try fields.optional("nodeName")?.string("endpoints[].nodeName")
            fields.accept(["hostname", "targetRef", "zone", "hints", "deprecatedTopology"])
            try fields.finish()
            guard addressType != "FQDN" else { continue }
            let ip = try Self.address(first, "endpoints[].addresses[0]")
            guard (addressType == "IPv4") == (ip.family == .ipv4) else {
                throw ScenarioError(first.location, "endpoints[].addresses[0]: \(ip) is not an \(addressType) address")
            }
            locations["address \(endpoints.count)"] = first.location
            endpoints.append(
                ManualEndpoint(address: ip, nodeName: nodeName, ready: ready, serving: serving, ports: ports))
        }
        top.accept(KubernetesFields.topLevel)
        try top.finish()
        if let manager = meta.labels["endpointslice.kubernetes.io/managed-by"],
            manager == "endpointslice-controller.k8s.io" || manager == "endpointslicemirroring-controller.k8s.io"
        {
            warnings.append(
                ScenarioWarning(
                    location: document.location,
                    message: "EndpointSlice \(meta.key) is managed by \(manager), which lbsim runs itself: skipped"))
            return nil
        }
        guard let service = meta.labels["kubernetes.io/service-name"] else {
            warnings.append(
                ScenarioWarning(
                    location: document.location,
                    message:
                        "EndpointSlice \(meta.key) has no kubernetes.io/service-name label, so no Service uses it: skipped"
                ))
            return nil
        }
        if addressType == "FQDN" {
            warnings.append(
                ScenarioWarning(
                    location: document.location,
                    message: "EndpointSlice \(meta.key) has addressType FQDN, which kube-proxy ignores: skipped"))
            return nil
        }
        return LocatedObject(
            object: .endpointSlice(service: "\(meta.namespace)/\(service)", name: meta.name, endpoints),
            location: document.location, kind: "EndpointSlice", name: meta.key, fieldLocations: locations)
    }

    private static func address(_ node: YAMLNode, _ what: String) throws(ScenarioError) -> IPAddress {
        let text = try node.scalarText(what)
        guard let ip = IPAddress(text) else {
            throw ScenarioError(node.location, "\(what): expected an IPv4 or IPv6 address, found \"\(text)\"")
        }
        return ip
    }

    private func endpointPorts(_ node: YAMLNode?, _ what: String) throws(ScenarioError) -> [ManualEndpoint.Port] {
        var ports: [ManualEndpoint.Port] = []
        for item in try node?.list(what) ?? [] {
            var fields = try Fields(item, what)
            let name = try fields.optional("name")?.string("\(what).name") ?? ""
            let port = try fields.required("port").int("\(what).port", in: 1...65535)
            let proto = try fields.optional("protocol")?.string("\(what).protocol") ?? "TCP"
            fields.accept(["appProtocol"])
            try fields.finish()
            ports.append(ManualEndpoint.Port(name: name, port: port, protocol: proto))
        }
        return ports
    }
}
