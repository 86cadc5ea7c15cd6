import Wire

/// A frame asking "who has this IP?": an ARP request or a Neighbor Solicitation.
///
/// Duplicate-address probes (ARP from 0.0.0.0, RFC 5227; NS from ::, RFC 4862) are not
/// requests here: nobody is meant to answer them, so counting them as unanswered would
/// report every host that ever booted.
public struct AddressRequest: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case arpRequest = "ARP request"
        case neighborSolicitation = "NS"
    }

    /// Capture time, nanoseconds since the epoch.
    public var time: Int64
    /// 1-based frame number.
    public var frame: Int
    /// The address asked for.
    public var ip: IPAddress
    /// Who asked: ARP sender hardware address, or the NS's source link-layer address option
    /// (its Ethernet source without one).
    public var asker: MACAddress
    public var kind: Kind
    /// VLAN IDs, outermost first; empty if untagged.
    public var vlans: [UInt16]

    public init(time: Int64, frame: Int, ip: IPAddress, asker: MACAddress, kind: Kind, vlans: [UInt16] = []) {
        self.time = time
        self.frame = frame
        self.ip = ip
        self.asker = asker
        self.kind = kind
        self.vlans = vlans
    }
}
