/// What `EthernetFrame.decode` found in a frame: the Ethernet header and the headers
/// beneath it, as far as lbsim understands them.
///
/// An enum payload rather than optionals so a consumer's `switch` names every kind of
/// frame the segment can carry, including the ones it ignores.
public struct DecodedFrame: Hashable, Sendable {
    /// The headers carried after Ethernet.
    public enum Payload: Hashable, Sendable {
        /// An ARP packet (EtherType 0x0806).
        case arp(ARPPacket)
        /// An unfragmented IPv4 datagram carrying TCP.
        case ipv4TCP(IPv4Header, TCPHeader)
        /// Any other IPv4 datagram (UDP, ICMP, or a fragment).
        case ipv4Other(IPv4Header)
        /// An IPv6 packet carrying a Neighbor Solicitation or Advertisement (ICMPv6 135/136).
        case ipv6NDP(IPv6Header, NDPMessage)
        /// An IPv6 packet carrying TCP straight after the fixed header (no extension headers).
        case ipv6TCP(IPv6Header, TCPHeader)
        /// Any other IPv6 packet.
        case ipv6Other(IPv6Header)
        /// An EtherType not decoded here (VLAN tags, LLDP, ...).
        case other(EtherType)
    }

    public var ethernet: EthernetHeader
    public var payload: Payload
    /// Where, in the decoded frame's bytes, the data after the innermost decoded header
    /// lies: the TCP payload for `.ipv4TCP` and `.ipv6TCP`, the IPv4 data for `.ipv4Other`,
    /// the ICMPv6 message for `.ipv6NDP` and the IPv6 payload for `.ipv6Other` (each ending
    /// at the IP header's length, so Ethernet padding is excluded), everything after the
    /// Ethernet header for `.other`, and an empty range just after the packet for `.arp`.
    public var dataRange: Range<Int>

    public init(ethernet: EthernetHeader, payload: Payload, dataRange: Range<Int>) {
        self.ethernet = ethernet
        self.payload = payload
        self.dataRange = dataRange
    }
}
