import Engine
import Wire

/// The client's IPv6 neighbour discovery (net/ipv6/ndisc.c over the shared neighbour state
/// machine). What goes on the wire, per `ndisc_solicit` and `ndisc_send_ns`:
///
/// - Resolution (INCOMPLETE, from `mcast_solicit` on) sends the Neighbor Solicitation to the
///   target's solicited-node group ff02::1:ffXX:XXXX (Ethernet 33:33:ff:XX:XX:XX), retrans_time
///   (1 s) apart, three times (`mcast_solicit` 3) before FAILED.
/// - NUD probes (PROBE) are unicast: IPv6 destination the target itself, Ethernet
///   destination the cached MAC, three of them (`ucast_solicit` 3) before FAILED. A
///   MetalLB-announced address never answers them: the node's kernel does not own the
///   address and drops the solicitation, and MetalLB's responder only hears its multicast
///   groups. So an entry that reaches PROBE fails, and the next packet resolves it again with
///   multicast solicitations, which the responder does answer.
/// - The source address is that of the packet waiting in the entry's queue when there is one
///   (`ndisc_solicit` passes the queued skb's source: the client's global address, for a
///   queued SYN); with nothing queued (PROBE: packets through a valid entry are never queued)
///   `ndisc_send_ns` falls back to the interface's link-local address (`ipv6_get_lladdr`).
/// - Every solicitation from a real (not unspecified) source carries a Source Link-Layer
///   Address option with the client's MAC, which is what MetalLB's responder requires.
/// - Hop limit 255, as RFC 4861 requires of all NDP (`ndisc_alloc_skb` sets it).
extension ClientHost {
    /// The NIC's multicast filter for IPv6: the all-nodes group and the solicited-node groups
    /// of the client's addresses. A client without IPv6 joins none.
    func acceptsIPv6Multicast(_ destination: MACAddress) -> Bool {
        guard let ipv6 else { return false }
        return destination == IPv6Address.allNodes.multicastMAC
            || destination == ipv6.solicitedNodeMulticast.multicastMAC
            || destination == linkLocal.solicitedNodeMulticast.multicastMAC
    }

    /// A Neighbor Discovery message reached the client. Advertisements to the all-nodes group
    /// or to one of the client's addresses, valid per RFC 4861 section 7.1.2 (hop limit 255,
    /// a solicited one not multicast), update the table (`NeighbourCache+NDP.swift`).
    /// Solicitations for the client's own addresses are not modelled: nothing in the simulated
    /// cluster resolves a client (nodes answer to the Ethernet source, as for IPv4).
    func advertisementReceived(_ message: NDPMessage, in header: IPv6Header, in context: HostContext) {
        guard let ipv6, case .neighborAdvertisement = message, (try? message.validate(in: header)) != nil,
            header.destination == .allNodes || header.destination == ipv6 || header.destination == linkLocal
        else { return }
        var effects = NDNeighbourTable.Effects()
        ndNeighbours.advertisementReceived(message, now: context.now, effects: &effects)
        apply(effects, for: message.target, in: context)
    }

    /// Carries out what the Neighbor Discovery table asked for and records any change of the
    /// entry.
    func apply(_ effects: NDNeighbourTable.Effects, for ip: IPv6Address, in context: HostContext) {
        carryOut(effects, for: ip, table: \.ndNeighbours, in: context) { solicitation in
            let queued = !(pending[.v6(solicitation.ip)] ?? []).isEmpty
            guard let source = queued ? ipv6 : linkLocal else { return }
            let message = NDPMessage.neighborSolicitation(
                target: solicitation.ip,
                options: [.sourceLinkLayerAddress(mac)])
            let group = solicitation.ip.solicitedNodeMulticast
            context.transmit(
                EthernetFrame.ndp(
                    message, destination: solicitation.unicastTo ?? group.multicastMAC,
                    source: mac, ipSource: source,
                    ipDestination: solicitation.unicastTo == nil ? group : solicitation.ip),
                from: port)
        }
    }
}
