import Cluster
import IPAM
import Wire

/// A pool with where its name and each of its CIDRs were written, so that a clash found when
/// pools are put together points at the entry that clashes.
public struct LocatedPool: Sendable {
    public var pool: AddressPool
    /// The IPAddressPool's labels (L2Advertisements' `ipAddressPoolSelectors` match them).
    public var labels: [String: String] = [:]
    public var nameLocation: SourceLocation
    /// One location per `pool.cidrs` element (a range entry gives several CIDRs one location).
    public var cidrLocations: [SourceLocation]

    /// MetalLB's whole-configuration checks (IPAM's `firstPoolConflict`), reported where the
    /// clashing name or CIDR was written.
    static func check(_ pools: [LocatedPool]) throws(ScenarioError) {
        guard let conflict = firstPoolConflict(pools.map(\.pool)) else { return }
        let located = pools[conflict.pool]
        let location = conflict.cidr.map { located.cidrLocations[$0] } ?? located.nameLocation
        throw ScenarioError(location, conflict.error.description)
    }
}

/// MetalLB's own configuration: the v0.9.4 ConfigMap's embedded YAML and the current
/// IPAddressPool resource, decoded strictly with MetalLB's error wording.
enum MetalLBConfigDecoder {
    /// Parses the `config` key of ConfigMap `metallb-system/config` (v0.9.4). The value is YAML
    /// inside a string; for a `|` block its lines are mapped back onto the manifest's lines.
    static func decodeV094(
        _ config: YAMLNode, sourceLines: [Substring],
        warnings: inout [ScenarioWarning]
    ) throws(ScenarioError) -> [LocatedPool] {
        let text = try config.scalarText("data.config")
        let lineOffset = config.isBlockScalar ? config.location.line : config.location.line - 1
        let columnOffset = config.isBlockScalar ? blockIndent(after: config.location.line, in: sourceLines) : 0
        guard
            let root = try YAMLNode.parseAll(
                text, file: config.location.file, lineOffset: lineOffset,
                columnOffset: columnOffset
            ).first
        else { return [] }
        var top = try Fields(root, "MetalLB config")
        var pools: [LocatedPool] = []
        if let list = top.optional("address-pools") {
            for (index, item) in try list.list("address-pools").enumerated() {
                pools.append(try decodeV094Pool(item, number: index + 1, warnings: &warnings))
            }
        }
        if let peers = top.optional("peers"), !(try peers.list("peers")).isEmpty {
            throw ScenarioError(
                top.keyLocation("peers") ?? peers.location,
                "peers: BGP mode is not simulated yet; lbsim models layer2 only")
        }
        top.accept(["bgp-communities"])
        try top.finish()
        try LocatedPool.check(pools)
        return pools
    }

    private static func decodeV094Pool(
        _ node: YAMLNode, number: Int,
        warnings: inout [ScenarioWarning]
    ) throws(ScenarioError) -> LocatedPool {
        var fields = try Fields(node, "address pool #\(number)")
        try fields.allowOnly(["name", "protocol", "addresses", "avoid-buggy-ips", "auto-assign", "bgp-advertisements"])
        guard let nameNode = fields.optional("name") else {
            throw ScenarioError(node.location, "parsing address pool #\(number): missing pool name")
        }
        let name = try nameNode.string("name")
        let proto: PoolProtocol
        if let protoNode = fields.optional("protocol") {
            let text = try protoNode.string("protocol")
            guard let value = PoolProtocol(rawValue: text) else {
                throw ScenarioError(protoNode.location, "parsing address pool #\(number): unknown protocol \"\(text)\"")
            }
            // A BGP pool would win allocations that nothing here announces: refused, never a
            // silently dark address.
            guard value == .layer2 else {
                throw ScenarioError(
                    protoNode.location,
                    "address pool \"\(name)\": protocol bgp: BGP mode is not simulated yet; lbsim models layer2 only")
            }
            proto = value
        } else {
            throw ScenarioError(
                node.location, "parsing address pool #\(number): address pool is missing the protocol field")
        }
        let avoid = try fields.optional("avoid-buggy-ips")?.bool("avoid-buggy-ips") ?? false
        let autoAssign = try fields.optional("auto-assign")?.bool("auto-assign") ?? true
        guard let addressesNode = fields.optional("addresses"), !(try addressesNode.list("addresses")).isEmpty else {
            throw ScenarioError(node.location, "parsing address pool #\(number): pool has no prefixes defined")
        }
        var cidrs: [IPPrefix] = []
        var locations: [SourceLocation] = []
        for entry in try addressesNode.list("addresses") {
            let text = try entry.scalarText("addresses entry")
            do {
                let parsed = try AddressPool.parseAddresses(text)
                cidrs += parsed
                locations += Array(repeating: entry.location, count: parsed.count)
            } catch .rangeStartAfterEnd {
                // v0.9.4 did not check the order: a reversed range summarises to no prefix.
                warnings.append(
                    ScenarioWarning(
                        location: entry.location,
                        message:
                            "range \"\(text)\" in pool \"\(name)\" starts after it ends: MetalLB v0.9.4 accepts it and it contributes no addresses (current rejects it)"
                    ))
            } catch {
                throw ScenarioError(
                    entry.location,
                    "parsing address pool #\(number): invalid CIDR \"\(text)\" in pool \"\(name)\": \(error)")
            }
        }
        if let ads = fields.optional("bgp-advertisements"), proto == .layer2,
            !(try ads.list("bgp-advertisements")).isEmpty
        {
            throw ScenarioError(
                ads.location,
                "parsing address pool #\(number): cannot have bgp-advertisements configuration element in a layer2 address pool"
            )
        }
        try fields.finish()
        return LocatedPool(
            pool: AddressPool(
                name: name, protocol: proto, cidrs: cidrs, avoidBuggyIPs: avoid,
                autoAssign: autoAssign),
            nameLocation: nameNode.location, cidrLocations: locations)
    }

    /// Decodes an IPAddressPool's spec (current MetalLB).
    static func decodeIPAddressPool(
        name: String, labels: [String: String], nameLocation: SourceLocation,
        spec node: YAMLNode
    ) throws(ScenarioError) -> LocatedPool {
        var spec = try Fields(node, "IPAddressPool spec")
        try spec.allowOnly(["addresses", "autoAssign", "avoidBuggyIPs", "serviceAllocation"])
        let addressesNode = try spec.required("addresses")
        var cidrs: [IPPrefix] = []
        var locations: [SourceLocation] = []
        let entries = try addressesNode.list("spec.addresses")
        if entries.isEmpty {
            throw ScenarioError(addressesNode.location, "parsing address pool \(name): pool has no prefixes defined")
        }
        for entry in entries {
            let text = try entry.scalarText("spec.addresses entry")
            do {
                let parsed = try AddressPool.parseAddresses(text)
                cidrs += parsed
                locations += Array(repeating: entry.location, count: parsed.count)
            } catch {
                throw ScenarioError(
                    entry.location,
                    "parsing address pool \(name): invalid CIDR \"\(text)\" in pool \"\(name)\": \(error)")
            }
        }
        let autoAssign = try spec.optional("autoAssign")?.bool("spec.autoAssign") ?? true
        let avoid = try spec.optional("avoidBuggyIPs")?.bool("spec.avoidBuggyIPs") ?? false
        var allocation: ServiceAllocation?
        if let allocationNode = spec.optional("serviceAllocation") {
            allocation = try decodeServiceAllocation(allocationNode, pool: name)
        }
        try spec.finish()
        return LocatedPool(
            pool: AddressPool(
                name: name, protocol: .layer2, cidrs: cidrs, avoidBuggyIPs: avoid,
                autoAssign: autoAssign, serviceAllocation: allocation),
            labels: labels, nameLocation: nameLocation, cidrLocations: locations)
    }

    /// `spec.serviceAllocation`: priority, namespaces, namespaceSelectors, serviceSelectors,
    /// with MetalLB's duplicate checks.
    private static func decodeServiceAllocation(_ node: YAMLNode, pool: String) throws(ScenarioError)
        -> ServiceAllocation
    {
        var fields = try Fields(node, "spec.serviceAllocation")
        let priority = try fields.optional("priority")?.int("serviceAllocation.priority", in: 0...Int(Int32.max)) ?? 0
        var namespaces: [String] = []
        if let list = fields.optional("namespaces") {
            for item in try list.list("serviceAllocation.namespaces") {
                let namespace = try item.string("serviceAllocation.namespaces entry")
                if namespaces.contains(namespace) {
                    throw ScenarioError(
                        item.location, "parsing address pool \(pool): duplicate definition in namespaces field")
                }
                namespaces.append(namespace)
            }
        }
        let namespaceSelectors =
            try fields.optional("namespaceSelectors").map { node throws(ScenarioError) in
                try selectors(node, "namespaceSelectors", pool: pool)
            } ?? []
        let serviceSelectors =
            try fields.optional("serviceSelectors").map { node throws(ScenarioError) in
                try selectors(node, "serviceSelectors", pool: pool)
            } ?? []
        try fields.finish()
        return ServiceAllocation(
            priority: priority, namespaces: namespaces, namespaceSelectors: namespaceSelectors,
            serviceSelectors: serviceSelectors)
    }

    /// A list of `metav1.LabelSelector`s, refusing duplicates as MetalLB does.
    static func selectors(_ node: YAMLNode, _ what: String, pool: String? = nil) throws(ScenarioError)
        -> [ResourceSelector]
    {
        var result: [ResourceSelector] = []
        for item in try node.list(what) {
            let selector = try labelSelector(item, what)
            if result.contains(selector) {
                let prefix = pool.map { "parsing address pool \($0): " } ?? ""
                throw ScenarioError(item.location, "\(prefix)duplicate definition of \(what)")
            }
            result.append(selector)
        }
        return result
    }

    /// An L2Advertisement's `preferredNodeSelectors`: each a `weight` from 1 to 100 (the CRD's
    /// validation, api/v1beta1/l2advertisement_types.go) and a `preference` label selector.
    static func preferredNodeSelectors(_ node: YAMLNode) throws(ScenarioError) -> [PreferredNodeSelector] {
        var result: [PreferredNodeSelector] = []
        for item in try node.list("preferredNodeSelectors") {
            var fields = try Fields(item, "preferredNodeSelectors")
            let weightNode = try fields.required("weight")
            let weight = try weightNode.int("preferredNodeSelectors.weight")
            guard (1...100).contains(weight) else {
                throw ScenarioError(
                    weightNode.location,
                    "preferredNodeSelectors.weight: should be greater than or equal to 1 and less than or equal to 100, found \(weight)"
                )
            }
            let preference = try labelSelector(fields.required("preference"), "preferredNodeSelectors.preference")
            try fields.finish()
            result.append(PreferredNodeSelector(weight: Int64(weight), preference: preference))
        }
        return result
    }

    /// One `metav1.LabelSelector`: `matchLabels` and `matchExpressions` (In, NotIn, Exists,
    /// DoesNotExist, with Kubernetes' rules on `values`).
    static func labelSelector(_ node: YAMLNode, _ what: String) throws(ScenarioError) -> ResourceSelector {
        var fields = try Fields(node, what)
        let matchLabels = try fields.optional("matchLabels")?.stringMap("\(what).matchLabels") ?? [:]
        var expressions: [ResourceSelector.Requirement] = []
        if let list = fields.optional("matchExpressions") {
            expressions = try SelectorRequirements.decode(
                list, "\(what).matchExpressions", allowed: ResourceSelector.Requirement.Operator.labelSelector)
        }
        try fields.finish()
        return ResourceSelector(matchLabels: matchLabels, matchExpressions: expressions)
    }

    /// The indentation of a block scalar's content, read off the manifest's first non-blank line
    /// after the `|`: libyaml strips it, so columns inside the embedded YAML shift by it.
    private static func blockIndent(after line: Int, in sourceLines: [Substring]) -> Int {
        var index = line  // 0-based index of the line after `line` (1-based)
        while index < sourceLines.count {
            let raw = sourceLines[index]
            if !raw.allSatisfy({ $0 == " " || $0 == "\t" }) {
                return raw.prefix(while: { $0 == " " }).count
            }
            index += 1
        }
        return 0
    }
}
