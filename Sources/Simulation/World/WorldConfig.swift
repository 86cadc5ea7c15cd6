import Cluster
import Engine
import Layer2
import Membership
import Wire

/// Everything needed to build a simulated world, independent of how it was written down
/// (the Scenario module builds this from YAML; tests and `sim bench` build it directly).
public struct WorldConfig: Sendable {
    public struct NodeSpec: Sendable, Hashable {
        public var name: String
        /// The primary interface's MAC (the one that carries `ip`).
        public var mac: MACAddress
        public var ip: IPv4Address
        public var roles: [String]
        public var labels: [String: String]
        /// Further interfaces plugged into the same segment (a second NIC, a bond's slaves...),
        /// after the primary one, which is named after the segment's `interface`.
        public var extraInterfaces: [InterfaceSpec]
        /// The Node's taints; nil: kubeadm's for its roles (NoSchedule on control-plane nodes).
        public var taints: [Taint]?
        /// The prefix length of `ip`'s subnet on the segment.
        public var prefixLength = 24

        public init(
            name: String, mac: MACAddress, ip: IPv4Address, roles: [String] = [], labels: [String: String] = [:],
            extraInterfaces: [InterfaceSpec] = [], taints: [Taint]? = nil
        ) {
            self.name = name
            self.mac = mac
            self.ip = ip
            self.roles = roles
            self.labels = labels
            self.extraInterfaces = extraInterfaces
            self.taints = taints
        }
    }

    /// One more network interface of a node on the segment, with the flags MetalLB checks.
    public struct InterfaceSpec: Sendable, Hashable {
        public var name: String
        public var mac: MACAddress
        public var up: Bool
        public var noARP: Bool
        /// The bond or bridge it is enslaved to.
        public var master: String?

        public init(name: String, mac: MACAddress, up: Bool = true, noARP: Bool = false, master: String? = nil) {
            self.name = name
            self.mac = mac
            self.up = up
            self.noARP = noARP
            self.master = master
        }
    }

    public struct ProbeSpec: Sendable, Hashable {
        /// The service address probed: IPv4, or IPv6 for a client with an `ipv6` address.
        public var target: IPAddress
        public var port: UInt16
        public var every: SimDuration
        /// When the first probe goes out (default: one period in).
        public var start: SimDuration
        /// A probe counts as answered when its SYN-ACK arrives within this time (a TCP SYN's
        /// first retransmission timeout is 1 s on Linux).
        public var timeout: SimDuration

        public init(
            target: IPAddress, port: UInt16, every: SimDuration, start: SimDuration? = nil,
            timeout: SimDuration = .seconds(1)
        ) {
            self.target = target
            self.port = port
            self.every = every
            self.start = start ?? every
            self.timeout = timeout
        }

        public init(
            target: IPv4Address, port: UInt16, every: SimDuration, start: SimDuration? = nil,
            timeout: SimDuration = .seconds(1)
        ) {
            self.init(target: .v4(target), port: port, every: every, start: start, timeout: timeout)
        }

        /// The target as `sim` prints and scenarios write it: `IP:PORT`, `[IPv6]:PORT`.
        public var targetText: String { Self.endpointText(target, port: port) }

        /// `IP:PORT` for IPv4, `[IP]:PORT` for IPv6 (RFC 3986's brackets, as curl takes them).
        public static func endpointText(_ ip: IPAddress, port: UInt16) -> String {
            switch ip {
            case .v4: return "\(ip):\(port)"
            case .v6: return "[\(ip)]:\(port)"
            }
        }
    }

    /// `arping -b`-style probing: a broadcast ARP request for `target` every `every`, sent
    /// from user space (the kernel's neighbour cache is not involved).
    public struct ArpingSpec: Sendable, Hashable {
        public var target: IPv4Address
        public var every: SimDuration
        public var start: SimDuration

        public init(target: IPv4Address, every: SimDuration, start: SimDuration) {
            self.target = target
            self.every = every
            self.start = start
        }
    }

    public struct ClientSpec: Sendable, Hashable {
        public var name: String
        public var mac: MACAddress
        public var ip: IPv4Address
        /// The prefix length of `ip`'s subnet: only addresses inside it are on-link (ARPed for).
        public var prefixLength = 24
        /// A global IPv6 address on the segment's prefix, for a client that probes IPv6
        /// services (its link-local address is derived from `mac`).
        public var ipv6: IPv6Address?
        public var probe: ProbeSpec?
        public var arping: ArpingSpec?
        /// The tunables of both neighbour tables (Linux keeps one set per table, with the
        /// same defaults for ARP and NDP).
        public var neighbour: NeighbourParameters

        public init(
            name: String, mac: MACAddress, ip: IPv4Address, ipv6: IPv6Address? = nil, probe: ProbeSpec? = nil,
            arping: ArpingSpec? = nil, neighbour: NeighbourParameters = NeighbourParameters()
        ) {
            self.name = name
            self.mac = mac
            self.ip = ip
            self.ipv6 = ipv6
            self.probe = probe
            self.arping = arping
            self.neighbour = neighbour
        }
    }

    public var seed: UInt64
    public var duration: SimDuration
    public var version: MetalLBVersion
    public var interfaceName: String
    /// One-way delay of a frame across the segment.
    public var latency: SimDuration
    /// Random frame loss, in parts per million (from the `loss` percentage).
    public var lossPPM: UInt32
    /// How long the switch remembers which port a MAC was seen on.
    public var fdbAging: SimDuration
    /// How long after an API change the speakers and kube-proxy see it (their watch latency).
    public var watchDelay: SimDuration
    /// How long a new pod takes from creation to Ready (container start plus readiness probe).
    public var podReadyDelay: SimDuration
    /// The speakers' memberlist profile (`metallb.memberlist`: lan or wan), or nil when
    /// memberlist is disabled: then v0.9.4 elects among endpoint nodes only and current among
    /// every Node, with no failure detection at all.
    public var membership: MembershipConfig?
    /// current MetalLB's speaker flag `--ignore-exclude-lb`: nodes labelled
    /// `node.kubernetes.io/exclude-from-external-load-balancers` stay candidates.
    public var ignoreExcludeLB = false
    /// The kubelet and node lifecycle controller timing.
    public var nodeLifecycle: NodeLifecycleTiming
    /// The history simulated before time 0 (a running cluster), or nil for a cold start: every
    /// speaker starts at 0, in node order, on one ticker grid.
    public var warmStart: WarmStart?
    public var nodes: [NodeSpec]
    public var clients: [ClientSpec]

    public init(
        seed: UInt64, duration: SimDuration, version: MetalLBVersion = .current,
        interfaceName: String = "eth0", latency: SimDuration = .microseconds(50),
        lossPPM: UInt32 = 0, fdbAging: SimDuration = .seconds(300),
        watchDelay: SimDuration = .milliseconds(5), podReadyDelay: SimDuration = .milliseconds(1500),
        membership: MembershipConfig? = .lan, nodeLifecycle: NodeLifecycleTiming = NodeLifecycleTiming(),
        warmStart: WarmStart? = nil, nodes: [NodeSpec], clients: [ClientSpec]
    ) {
        self.warmStart = warmStart
        self.seed = seed
        self.duration = duration
        self.version = version
        self.interfaceName = interfaceName
        self.latency = latency
        self.lossPPM = lossPPM
        self.fdbAging = fdbAging
        self.watchDelay = watchDelay
        self.podReadyDelay = podReadyDelay
        self.membership = membership
        self.nodeLifecycle = nodeLifecycle
        self.nodes = nodes
        self.clients = clients
    }

    /// The switch port of every node interface, in the order `World` plugs them in: each
    /// node's primary interface, then its extra ones, node after node (clients follow).
    public var nodePorts: [(node: String, interface: String, port: Int)] {
        var result: [(node: String, interface: String, port: Int)] = []
        for node in nodes {
            result.append((node.name, interfaceName, result.count))
            for extra in node.extraInterfaces { result.append((node.name, extra.name, result.count)) }
        }
        return result
    }
}

extension WorldConfig {
    /// Which MetalLB's election and schedules the speakers run.
    var speakerRules: SpeakerController.Rules { version == .v0_9_4 ? .v0_9_4 : .current }
}
