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
///
/// And it answers solicitations for its own addresses (`ndisc_recv_ns`), which a node's
/// kernel sends to resolve the client before MetalLB's answer can leave the node.
extension ClientHost {
    /// The NIC's multicast filter for IPv6: the all-nodes group and the solicited-node groups
    /// of the client's addresses. A client without IPv6 joins none.
    func acceptsIPv6Multicast(_ destination: MACAddress) -> Bool {
        guard let ipv6 else { return false }
        return destination == IPv6Address.allNodes.multicastMAC
            || destination == ipv6.solicitedNodeMulticast.multicastMAC
            || destination == linkLocal.solicitedNodeMulticast.multicastMAC
    }

    /// A Neighbor Discovery message reached the client. The kernel takes it when it is valid
    /// per RFC 4861 sections 7.1.1 and 7.1.2 (`ndisc_rcv` drops a hop limit other than 255,
    /// `ndisc_recv_ns` and `ndisc_recv_na` the header rules of `NDPMessage.validate`) and sent
    /// to one of the client's addresses or groups: all nodes, or the solicited-node group of
    /// one of its addresses.
    ///
    /// - An advertisement updates the table (`NeighbourCache+NDP.swift`).
    /// - A solicitation whose target is one of the client's addresses updates the sender's
    ///   entry and is answered (`LinuxNDP.answer`): the answer goes through the table like any
    ///   packet, so it waits for the sender to resolve if the entry has no address yet. Any
    ///   other target is not ours: ignored (the client proxies nothing).
    func ndpReceived(_ message: NDPMessage, in header: IPv6Header, in context: HostContext) {
        guard let ipv6, (try? message.validate(in: header)) != nil else { return }
        let destination = header.destination
        guard
            destination == ipv6 || destination == linkLocal || destination == .allNodes
                || destination == ipv6.solicitedNodeMulticast || destination == linkLocal.solicitedNodeMulticast
        else { return }
        switch message {
        case .neighborAdvertisement:
            var effects = NDNeighbourTable.Effects()
            ndNeighbours.advertisementReceived(message, now: context.now, effects: &effects)
            apply(effects, for: message.target, in: context)
        case .neighborSolicitation(let target, _):
            guard target == ipv6 || target == linkLocal else { return }
            answerSolicitation(message, in: header, in: context)
        }
    }

    /// `ndisc_recv_ns` for one of the client's addresses: a DAD probe for it is defended at
    /// once (to all nodes, no entry); any other solicitation refreshes the sender's entry and,
    /// when there is one, is answered to the sender through it.
    private func answerSolicitation(_ message: NDPMessage, in header: IPv6Header, in context: HostContext) {
        let answer = LinuxNDP.answer(to: message, in: header, mac: mac, router: false)
        guard header.source != .unspecified else {
            context.transmit(answer.frame(from: mac), from: port)
            return
        }
        var effects = NDNeighbourTable.Effects()
        let answers = ndNeighbours.solicitationForUsReceived(message, in: header, now: context.now, effects: &effects)
        apply(effects, for: header.source, in: context)
        guard answers else { return }
        var sendEffects = NDNeighbourTable.Effects()
        let resolved = ndNeighbours.resolve(answer.destination, now: context.now, effects: &sendEffects)
        let frame = PendingFrame(bytes: answer.frame(from: mac, to: .zero), source: answer.source)
        send(.frame(frame), to: .v6(answer.destination), resolvedTo: resolved, in: context)
        apply(sendEffects, for: answer.destination, in: context)
    }

    /// Carries out what the Neighbor Discovery table asked for and records any change of the
    /// entry.
    func apply(_ effects: NDNeighbourTable.Effects, for ip: IPv6Address, in context: HostContext) {
        carryOut(effects, for: ip, table: \.ndNeighbours, in: context) { solicitation in
            let queuedLast = pending[.v6(solicitation.ip)]?.last.flatMap { queued -> IPv6Address? in
                switch queued {
                case .probe: return ipv6
                case .frame(let frame): return frame.source
                }
            }
            context.transmit(
                LinuxNDP.solicitation(
                    solicitation, from: mac,
                    source: LinuxNDP.solicitationSource(queuedLast: queuedLast, linkLocal: linkLocal)),
                from: port)
        }
    }
}
