import Cluster
import Engine
import Membership
import Simulation
import Wire

/// Reads a scenario file (and the manifests it names) into a validated `Scenario`.
///
/// Every problem is a `ScenarioError` naming file, line and column. Nothing is written or run
/// until loading has succeeded, so a bad scenario never overwrites a good run's outputs.
public struct ScenarioLoader {
    public var files: FileSource

    public init(files: FileSource = DiskFiles()) { self.files = files }

    public func load(_ path: String) throws(ScenarioError) -> Scenario {
        guard let text = files.read(path) else {
            throw ScenarioError(SourceLocation(file: path, line: 1, column: 1), "cannot read scenario file")
        }
        return try load(text: text, file: path)
    }

    public func load(text: String, file: String) throws(ScenarioError) -> Scenario {
        guard let root = try YAMLNode.parse(text, file: file) else {
            throw ScenarioError(SourceLocation(file: file, line: 1, column: 1), "the scenario is empty")
        }
        var top = try Fields(root, "the scenario")
        let name = try top.required("name").string("name")
        let seed = try top.optional("seed")?.uint64("seed") ?? 1
        let durationNode = try top.required("duration")
        let duration = try durationNode.duration("duration")
        guard duration > .zero else { throw ScenarioError(durationNode.location, "duration: must be longer than zero") }

        var version = MetalLBVersion.current
        var memberlist = MemberlistMode.lan
        var ignoreExcludeLB = false
        if let metallb = top.optional("metallb") {
            var f = try Fields(metallb, "metallb")
            if let v = f.optional("version") {
                let text = try v.string("metallb.version")
                guard let value = MetalLBVersion(rawValue: text) else {
                    throw ScenarioError(v.location, "metallb.version: expected v0.9.4 or current, found \"\(text)\"")
                }
                version = value
            }
            if let v = f.optional("ignoreExcludeLB") {
                ignoreExcludeLB = try v.bool("metallb.ignoreExcludeLB")
                if version != .current, ignoreExcludeLB {
                    throw ScenarioError(
                        v.location,
                        "metallb.ignoreExcludeLB: only current MetalLB has the --ignore-exclude-lb flag; v0.9.4 ignores the label anyway"
                    )
                }
            }
            if let m = f.optional("memberlist") {
                let text = try m.string("metallb.memberlist")
                guard let mode = MemberlistMode(rawValue: text) else {
                    throw ScenarioError(
                        m.location, "metallb.memberlist: expected lan, wan or disabled, found \"\(text)\"")
                }
                // v0.9.4's speakerlist always builds memberlist's DefaultLANConfig
                // (internal/speakerlist/speakerlist.go); the WAN profile came with current's
                // option for it.
                if mode == .wan, version == .v0_9_4 {
                    throw ScenarioError(
                        m.location,
                        "metallb.memberlist: v0.9.4 runs memberlist's LAN profile only (speakerlist builds DefaultLANConfig); wan needs version: current"
                    )
                }
                memberlist = mode
            }
            try f.finish()
        }

        var world = WorldConfig(
            seed: seed, duration: duration, version: version,
            membership: memberlist.membership,
            nodes: [], clients: [])
        world.ignoreExcludeLB = ignoreExcludeLB
        // A scenario describes a running cluster unless it asks to watch the speakers start.
        world.warmStart = .standard
        if let segment = top.optional("segment") {
            var f = try Fields(segment, "segment")
            if let v = f.optional("interface") { world.interfaceName = try interfaceName(v) }
            if let v = f.optional("latency") { world.latency = try v.duration("segment.latency") }
            if let v = f.optional("loss") { world.lossPPM = try v.percentPPM("segment.loss") }
            if let v = f.optional("fdbAging") { world.fdbAging = try v.duration("segment.fdbAging") }
            try f.finish()
        }
        if let kubernetes = top.optional("kubernetes") {
            var f = try Fields(kubernetes, "kubernetes")
            if let v = f.optional("watchDelay") { world.watchDelay = try v.duration("kubernetes.watchDelay") }
            if let v = f.optional("podReadyDelay") { world.podReadyDelay = try v.duration("kubernetes.podReadyDelay") }
            if let v = f.optional("nodeStatusUpdateFrequency") {
                world.nodeLifecycle.statusUpdateFrequency = try positive(v, "kubernetes.nodeStatusUpdateFrequency")
            }
            if let v = f.optional("nodeMonitorPeriod") {
                world.nodeLifecycle.monitorPeriod = try positive(v, "kubernetes.nodeMonitorPeriod")
            }
            if let v = f.optional("nodeMonitorGracePeriod") {
                world.nodeLifecycle.gracePeriod = try v.duration("kubernetes.nodeMonitorGracePeriod")
            }
            if let v = f.optional("tolerationSeconds") {
                world.nodeLifecycle.tolerationSeconds = try v.duration("kubernetes.tolerationSeconds")
            }
            if let v = f.optional("coldStart"), try v.bool("kubernetes.coldStart") { world.warmStart = nil }
            try f.finish()
        }

        var hosts = HostRegistry()
        for (index, item) in try top.required("nodes").list("nodes").enumerated() {
            world.nodes.append(try decodeNode(item, index: index, segmentInterface: world.interfaceName, hosts: &hosts))
        }
        if world.nodes.isEmpty { throw ScenarioError(root.location, "nodes: the cluster needs at least one node") }
        if let clients = top.optional("clients") {
            for (index, item) in try clients.list("clients").enumerated() {
                world.clients.append(try decodeClient(item, index: index, hosts: &hosts))
            }
        }

        Subnets.assign(&world, written: hosts.written)
        for client in world.clients {
            guard let probe = client.probe, case .v4(let target) = probe.target else { continue }
            let subnet = IPv4CIDR(network: client.ip, prefixLength: client.prefixLength)
            if !subnet.contains(target) {
                throw ScenarioError(
                    hosts.probeTargets[client.name] ?? root.location,
                    "client \(client.name)'s probe target \(target) is not on-link (its subnet is \(subnet)): it would go through a gateway, which lbsim does not model; put the client on the target's subnet (ip: A/len)"
                )
            }
        }

        var decoder = ManifestDecoder()
        var manifests: [LocatedObject] = []
        if let list = top.optional("manifests") {
            for item in try list.list("manifests") {
                manifests += try loadManifestEntry(item, scenarioFile: file, decoder: &decoder)
            }
        }

        var written: [TimelineEntry] = []
        var ids: [String: SourceLocation] = [:]
        if let list = top.optional("timeline") {
            for (index, item) in try list.list("timeline").enumerated() {
                written.append(
                    try decodeTimelineEntry(item, index: index, scenarioFile: file, decoder: &decoder, ids: &ids))
            }
        }
        // At base values (each draw's first choice or lower bound) until the seed is applied.
        let timeline = DrawPlan.ordered(written)

        // Each id's earliest and latest time, for expectations that refer to it.
        var times: [String: ClosedRange<SimTime>] = [:]
        for entry in written { if let id = entry.id { times[id] = entry.possibleTimes } }
        var expectations: [Expectation] = []
        if let list = top.optional("expect") {
            for (index, item) in try list.list("expect").enumerated() {
                expectations.append(try decodeExpectation(item, index: index, world: world, times: times))
            }
        }

        var output = OutputSpec()
        if let node = top.optional("output") {
            var f = try Fields(node, "output")
            if let v = f.optional("pcap") { output.pcap = try outputFileName(v, "output.pcap") }
            if let v = f.optional("perNode") { output.perNode = try v.bool("output.perNode") }
            if let v = f.optional("filter") {
                output.filter = try v.string("output.filter")
                output.filterLocation = v.location
            }
            try f.finish()
        }
        try top.finish()

        // Every pool the scenario ever configures, initially or later.
        let applied = written.flatMap { entry -> [LocatedObject] in
            if case .apply(let objects) = entry.action { objects } else { [] }
        }
        let pools = (manifests + applied).flatMap { object -> [LocatedPool] in
            switch object.object {
            case .ipAddressPool(let pool): [pool]
            case .metalLBConfigMap(let pools): pools
            default: []
            }
        }
        var scenario = Scenario(
            file: file, name: name, world: world, memberlist: memberlist,
            manifests: manifests, timeline: timeline, expectations: expectations,
            output: output, warnings: decoder.warnings + Subnets.offLinkPoolWarnings(pools, world: world))
        if written.contains(where: { !$0.draws.isEmpty }) || expectations.contains(where: { !$0.references.isEmpty }) {
            scenario.drawPlan = DrawPlan(timeline: written, expectations: expectations)
        }
        // Validated at base values, every choice of every draw included; then drawn for the seed.
        try ScenarioValidator.validate(scenario)
        scenario.redraw()
        return scenario
    }

    /// A duration that drives a periodic timer: zero would never advance.
    private func positive(_ node: YAMLNode, _ what: String) throws(ScenarioError) -> SimDuration {
        let value = try node.duration(what)
        guard value > .zero else { throw ScenarioError(node.location, "\(what): must be longer than zero") }
        return value
    }

    // MARK: hosts

    struct HostRegistry {
        var names: [String: SourceLocation] = [:]
        var macs: [MACAddress: SourceLocation] = [:]
        var ips: [IPv4Address: SourceLocation] = [:]
        var ipv6s: [IPv6Address: SourceLocation] = [:]
        /// Prefix lengths written with the hosts' addresses.
        var written: [Subnets.Written] = []
        /// Where each client's probe target is written.
        var probeTargets: [String: SourceLocation] = [:]

        mutating func register(
            name: String, mac: MACAddress, ip: IPv4Address, nameAt: SourceLocation,
            macAt: SourceLocation, ipAt: SourceLocation
        ) throws(ScenarioError) {
            if let first = names[name] { throw ScenarioError(nameAt, "name \"\(name)\" is already used at \(first)") }
            if let first = macs[mac] { throw ScenarioError(macAt, "MAC \(mac) is already used at \(first)") }
            if let first = ips[ip] { throw ScenarioError(ipAt, "IP \(ip) is already used at \(first)") }
            names[name] = nameAt
            macs[mac] = macAt
            ips[ip] = ipAt
        }

        /// A client's IPv6 address: unique across clients.
        mutating func registerIPv6(_ ip: IPv6Address, at location: SourceLocation) throws(ScenarioError) {
            if let first = ipv6s[ip] { throw ScenarioError(location, "IP \(ip) is already used at \(first)") }
            ipv6s[ip] = location
        }

        /// A further interface's MAC: unique across every host and interface.
        mutating func registerMAC(_ mac: MACAddress, at location: SourceLocation) throws(ScenarioError) {
            if let first = macs[mac] { throw ScenarioError(location, "MAC \(mac) is already used at \(first)") }
            macs[mac] = location
        }
    }

    private func interfaceName(_ node: YAMLNode) throws(ScenarioError) -> String {
        let name = try node.string("segment.interface")
        guard name.count <= 15, name.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != "/" }) else {
            throw ScenarioError(
                node.location,
                "segment.interface: expected a Linux interface name (at most 15 characters, no spaces or '/'), found \"\(name)\""
            )
        }
        return name
    }

    private func decodeNode(_ node: YAMLNode, index: Int, segmentInterface: String, hosts: inout HostRegistry)
        throws(ScenarioError) -> WorldConfig.NodeSpec
    {
        var f = try Fields(node, "nodes[\(index)]")
        let nameNode = try f.required("name")
        let name = try nameNode.string("nodes[\(index)].name")
        let macNode = try f.required("mac")
        let ipNode = try f.required("ip")
        let mac = try macNode.mac("nodes[\(index)].mac")
        let (ip, prefixLength) = try ipNode.ipv4Interface("nodes[\(index)].ip")
        if let prefixLength { hosts.written.append(Subnets.Written(host: name, prefixLength: prefixLength)) }
        let roles = try f.optional("roles")?.stringList("nodes[\(index)].roles") ?? []
        let labels = try f.optional("labels")?.stringMap("nodes[\(index)].labels") ?? [:]
        let taints = try f.optional("taints").map { node throws(ScenarioError) in
            try ManifestDecoder.taints(node, "nodes[\(index)].taints")
        }
        let interfacesNode = f.optional("interfaces")
        try f.finish()
        try hosts.register(
            name: name, mac: mac, ip: ip, nameAt: nameNode.location, macAt: macNode.location, ipAt: ipNode.location)
        var extra: [WorldConfig.InterfaceSpec] = []
        if let interfacesNode {
            var names: [String: SourceLocation] = [:]
            for (position, item) in try interfacesNode.list("nodes[\(index)].interfaces").enumerated() {
                let what = "nodes[\(index)].interfaces[\(position)]"
                var i = try Fields(item, what)
                let ifNameNode = try i.required("name")
                let ifName = try interfaceName(ifNameNode)
                let ifMACNode = try i.required("mac")
                let ifMAC = try ifMACNode.mac("\(what).mac")
                let up = try i.optional("up")?.bool("\(what).up") ?? true
                let noARP = try i.optional("noarp")?.bool("\(what).noarp") ?? false
                let master = try i.optional("master")?.string("\(what).master")
                try i.finish()
                if ifName == segmentInterface {
                    throw ScenarioError(
                        ifNameNode.location,
                        "\(what).name: \"\(ifName)\" is the segment's interface, which every node already has (with the node's mac)"
                    )
                }
                if let first = names[ifName] {
                    throw ScenarioError(ifNameNode.location, "\(what).name: \"\(ifName)\" is already used at \(first)")
                }
                names[ifName] = ifNameNode.location
                try hosts.registerMAC(ifMAC, at: ifMACNode.location)
                extra.append(WorldConfig.InterfaceSpec(name: ifName, mac: ifMAC, up: up, noARP: noARP, master: master))
            }
        }
        return WorldConfig.NodeSpec(
            name: name, mac: mac, ip: ip, roles: roles, labels: labels, extraInterfaces: extra, taints: taints)
    }

    private func decodeClient(_ node: YAMLNode, index: Int, hosts: inout HostRegistry) throws(ScenarioError)
        -> WorldConfig.ClientSpec
    {
        let what = "clients[\(index)]"
        var f = try Fields(node, what)
        let nameNode = try f.required("name")
        let name = try nameNode.string("\(what).name")
        let macNode = try f.required("mac")
        let ipNode = try f.required("ip")
        let mac = try macNode.mac("\(what).mac")
        let (ip, prefixLength) = try ipNode.ipv4Interface("\(what).ip")
        if let prefixLength { hosts.written.append(Subnets.Written(host: name, prefixLength: prefixLength)) }
        // IPv6 is a second address beside the fixed `ip` (a dual-stack host, as Linux clients
        // are), not a different meaning of `ip`: every existing scenario stays valid as is.
        let ipv6Node = f.optional("ipv6")
        let ipv6 = try ipv6Node?.ipv6Unicast("\(what).ipv6")
        var client = WorldConfig.ClientSpec(name: name, mac: mac, ip: ip, ipv6: ipv6)
        if let probeNode = f.optional("probe") {
            var p = try Fields(probeNode, "\(what).probe")
            let targetNode = try p.required("target")
            let (target, port) = try ipPort(targetNode, "\(what).probe.target")
            hosts.probeTargets[name] = targetNode.location
            if case .v6 = target, ipv6 == nil {
                throw ScenarioError(
                    targetNode.location,
                    "\(what).probe.target: \(target) is an IPv6 address, but client \(name) has none; give it ipv6: such as 2001:db8::50"
                )
            }
            let everyNode = try p.required("every")
            let every = try everyNode.duration("\(what).probe.every")
            guard every >= .microseconds(100) else {
                throw ScenarioError(everyNode.location, "\(what).probe.every: must be at least 100us")
            }
            let start = try p.optional("start")?.duration("\(what).probe.start")
            let timeout = try p.optional("timeout")?.duration("\(what).probe.timeout") ?? .seconds(1)
            try p.finish()
            client.probe = WorldConfig.ProbeSpec(
                target: target, port: port, every: every, start: start, timeout: timeout)
        }
        if let neighNode = f.optional("neighbour") {
            var n = try Fields(neighNode, "\(what).neighbour")
            if let v = n.optional("baseReachableTime") {
                client.neighbour.baseReachableTime = try v.duration("baseReachableTime")
            }
            if let v = n.optional("delayFirstProbeTime") {
                client.neighbour.delayFirstProbeTime = try v.duration("delayFirstProbeTime")
            }
            if let v = n.optional("retransTime") { client.neighbour.retransTime = try v.duration("retransTime") }
            if let v = n.optional("locktime") { client.neighbour.locktime = try v.duration("locktime") }
            if let v = n.optional("ucastSolicit") {
                client.neighbour.ucastSolicit = try v.int("ucastSolicit", in: 0...32)
            }
            if let v = n.optional("mcastSolicit") {
                client.neighbour.mcastSolicit = try v.int("mcastSolicit", in: 0...32)
            }
            try n.finish()
        }
        try f.finish()
        try hosts.register(
            name: name, mac: mac, ip: ip, nameAt: nameNode.location, macAt: macNode.location, ipAt: ipNode.location)
        if let ipv6, let ipv6Node { try hosts.registerIPv6(ipv6, at: ipv6Node.location) }
        return client
    }

    /// `IP:PORT` for IPv4, `[IP]:PORT` for IPv6 (the brackets keep the address's colons
    /// apart from the port's, as in URLs).
    private func ipPort(_ node: YAMLNode, _ what: String) throws(ScenarioError) -> (IPAddress, UInt16) {
        let text = try node.string(what)
        let address: Substring
        let portText: Substring
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            address = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            portText = rest.hasPrefix(":") ? rest.dropFirst() : "-"
        } else {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            address = parts.count == 2 ? parts[0] : ""
            portText = parts.count == 2 ? parts[1] : "-"
        }
        let ip: IPAddress? =
            text.hasPrefix("[") ? IPv6Address(address).map(IPAddress.v6) : IPv4Address(address).map(IPAddress.v4)
        guard let ip, let port = UInt16(portText), port > 0 else {
            throw ScenarioError(
                node.location,
                "\(what): expected IP:PORT such as \"10.200.200.120:8080\" or [IPv6]:PORT such as \"[2001:db8::200]:80\", found \"\(text)\""
            )
        }
        return (ip, port)
    }

    private func outputFileName(_ node: YAMLNode, _ what: String) throws(ScenarioError) -> String {
        let name = try node.string(what)
        guard !name.contains("/"), name != ".", name != ".." else {
            throw ScenarioError(
                node.location, "\(what): expected a file name inside the output folder, found \"\(name)\"")
        }
        return name
    }

    // MARK: manifests

    /// One `manifests` entry: `{file: PATH}` (multi-document) or an inline object.
    func loadManifestEntry(
        _ item: YAMLNode, scenarioFile: String,
        decoder: inout ManifestDecoder
    ) throws(ScenarioError) -> [LocatedObject] {
        if case .mapping(let pairs) = item.kind, pairs.count == 1,
            case .scalar(let key, _) = pairs[0].key.kind, key == "file"
        {
            let relative = try pairs[0].value.string("manifests file")
            let path = Paths.resolve(relative, relativeTo: scenarioFile)
            guard let paths = files.manifestFiles(path) else {
                throw ScenarioError(
                    pairs[0].value.location, "cannot read manifest file \"\(relative)\" (looked for \(path))")
            }
            guard !paths.isEmpty else {
                throw ScenarioError(
                    pairs[0].value.location,
                    "\"\(relative)\" names no manifest file (a directory's *.yaml, *.yml and *.json files, or a pattern's matches)"
                )
            }
            var objects: [LocatedObject] = []
            let saved = decoder.sourceLines
            defer { decoder.sourceLines = saved }
            for file in paths {
                guard let text = files.read(file) else {
                    throw ScenarioError(pairs[0].value.location, "cannot read manifest file \(file)")
                }
                decoder.sourceLines = text.split(separator: "\n", omittingEmptySubsequences: false)
                for document in try YAMLNode.parseAll(text, file: file) {
                    objects += try decoder.decode(document)
                }
            }
            return objects
        }
        return try decoder.decode(item)
    }

    // MARK: timeline

    // MARK: expectations

    /// One expectation. Its moments (`at`, `during`, `failover.after`, `clientARP.by`) may be
    /// `{timeOf: ID}` (with `plus: D` or `minus: D`), an entry of the timeline by id; `times`
    /// holds each id's earliest and latest time.
    private func decodeExpectation(
        _ item: YAMLNode, index: Int, world: WorldConfig,
        times: [String: ClosedRange<SimTime>]
    ) throws(ScenarioError) -> Expectation {
        let what = "expect[\(index)]"
        var f = try Fields(item, what)
        var moments = TimeReferenceReader(entries: times)
        var time = ExpectationTime.end
        if let at = f.optional("at") { time = .at(try moments.time(at, "\(what).at", slot: .at).lowerBound) }
        if let during = f.optional("during") {
            let bounds = try during.list("\(what).during")
            guard bounds.count == 2 else { throw ScenarioError(during.location, "\(what).during: expected [T1, T2]") }
            let t1 = try moments.time(bounds[0], "during[0]", slot: .duringStart)
            let t2 = try moments.time(bounds[1], "during[1]", slot: .duringEnd)
            guard t1.upperBound <= t2.lowerBound else {
                throw ScenarioError(
                    during.location,
                    "\(what).during: T1 must not be after T2\(t1.lowerBound != t1.upperBound || t2.lowerBound != t2.upperBound ? " for any drawn time (T1 can be as late as \(t1.upperBound), T2 as early as \(t2.lowerBound))" : "")"
                )
            }
            if case .at = time { throw ScenarioError(during.location, "\(what): give either at or during, not both") }
            time = .during(t1.lowerBound, t2.lowerBound)
        }
        let kinds = f.keys.filter { $0 != "at" && $0 != "during" }
        guard kinds.count == 1, let name = kinds.first else {
            throw ScenarioError(
                item.location,
                "\(what): expected exactly one expectation (owner, externalIP, event, failover, maxDowntime, clientARP, maxAnnouncers, onLink), found \(kinds.isEmpty ? "none" : kinds.joined(separator: ", "))"
            )
        }
        let node = try f.required(name)
        var a = try Fields(node, "\(what).\(name)")
        let kind: ExpectationKind
        switch name {
        case "owner":
            let ip = try a.required("ip").ipAddress("owner.ip")
            let nodeNode = try a.required("node")
            let nodeName = try nodeNode.string("owner.node")
            if nodeName != "none" { try requireNode(nodeName, nodeNode, world) }
            kind = .owner(ip: ip, node: nodeName == "none" ? nil : nodeName)
        case "externalIP":
            let service = try serviceKey(a.required("service"), "externalIP.service")
            // An address of either family: a dual-stack service lists one of each.
            func address(_ node: YAMLNode, _ what: String) throws(ScenarioError) -> IPAddress {
                try node.ipAddress(what)
            }
            var ips: [IPAddress] = []
            if let ipsNode = a.optional("ips") {
                for (i, ip) in try ipsNode.list("externalIP.ips").enumerated() {
                    ips.append(try address(ip, "externalIP.ips[\(i)]"))
                }
            } else {
                let ipNode = try a.required("ip")
                if try ipNode.string("externalIP.ip") != "pending" { ips = [try address(ipNode, "externalIP.ip")] }
            }
            kind = .externalIP(service: service, ips: ips)
        case "event":
            let subject: EventSubject
            switch (a.optional("service"), a.optional("pod")) {
            case (let serviceNode?, nil): subject = .service(try serviceKey(serviceNode, "event.service"))
            case (nil, let podNode?): subject = .pod(try serviceKey(podNode, "event.pod"))
            default: throw ScenarioError(node.location, "event: name exactly one of service or pod")
            }
            let reason = try a.required("reason").string("event.reason")
            let message = try a.optional("message")?.string("event.message")
            kind = .event(subject: subject, reason: reason, message: message)
        case "failover":
            let ip = try a.required("ip").ipAddress("failover.ip")
            let after = try moments.time(a.required("after"), "failover.after", slot: .failoverAfter).lowerBound
            let within = try a.required("within").duration("failover.within")
            var to: String?
            if let toNode = a.optional("to") {
                to = try toNode.string("failover.to")
                try requireNode(to!, toNode, world)
            }
            kind = .failover(ip: ip, after: after, within: within, to: to)
        case "maxDowntime":
            let clientNode = try a.required("client")
            let client = try clientNode.string("maxDowntime.client")
            try requireClient(client, clientNode, world)
            let (ip, port) = try ipPort(a.required("target"), "maxDowntime.target")
            let max = try a.required("max").duration("maxDowntime.max")
            guard
                world.clients.first(where: { $0.name == client })?.probe.map({ $0.target == ip && $0.port == port })
                    == true
            else {
                let endpoint = WorldConfig.ProbeSpec.endpointText(ip, port: port)
                throw ScenarioError(
                    node.location,
                    "maxDowntime: client \(client) does not probe \(endpoint); give it probe: {target: \"\(endpoint)\", every: 100ms}"
                )
            }
            kind = .maxDowntime(client: client, target: ip, port: port, max: max)
        case "clientARP":
            let clientNode = try a.required("client")
            let client = try clientNode.string("clientARP.client")
            try requireClient(client, clientNode, world)
            let ipNode = try a.required("ip")
            let ip = try ipNode.ipAddress("clientARP.ip")
            if case .v6 = ip, world.clients.first(where: { $0.name == client })?.ipv6 == nil {
                throw ScenarioError(
                    ipNode.location,
                    "clientARP.ip: \(ip) is an IPv6 address, but client \(client) has no ipv6 address, so it keeps no IPv6 neighbour entries"
                )
            }
            let by = try moments.time(a.required("by"), "clientARP.by", slot: .clientARPBy).lowerBound
            let mac: MACAddress
            let described: String
            if let nodeNode = a.optional("node") {
                let nodeName = try nodeNode.string("clientARP.node")
                try requireNode(nodeName, nodeNode, world)
                mac = world.nodes.first { $0.name == nodeName }!.mac
                described = "\(nodeName)'s MAC \(mac)"
                if a.optional("mac") != nil {
                    throw ScenarioError(node.location, "clientARP: give node or mac, not both")
                }
            } else if let macNode = a.optional("mac") {
                mac = try macNode.mac("clientARP.mac")
                described = "\(mac)"
            } else {
                throw ScenarioError(node.location, "clientARP: expected node: NAME or mac: MAC")
            }
            kind = .clientARP(client: client, ip: ip, mac: mac, describedAs: described, by: by)
        case "maxAnnouncers":
            let ip = try a.required("ip").ipAddress("maxAnnouncers.ip")
            let max = try a.required("max").int("maxAnnouncers.max", in: 0...10000)
            let grace = try a.optional("grace")?.duration("maxAnnouncers.grace") ?? .zero
            kind = .maxAnnouncers(ip: ip, max: max, grace: grace)
        case "onLink":
            let ipNode = try a.required("ip")
            guard case .v4(let ip) = try ipNode.ipAddress("onLink.ip") else {
                throw ScenarioError(
                    ipNode.location,
                    "onLink.ip: IPv6 on-link prefixes are not modelled (nodes carry no IPv6 prefix); give an IPv4 address"
                )
            }
            let expected = try a.optional("expected")?.bool("onLink.expected") ?? true
            kind = .onLink(ip: ip, expected: expected)
        default:
            throw ScenarioError(
                f.keyLocation(name) ?? item.location,
                "\(what): unknown expectation \"\(name)\"; expected one of owner, externalIP, event, failover, maxDowntime, clientARP, maxAnnouncers, onLink"
            )
        }
        try a.finish()
        try f.finish()
        // A time the check would not use is an error, not a silent no-op: owner is checked at
        // a moment or over an interval, externalIP and event as of a moment, the others over
        // the whole run (they carry their own times: after, by, grace).
        switch (kind, time) {
        case (.owner, _), (_, .end): break
        case (_, .during): throw ScenarioError(item.location, "\(what): only owner takes during")
        case (.externalIP, .at), (.event, .at): break
        case (_, .at):
            throw ScenarioError(
                f.keyLocation("at") ?? item.location,
                "\(what): \(name) is checked over the whole run and takes no at; only owner, externalIP and event do")
        }
        return Expectation(kind: kind, time: time, location: item.location, references: moments.references)
    }

    private func serviceKey(_ node: YAMLNode, _ what: String) throws(ScenarioError) -> String {
        let text = try node.string(what)
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw ScenarioError(
                node.location, "\(what): expected NAMESPACE/NAME such as default/nginx, found \"\(text)\"")
        }
        return text
    }

    private func requireNode(_ name: String, _ node: YAMLNode, _ world: WorldConfig) throws(ScenarioError) {
        guard world.nodes.contains(where: { $0.name == name }) else {
            throw ScenarioError(
                node.location, "no node named \"\(name)\" (nodes: \(world.nodes.map(\.name).joined(separator: ", ")))")
        }
    }

    private func requireClient(_ name: String, _ node: YAMLNode, _ world: WorldConfig) throws(ScenarioError) {
        guard world.clients.contains(where: { $0.name == name }) else {
            throw ScenarioError(
                node.location,
                "no client named \"\(name)\" (clients: \(world.clients.map(\.name).joined(separator: ", ")))")
        }
    }
}
