import Wire

/// The responders one speaker's announcer runs, by interface index: MetalLB's `arps` and
/// `ndps` maps (internal/layer2/announcer.go), which only its interface scan fills and empties
/// (`InterfaceScan`).
public struct Responders: Sendable, Hashable {
    /// One NDP responder's socket and the solicited-node groups it has joined.
    ///
    /// MetalLB's `Announce.SetBalancer` asks every NDP responder that exists at that moment to
    /// watch an address's group, when the address is first announced; `DeleteBalancer` asks
    /// every one that exists to unwatch it, when the last service using it goes. A responder
    /// keeps a count per group and joins on the watch that finds the count at zero, leaves on
    /// the unwatch that brings it back to zero (internal/layer2/ndp.go, `Watch` and
    /// `Unwatch`). So a responder opened by a later scan has not joined the groups of the
    /// addresses already announced, and does not hear multicast solicitations for them; an
    /// unwatch of a group it never watched takes its count below zero, and the next watch
    /// only brings it back to zero without joining.
    public struct NDPSocket: Sendable, Hashable {
        /// Group -> watch count, as MetalLB's `solicitedNodeGroups` map keeps it.
        private(set) var watches: [IPv6Address: Int] = [:]
        /// The groups the socket is a member of.
        public private(set) var joined: Set<IPv6Address> = []

        public init() {}

        mutating func watch(_ group: IPv6Address) {
            if watches[group, default: 0] == 0 { joined.insert(group) }
            watches[group, default: 0] += 1
        }

        mutating func unwatch(_ group: IPv6Address) {
            watches[group, default: 0] -= 1
            if watches[group] == 0 { joined.remove(group) }
        }
    }

    /// Per interface: an ARP responder runs there.
    public private(set) var arp: [Bool]
    /// Per interface: the NDP responder running there, if one does.
    public private(set) var ndp: [NDPSocket?]

    /// No responder anywhere, for `count` interfaces.
    public init(count: Int) {
        arp = Array(repeating: false, count: count)
        ndp = Array(repeating: nil, count: count)
    }

    /// A responder of each kind on every interface that can have one (`sim live` on the
    /// interface the user named): ARP everywhere, NDP where there is a link-local address.
    public init(every interfaces: [L2Interface]) {
        arp = Array(repeating: true, count: interfaces.count)
        ndp = interfaces.map { $0.linkLocal == nil ? nil : NDPSocket() }
    }

    mutating func openARP(_ index: Int) { arp[index] = true }
    mutating func closeARP(_ index: Int) { arp[index] = false }
    mutating func openNDP(_ index: Int) { ndp[index] = NDPSocket() }
    mutating func closeNDP(_ index: Int) { ndp[index] = nil }

    /// `SetBalancer` for an address no service announced yet: every open NDP responder
    /// watches its solicited-node group.
    mutating func watch(_ group: IPv6Address) {
        for index in ndp.indices where ndp[index] != nil { ndp[index]!.watch(group) }
    }

    /// `DeleteBalancer` for the last service using an address.
    mutating func unwatch(_ group: IPv6Address) {
        for index in ndp.indices where ndp[index] != nil { ndp[index]!.unwatch(group) }
    }

    /// Whether the NDP responder on `index` has joined `group`.
    func hasJoined(_ group: IPv6Address, on index: Int) -> Bool { ndp[index]?.joined.contains(group) ?? false }
}
