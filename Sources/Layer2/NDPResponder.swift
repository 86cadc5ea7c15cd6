import Wire

/// MetalLB's NDP responder (internal/layer2/ndp.go), as pure functions over frames.
///
/// It listens on an ICMPv6 socket bound to the interface's link-local address and joins the
/// solicited-node group of every IPv6 address it announces. So it hears a Neighbor
/// Solicitation only when the kernel delivers it: sent to one of those groups, to all nodes
/// (ff02::1) or to the link-local address itself (a unicast solicitation to the service
/// address, as neighbour unreachability detection sends, is dropped by the kernel, which does
/// not own that address). What it hears it answers whatever group it came through, as
/// `processRequest` looks only at the target, and only when the solicitation carries a Source
/// Link-Layer Address option, which leaves out duplicate address detection probes (sent from
/// :: without one).
///
/// Of RFC 4861's validity checks (section 7.1.1) it keeps only those its socket and library
/// make. The kernel hands a raw ICMPv6 socket every packet before `ndisc_rcv` checks anything,
/// and verifies only the checksum (net/ipv6/raw.c: ICMPv6 raw sockets always check it; the
/// simulated node does that before the responder). mdlayher/ndp's `Conn.ReadFrom` drops what
/// its own address sent and what `ParseMessage` cannot read (shorter than 24 bytes, a target
/// that is not IPv6, an option of length 0 or running past the end), and nothing else: the
/// hop limit (`ndisc_rcv` wants 255) and the code (`ndisc_rcv` wants 0) are never looked at,
/// so a routed solicitation, or one with a code, is answered like any other. A multicast
/// target is not refused either, but is never an announced address.
public enum NDPResponder {
    /// The solicited advertisement for `message`, and the unicast address it is written to, or
    /// nil when MetalLB would not answer. `joined` says whether a multicast group is one the
    /// responder joined; the caller has checked that the target is announced on `interface`.
    ///
    /// The answer: Neighbor Advertisement S=1 O=0 R=0 with a Target Link-Layer Address option
    /// holding the interface's MAC, from the interface's link-local address to the
    /// solicitation's source, hop limit 255 (`ndp.Conn.WriteTo` with the default control
    /// message). The destination is unicast, so it leaves only once the node's kernel has a
    /// neighbour entry for it: the kernel learns none from a solicitation for an address it
    /// does not own (`ndisc_recv_ns` stops before its neighbour update), so the first answer to
    /// a solicitor waits for the kernel's own resolution of it (`OutgoingFrame.nextHop`). The
    /// frame's Ethernet destination is the solicitation's source link-layer address until then.
    /// A solicitation from :: with that option would be answered to ::, which the kernel sends
    /// to the loopback address (`rawv6_sendmsg`): nothing leaves the node.
    public static func answer(
        _ message: NDPMessage, in header: IPv6Header, from interface: L2Interface,
        joined: (IPv6Address) -> Bool
    ) -> (bytes: [UInt8], nextHop: IPv6Address)? {
        guard case .neighborSolicitation(let target, _) = message,
            let linkLocal = interface.linkLocal,
            header.destination == linkLocal || header.destination == .allNodes || joined(header.destination),
            header.source != linkLocal,
            let solicitor = message.sourceLinkLayerAddress,
            header.source != .unspecified
        else { return nil }
        let advertisement = NDPMessage.neighborAdvertisement(
            router: false, solicited: true, override: false, target: target,
            options: [.targetLinkLayerAddress(interface.hardwareAddress)])
        let bytes = EthernetFrame.ndp(
            advertisement, destination: solicitor, source: interface.hardwareAddress,
            ipSource: linkLocal, ipDestination: header.source)
        return (bytes, header.source)
    }

    /// The gratuitous round for `address`: an unsolicited Neighbor Advertisement S=0 O=1 to
    /// all nodes (ff02::1, MAC 33:33:00:00:00:01), so that caches holding another MAC switch
    /// at once. Nil on an interface without a link-local address (no NDP responder there).
    public static func unsolicitedAdvertisement(for address: IPv6Address, from interface: L2Interface) -> [UInt8]? {
        guard let linkLocal = interface.linkLocal else { return nil }
        let advertisement = NDPMessage.neighborAdvertisement(
            router: false, solicited: false, override: true, target: address,
            options: [.targetLinkLayerAddress(interface.hardwareAddress)])
        return EthernetFrame.ndp(
            advertisement, destination: IPv6Address.allNodes.multicastMAC,
            source: interface.hardwareAddress, ipSource: linkLocal, ipDestination: .allNodes)
    }
}
