import Wire

/// A frame that tells the segment "this IP is at this MAC": what makes neighbours send the
/// IP's traffic to that MAC, and so what MetalLB's layer2 speaker sends for a service IP.
public struct Claim: Sendable, Hashable {
    /// How the claim was made.
    public enum Kind: String, Sendable, Hashable, Comparable, CaseIterable {
        /// An ARP reply (RFC 826): sender IP is at sender MAC. Includes MetalLB's broadcast
        /// gratuitous replies.
        case arpReply = "ARP reply"
        /// An ARP request whose sender and target IP are the same (RFC 5227's announcement):
        /// MetalLB sends one with each gratuitous round.
        case gratuitousARP = "gratuitous ARP"
        /// A Neighbor Advertisement with S=1 (RFC 4861), an answer to a solicitation.
        case solicitedAdvertisement = "solicited NA"
        /// A Neighbor Advertisement with S=0: NDP's gratuitous announcement, MetalLB's
        /// takeover message for IPv6.
        case unsolicitedAdvertisement = "unsolicited NA"

        public static func < (lhs: Kind, rhs: Kind) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    /// Capture time, nanoseconds since the epoch.
    public var time: Int64
    /// 1-based position of the frame in the capture, as Wireshark numbers frames.
    public var frame: Int
    public var ip: IPAddress
    /// The MAC the claim tells neighbours to use: the ARP sender hardware address, or the
    /// NA's target link-layer address option (its Ethernet source when the option is absent,
    /// RFC 4861 section 7.2.4 allows that for unicast answers).
    public var mac: MACAddress
    public var kind: Kind
    /// 802.1Q/802.1ad VLAN IDs the frame was tagged with, outermost first; empty if untagged.
    public var vlans: [UInt16]

    public init(time: Int64, frame: Int, ip: IPAddress, mac: MACAddress, kind: Kind, vlans: [UInt16] = []) {
        self.time = time
        self.frame = frame
        self.ip = ip
        self.mac = mac
        self.kind = kind
        self.vlans = vlans
    }
}
