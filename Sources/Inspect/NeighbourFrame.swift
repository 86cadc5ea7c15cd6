import Wire

/// What one Ethernet frame says about who has which IP: a claim, a request, or nothing.
///
/// Only the headers that matter are parsed (Ethernet, VLAN tags, ARP, IPv6 and ICMPv6 when
/// the ICMPv6 type is 135 or 136), so a TCP or IPv4 frame that a short snapshot length cut
/// off is not counted as a truncated frame the analysis missed: it never wanted it.
struct NeighbourFrame {
    enum Meaning {
        case claim(IPAddress, MACAddress, Claim.Kind)
        case request(IPAddress, MACAddress, AddressRequest.Kind)
        /// Any other protocol, a duplicate-address probe, or a claim for an unspecified address.
        case unrelated
    }

    /// 802.1Q/802.1ad VLAN IDs, outermost first.
    var vlans: [UInt16]
    var meaning: Meaning

    /// EtherTypes of VLAN tags: 802.1Q, 802.1ad (QinQ), and the pre-standard 0x9100 QinQ.
    static let vlanEtherTypes: Set<UInt16> = [0x8100, 0x88A8, 0x9100]
    /// More stacked tags than this and the frame is not worth reading: no real network nests
    /// deeper, and a bound keeps a frame of repeated tag bytes from being walked to its end.
    static let maximumTags = 4

    /// ICMPv6 (IPv6 next header 58) and its two Neighbor Discovery types.
    private static let icmpv6: UInt8 = 58

    /// The link types whose frames are decoded: Ethernet, and Linux's cooked headers.
    static let decodedLinkTypes: Set<Int32> = [
        CapturedFrame.ethernetLinkType, LinuxCookedHeader.sllLinkType,
        LinuxCookedHeader.sll2LinkType,
    ]

    /// Decodes a frame that starts with an Ethernet header (or, for the Linux cooked link
    /// types, with Linux's pseudo-header).
    ///
    /// - Throws: `WireError.truncated` when the bytes end before a header that had to be
    ///   read, `.malformed` when such a header holds values its format forbids (an ARP packet
    ///   for another hardware type, an NDP message with a hop limit other than 255, which a
    ///   receiver discards, RFC 4861 section 7.1).
    static func decode(_ bytes: [UInt8], linkType: Int32 = CapturedFrame.ethernetLinkType) throws(WireError)
        -> NeighbourFrame
    {
        try bytes.withUnsafeBytes { raw in
            Result { () throws(WireError) in try decode(raw, linkType: linkType) }
        }.get()
    }

    static func decode(_ raw: UnsafeRawBufferPointer, linkType: Int32 = CapturedFrame.ethernetLinkType)
        throws(WireError) -> NeighbourFrame
    {
        guard linkType == CapturedFrame.ethernetLinkType else {
            let cooked = try LinuxCookedHeader.parse(raw, linkType: linkType)
            return try decodePayload(raw, etherType: cooked.etherType, offset: cooked.length, source: cooked.source)
        }
        let ethernet = try EthernetHeader.parse(raw)
        return try decodePayload(
            raw, etherType: ethernet.etherType.rawValue, offset: EthernetHeader.length,
            source: ethernet.source)
    }

    /// What follows the link-layer header: VLAN tags, then ARP or IPv6. `source` is the link
    /// layer's sender address, when it has one of 6 bytes.
    private static func decodePayload(
        _ raw: UnsafeRawBufferPointer, etherType: UInt16, offset: Int,
        source: MACAddress?
    ) throws(WireError) -> NeighbourFrame {
        var etherType = etherType
        var offset = offset
        var vlans: [UInt16] = []
        while vlanEtherTypes.contains(etherType) {
            guard vlans.count < maximumTags else { return NeighbourFrame(vlans: vlans, meaning: .unrelated) }
            guard raw.count - offset >= 4 else {
                throw .truncated(header: "802.1Q tag", needed: 4, available: raw.count - offset)
            }
            vlans.append((UInt16(raw[offset]) << 8 | UInt16(raw[offset + 1])) & 0x0FFF)
            etherType = UInt16(raw[offset + 2]) << 8 | UInt16(raw[offset + 3])
            offset += 4
        }
        let payload = UnsafeRawBufferPointer(rebasing: raw[offset...])
        switch etherType {
        case EtherType.arp.rawValue:
            return NeighbourFrame(vlans: vlans, meaning: meaning(of: try ARPPacket.parse(payload)))
        case EtherType.ipv6.rawValue:
            return NeighbourFrame(vlans: vlans, meaning: try ndpMeaning(payload, linkSource: source))
        default:
            return NeighbourFrame(vlans: vlans, meaning: .unrelated)
        }
    }

    /// An ARP reply claims its sender address; a request whose sender and target are the
    /// same is a gratuitous claim; any other request (not a probe from 0.0.0.0) asks.
    static func meaning(of arp: ARPPacket) -> Meaning {
        let sender = arp.senderProtocolAddress
        let unspecified = IPv4Address(rawValue: 0)
        switch arp.operation {
        case .reply where sender != unspecified:
            return .claim(.v4(sender), arp.senderHardwareAddress, .arpReply)
        case .request where arp.isGratuitous && sender != unspecified:
            return .claim(.v4(sender), arp.senderHardwareAddress, .gratuitousARP)
        case .request where sender != unspecified:
            return .request(.v4(arp.targetProtocolAddress), arp.senderHardwareAddress, .arpRequest)
        default:
            return .unrelated
        }
    }

    /// Neighbor Solicitations and Advertisements directly after the IPv6 header (NDP never
    /// uses extension headers). Other IPv6 traffic is unrelated, and is recognised from its
    /// first bytes so that a cut-off TCP/IPv6 frame does not count as a truncated one. Without
    /// a link-layer address option the link layer's sender stands in; a message with neither
    /// (possible only behind a cooked header of a non-Ethernet link) names no MAC: unrelated.
    private static func ndpMeaning(_ payload: UnsafeRawBufferPointer, linkSource: MACAddress?) throws(WireError)
        -> Meaning
    {
        let headerLength = IPv6Header.length
        guard payload.count >= headerLength else {
            throw .truncated(header: "IPv6", needed: headerLength, available: payload.count)
        }
        guard payload[6] == icmpv6 else { return .unrelated }
        if payload.count > headerLength,
            payload[headerLength] != NDPMessage.solicitationType, payload[headerLength] != NDPMessage.advertisementType
        {
            return .unrelated
        }
        let ip = try IPv6Header.parse(payload)
        let body = UnsafeRawBufferPointer(rebasing: payload[headerLength..<(headerLength + Int(ip.payloadLength))])
        guard let message = try NDPMessage.parse(body) else { return .unrelated }
        try message.validate(in: ip)
        switch message {
        case .neighborSolicitation(let target, _):
            guard ip.source != .unspecified, let asker = message.sourceLinkLayerAddress ?? linkSource else {
                return .unrelated
            }
            return .request(.v6(target), asker, .neighborSolicitation)
        case .neighborAdvertisement(_, let solicited, _, let target, _):
            guard target != .unspecified, let owner = message.targetLinkLayerAddress ?? linkSource else {
                return .unrelated
            }
            return .claim(.v6(target), owner, solicited ? .solicitedAdvertisement : .unsolicitedAdvertisement)
        }
    }
}
