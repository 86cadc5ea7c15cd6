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
public enum NDPResponder {
    /// The solicited advertisement for `message`, or nil when MetalLB would not answer.
    /// `joined` says whether a multicast group is one the responder joined; the caller has
    /// checked that the target is announced on `interface`.
    ///
    /// The answer: Neighbor Advertisement S=1 O=0 R=0 with a Target Link-Layer Address option
    /// holding the interface's MAC, from the interface's link-local address to the
    /// solicitation's source, hop limit 255, to the MAC in its Source Link-Layer Address option
    /// (the kernel's neighbour entry, which that option has just created).
    public static func answer(
        _ message: NDPMessage, in header: IPv6Header, from interface: L2Interface,
        joined: (IPv6Address) -> Bool
    ) -> [UInt8]? {
        guard case .neighborSolicitation(let target, _) = message,
            (try? message.validate(in: header)) != nil,
            let linkLocal = interface.linkLocal,
            header.destination == linkLocal || header.destination == .allNodes || joined(header.destination),
            let solicitor = message.sourceLinkLayerAddress,
            header.source != .unspecified
        else { return nil }
        let advertisement = NDPMessage.neighborAdvertisement(
            router: false, solicited: true, override: false, target: target,
            options: [.targetLinkLayerAddress(interface.hardwareAddress)])
        return EthernetFrame.ndp(
            advertisement, destination: solicitor, source: interface.hardwareAddress,
            ipSource: linkLocal, ipDestination: header.source)
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
