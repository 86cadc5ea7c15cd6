import CPcap

/// A pcap link-layer header type: a `DLT_*` value, which is what libpcap's APIs take.
///
/// A struct rather than an enum because the set of DLT values is open (libpcap knows
/// hundreds, files can carry any of them) and a reader must be able to report whatever
/// a file says without failing.
public struct LinkType: RawRepresentable, Hashable, Sendable {
    /// The `DLT_*` value.
    public let rawValue: Int32

    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// Ethernet (`DLT_EN10MB`, 1): every frame lbsim produces is an Ethernet frame.
    public static let ethernet = LinkType(rawValue: Int32(cpcap_dlt_en10mb()))

    /// libpcap's short name for the type (`"EN10MB"` for Ethernet), as tcpdump prints it;
    /// `"DLT <n>"` when libpcap does not know the value, so that messages always have
    /// something to show.
    public var name: String {
        guard let cName = pcap_datalink_val_to_name(rawValue) else {
            return "DLT \(rawValue)"
        }
        return String(cString: cName)
    }
}

extension LinkType: CustomStringConvertible {
    public var description: String { name }
}
