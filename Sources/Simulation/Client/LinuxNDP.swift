import Wire

/// The Neighbor Discovery messages a Linux kernel builds itself (net/ipv6/ndisc.c), for the
/// simulated clients and the nodes' own kernels alike: the solicitations its neighbour table
/// asks for, and its answers to solicitations for its own addresses. Hop limit 255 on all of
/// them (`ndisc_alloc_skb`).
enum LinuxNDP {
    /// `ndisc_solicit` -> `ndisc_send_ns`: to the target's solicited-node group
    /// (ff02::1:ffXX:XXXX on 33:33:ff:XX:XX:XX) while resolving, or to the target itself at its
    /// cached MAC for a NUD probe; from `source`, with a Source Link-Layer Address option
    /// holding `mac` (`ndisc_ns_create` leaves it out only when sending from ::).
    static func solicitation(
        _ solicitation: NDNeighbourTable.Solicitation, from mac: MACAddress, source: IPv6Address
    ) -> [UInt8] {
        let message = NDPMessage.neighborSolicitation(target: solicitation.ip, options: [.sourceLinkLayerAddress(mac)])
        let group = solicitation.ip.solicitedNodeMulticast
        return EthernetFrame.ndp(
            message, destination: solicitation.unicastTo ?? group.multicastMAC, source: mac, ipSource: source,
            ipDestination: solicitation.unicastTo == nil ? group : solicitation.ip)
    }

    /// The address `ndisc_solicit` sends a resolution's solicitations from: the source of the
    /// packet last queued on the entry, which is always one of the host's own here, or, with
    /// nothing queued (a NUD probe: packets through a valid entry are never queued), the
    /// interface's link-local address (`ndisc_send_ns` falls back to `ipv6_get_lladdr`).
    static func solicitationSource(queuedLast: IPv6Address?, linkLocal: IPv6Address) -> IPv6Address {
        queuedLast ?? linkLocal
    }

    /// `ndisc_recv_ns`'s answer (`ndisc_send_na`) to a valid solicitation for `message.target`,
    /// one of the host's own addresses, from the target address itself:
    ///
    /// - a duplicate address detection probe (from ::) is defended with an unsolicited
    ///   advertisement (S=0, O=1) to all nodes, with the Target Link-Layer Address option;
    /// - any other solicitation gets a solicited advertisement (S=1) to its source. O and the
    ///   option are set only when the solicitation came to a multicast group (`inc`): a
    ///   unicast one (a NUD probe) gets neither (`force_tllao` is 0 by default).
    ///
    /// R is the host's IPv6 `forwarding` setting (`is_router`): `router`.
    static func answer(to message: NDPMessage, in header: IPv6Header, mac: MACAddress, router: Bool)
        -> KernelNDPPacket
    {
        let target = message.target
        if header.source == .unspecified {
            return KernelNDPPacket(
                message: .neighborAdvertisement(
                    router: router, solicited: false, override: true, target: target,
                    options: [.targetLinkLayerAddress(mac)]),
                source: target, destination: .allNodes)
        }
        let multicast = header.destination.isMulticast
        return KernelNDPPacket(
            message: .neighborAdvertisement(
                router: router, solicited: true, override: multicast, target: target,
                options: multicast ? [.targetLinkLayerAddress(mac)] : []),
            source: target, destination: header.source)
    }
}

/// A Neighbor Discovery packet a kernel sends: the message and its IPv6 addresses. A
/// multicast destination maps straight to its MAC; a unicast one goes through the neighbour
/// table first (`PendingFrame`).
struct KernelNDPPacket: Hashable {
    var message: NDPMessage
    var source: IPv6Address
    var destination: IPv6Address

    /// The frame, to `mac`, or to the destination's multicast MAC when it is multicast.
    func frame(from mac: MACAddress, to destinationMAC: MACAddress? = nil) -> [UInt8] {
        EthernetFrame.ndp(
            message, destination: destinationMAC ?? destination.multicastMAC, source: mac, ipSource: source,
            ipDestination: destination)
    }
}

/// An IPv6 frame a kernel holds in a neighbour entry's queue until the entry can be used:
/// complete but for its Ethernet destination, which `neigh_resolve_output` fills in from the
/// entry once it is.
struct PendingFrame {
    var bytes: [UInt8]
    /// The frame's IPv6 source, for `LinuxNDP.solicitationSource`.
    var source: IPv6Address

    /// The frame, sent to `mac`.
    func addressed(to mac: MACAddress) -> [UInt8] {
        var bytes = self.bytes
        for (index, octet) in mac.octets.enumerated() { bytes[index] = octet }
        return bytes
    }
}
