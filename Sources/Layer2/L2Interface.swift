import Wire

/// A network interface of the speaker's node, with what MetalLB looks at to decide whether to
/// run a responder on it.
public struct L2Interface: Sendable, Hashable {
    public var name: String
    public var hardwareAddress: MACAddress
    /// IFF_UP.
    public var isUp: Bool
    /// IFF_BROADCAST: ARP needs it.
    public var isBroadcast: Bool
    /// IFF_NOARP (flag 0x80 in /sys/class/net/IF/flags).
    public var isNoARP: Bool
    /// The bond or bridge this interface is enslaved to (/sys/class/net/IF/master), if any.
    public var master: String?
    /// Its IPv6 link-local address: MetalLB runs an NDP responder only on interfaces that have
    /// one, and sends its advertisements from it. Linux's default (EUI-64 from the MAC) unless
    /// given; nil for an interface with IPv6 disabled.
    public var linkLocal: IPv6Address?

    public init(
        name: String, hardwareAddress: MACAddress, isUp: Bool = true, isBroadcast: Bool = true,
        isNoARP: Bool = false, master: String? = nil, linkLocal: IPv6Address?? = nil
    ) {
        self.name = name
        self.hardwareAddress = hardwareAddress
        self.isUp = isUp
        self.isBroadcast = isBroadcast
        self.isNoARP = isNoARP
        self.master = master
        self.linkLocal = linkLocal ?? IPv6Address.linkLocal(for: hardwareAddress)
    }

    /// current MetalLB's default `announcedInterfacesToExclude`: container, CNI and tunnel
    /// devices, which are never the segment clients are on.
    public static let defaultExcludedPrefixes = [
        "docker", "cbr", "dummy", "virbr", "lxcbr", "veth", "cali", "tunl", "flannel", "kube-ipvs",
        "cni", "nodelocaldns", "lxc",
    ]

    /// Whether MetalLB's announcer runs an ARP responder on this interface (`updateInterfaces`
    /// in internal/layer2/announcer.go): up, not enslaved to a bond or bridge, not NOARP,
    /// broadcast-capable; current also skips names matching its exclusion list (`^lo$` and the
    /// prefixes above).
    public func answersARP(rules: SpeakerController.Rules) -> Bool {
        if rules == .current && (name == "lo" || Self.defaultExcludedPrefixes.contains { name.hasPrefix($0) }) {
            return false
        }
        return isUp && master == nil && !isNoARP && isBroadcast
    }
}

/// A frame the speaker wants sent, and the interface (index into the announcer's list) to send
/// it from. The driver (simulator or live) does the sending.
public struct OutgoingFrame: Sendable, Hashable {
    public var interface: Int
    public var bytes: [UInt8]
    /// For a frame of a gratuitous round, the address it announces (so a driver can count
    /// rounds without decoding its own frames); nil for an answer to a request.
    public var announces: IPAddress?
    /// For an NDP answer, the unicast IPv6 address it is written to. MetalLB writes it through
    /// an ICMPv6 socket, so the node's kernel sends it only once its neighbour entry for that
    /// address is usable, and takes the Ethernet destination from the entry (the simulator's
    /// node does this). Until then `bytes` holds the MAC of the solicitation's source link-layer
    /// address option, which the live drivers, injecting past their kernel, send to.
    public var nextHop: IPv6Address?

    public init(interface: Int, bytes: [UInt8], announces: IPAddress? = nil, nextHop: IPv6Address? = nil) {
        self.interface = interface
        self.bytes = bytes
        self.announces = announces
        self.nextHop = nextHop
    }
}
