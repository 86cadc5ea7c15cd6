import IPAM
import Wire

/// A pool with where its name and each of its CIDRs were written, so that a clash found when
/// pools are put together points at the entry that clashes.
public struct LocatedPool: Sendable {
    public var pool: AddressPool
    public var nameLocation: SourceLocation
    /// One location per `pool.cidrs` element (a range entry gives several CIDRs one location).
    public var cidrLocations: [SourceLocation]

    /// MetalLB's whole-configuration checks: pool names unique, no CIDR overlapping another,
    /// inside a pool or across pools. The error sits on the later of the two.
    static func check(_ pools: [LocatedPool]) throws(ScenarioError) {
        var names: [String: SourceLocation] = [:]
        var seen: [IPv4CIDR] = []
        for located in pools {
            if names[located.pool.name] != nil {
                throw ScenarioError(located.nameLocation, "duplicate definition of pool \"\(located.pool.name)\"")
            }
            names[located.pool.name] = located.nameLocation
            for (cidr, location) in zip(located.pool.cidrs, located.cidrLocations) {
                if let existing = seen.first(where: { $0.overlaps(cidr) }) {
                    throw ScenarioError(location, PoolConfigError.overlap(cidr: cidr, pool: located.pool.name,
                                                                          existing: existing).description)
                }
                seen.append(cidr)
            }
        }
    }
}

/// MetalLB's own configuration: the v0.9.4 ConfigMap's embedded YAML and the current
/// IPAddressPool resource, decoded strictly with MetalLB's error wording.
enum MetalLBConfigDecoder {
    /// Parses the `config` key of ConfigMap `metallb-system/config` (v0.9.4). The value is YAML
    /// inside a string; for a `|` block its lines are mapped back onto the manifest's lines.
    static func decodeV094(_ config: YAMLNode, sourceLines: [Substring]) throws(ScenarioError) -> [LocatedPool] {
        let text = try config.scalarText("data.config")
        let lineOffset = config.isBlockScalar ? config.location.line : config.location.line - 1
        let columnOffset = config.isBlockScalar ? blockIndent(after: config.location.line, in: sourceLines) : 0
        guard let root = try YAMLNode.parseAll(text, file: config.location.file, lineOffset: lineOffset,
                                               columnOffset: columnOffset).first else { return [] }
        var top = try Fields(root, "MetalLB config")
        var pools: [LocatedPool] = []
        if let list = top.optional("address-pools") {
            for (index, item) in try list.list("address-pools").enumerated() {
                pools.append(try decodeV094Pool(item, number: index + 1))
            }
        }
        if let peers = top.optional("peers"), !(try peers.list("peers")).isEmpty {
            throw ScenarioError(peers.location, "peers: BGP is not simulated; lbsim models layer2 only")
        }
        top.accept(["bgp-communities"])
        try top.finish()
        try LocatedPool.check(pools)
        return pools
    }

    private static func decodeV094Pool(_ node: YAMLNode, number: Int) throws(ScenarioError) -> LocatedPool {
        var fields = try Fields(node, "address pool #\(number)")
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
            proto = value
        } else {
            throw ScenarioError(node.location, "parsing address pool #\(number): address pool is missing the protocol field")
        }
        let avoid = try fields.optional("avoid-buggy-ips")?.bool("avoid-buggy-ips") ?? false
        let autoAssign = try fields.optional("auto-assign")?.bool("auto-assign") ?? true
        guard let addressesNode = fields.optional("addresses"), !(try addressesNode.list("addresses")).isEmpty else {
            throw ScenarioError(node.location, "parsing address pool #\(number): pool has no prefixes defined")
        }
        var cidrs: [IPv4CIDR] = []
        var locations: [SourceLocation] = []
        for entry in try addressesNode.list("addresses") {
            let text = try entry.scalarText("addresses entry")
            do {
                let parsed = try AddressPool.parseAddresses(text)
                cidrs += parsed
                locations += Array(repeating: entry.location, count: parsed.count)
            } catch {
                throw ScenarioError(entry.location,
                                    "parsing address pool #\(number): invalid CIDR \"\(text)\" in pool \"\(name)\": \(error)")
            }
        }
        if let ads = fields.optional("bgp-advertisements"), proto == .layer2, !(try ads.list("bgp-advertisements")).isEmpty {
            throw ScenarioError(ads.location,
                                "parsing address pool #\(number): cannot have bgp-advertisements configuration element in a layer2 address pool")
        }
        try fields.finish()
        return LocatedPool(pool: AddressPool(name: name, protocol: proto, cidrs: cidrs, avoidBuggyIPs: avoid,
                                             autoAssign: autoAssign),
                           nameLocation: nameNode.location, cidrLocations: locations)
    }

    /// Decodes an IPAddressPool's spec (current MetalLB).
    static func decodeIPAddressPool(name: String, nameLocation: SourceLocation,
                                    spec node: YAMLNode) throws(ScenarioError) -> LocatedPool {
        var spec = try Fields(node, "IPAddressPool spec")
        let addressesNode = try spec.required("addresses")
        var cidrs: [IPv4CIDR] = []
        var locations: [SourceLocation] = []
        for entry in try addressesNode.list("spec.addresses") {
            let text = try entry.scalarText("spec.addresses entry")
            do {
                let parsed = try AddressPool.parseAddresses(text)
                cidrs += parsed
                locations += Array(repeating: entry.location, count: parsed.count)
            } catch {
                throw ScenarioError(entry.location, "invalid CIDR \"\(text)\" in pool \"\(name)\": \(error)")
            }
        }
        let autoAssign = try spec.optional("autoAssign")?.bool("spec.autoAssign") ?? true
        let avoid = try spec.optional("avoidBuggyIPs")?.bool("spec.avoidBuggyIPs") ?? false
        if let allocation = spec.optional("serviceAllocation") {
            throw ScenarioError(allocation.location, "spec.serviceAllocation is not simulated yet; remove it")
        }
        try spec.finish()
        return LocatedPool(pool: AddressPool(name: name, protocol: .layer2, cidrs: cidrs, avoidBuggyIPs: avoid,
                                             autoAssign: autoAssign),
                           nameLocation: nameLocation, cidrLocations: locations)
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
