import Wire

/// A network interface of the speaker's node, with what MetalLB looks at to decide whether to
/// run a responder on it.
public struct L2Interface: Sendable, Hashable {
    public var name: String
    public var hardwareAddress: MACAddress
    /// IFF_UP: the administrative state (`ip link set dev IF up|down`), the flag MetalLB's scan
    /// tests. Carrier (IFF_RUNNING, a cable or a switch port) is not here: MetalLB never reads
    /// it, so a link that loses carrier keeps its responders.
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
    /// Where that link-local address stands in the kernel now. By default: on the interface
    /// and usable when it is up, gone when it is down (the kernel flushes IPv6 addresses on
    /// the way down).
    public var linkLocalStatus: LinkLocalStatus

    public init(
        name: String, hardwareAddress: MACAddress, isUp: Bool = true, isBroadcast: Bool = true,
        isNoARP: Bool = false, master: String? = nil, linkLocal: IPv6Address?? = nil,
        linkLocalStatus: LinkLocalStatus? = nil
    ) {
        self.name = name
        self.hardwareAddress = hardwareAddress
        self.isUp = isUp
        self.isBroadcast = isBroadcast
        self.isNoARP = isNoARP
        self.master = master
        self.linkLocal = linkLocal ?? IPv6Address.linkLocal(for: hardwareAddress)
        self.linkLocalStatus = linkLocalStatus ?? (isUp ? .valid : .absent)
    }

    /// current MetalLB's default `announcedInterfacesToExclude`: container, CNI and tunnel
    /// devices, which are never the segment clients are on.
    public static let defaultExcludedPrefixes = [
        "docker", "cbr", "dummy", "virbr", "lxcbr", "veth", "cali", "tunl", "flannel", "kube-ipvs",
        "cni", "nodelocaldns", "lxc",
    ]

    /// current leaves out names matching its exclusion list (`^lo$` and the prefixes above)
    /// before looking at anything else: such an interface gets no responder and is not among
    /// the names it checks an L2Advertisement's `interfaces` against. v0.9.4 has no list.
    public func isExcluded(rules: SpeakerController.Rules) -> Bool {
        rules == .current && (name == "lo" || Self.defaultExcludedPrefixes.contains { name.hasPrefix($0) })
    }

    /// What MetalLB's scan requires of any responder (`updateInterfaces` in
    /// internal/layer2/announcer.go): not excluded, up, not enslaved to a bond or bridge, not
    /// NOARP.
    func mayCarryResponders(rules: SpeakerController.Rules) -> Bool {
        !isExcluded(rules: rules) && isUp && master == nil && !isNoARP
    }

    /// Whether MetalLB's scan keeps an ARP responder on this interface: one that may carry
    /// responders and is broadcast-capable. No IPv4 address is needed: mdlayher/arp's client
    /// takes an interface without one (its first-IPv4 lookup finds nothing and fails nothing).
    public func answersARP(rules: SpeakerController.Rules) -> Bool {
        mayCarryResponders(rules: rules) && isBroadcast
    }

    /// Whether MetalLB's scan keeps an NDP responder on this interface: one that may carry
    /// responders and lists an IPv6 link-local address, tentative or not (Go's `Addrs` lists
    /// a tentative one too; only binding to it fails, see `LinkLocalStatus`).
    public func keepsNDP(rules: SpeakerController.Rules) -> Bool {
        mayCarryResponders(rules: rules) && linkLocal != nil && linkLocalStatus != .absent
    }

    /// Whether a frame sent from this interface gets out: the kernel refuses to send on an
    /// interface that is down (af_packet's `packet_snd` answers ENETDOWN).
    public var canSend: Bool { isUp }

    /// Whether an NDP message can be sent from the link-local address: the interface is up
    /// and the address has passed duplicate address detection (the kernel refuses a tentative
    /// source address).
    public var canSendNDP: Bool { isUp && linkLocal != nil && linkLocalStatus == .valid }
}

/// The state of an interface's IPv6 link-local address in the kernel (net/ipv6/addrconf.c).
///
/// Taking an interface down flushes its IPv6 addresses (`addrconf_ifdown`; Linux's default
/// `keep_addr_on_down` is 0, and link-local addresses go whatever it says). Bringing it up
/// with carrier adds the link-local address again, tentative while duplicate address detection
/// runs: a random wait below `rtr_solicit_delay` (1 s), then one probe given `retrans_time`
/// (1 s) (`addrconf_dad_kick`, `addrconf_dad_work`). Up without carrier, the address waits for
/// the carrier (`addrconf_link_ready`).
public enum LinkLocalStatus: Sendable, Hashable {
    /// On the interface and usable.
    case valid
    /// Listed, but still being checked: a socket can neither bind it nor send from it
    /// (`ipv6_chk_addr` leaves tentative addresses out), so MetalLB cannot open its NDP
    /// responder there yet.
    case tentative
    /// Not on the interface.
    case absent
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
