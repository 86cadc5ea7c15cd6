/// Why a live run could not start.
public enum LiveError: Error, Sendable, CustomStringConvertible {
    /// No CAP_NET_RAW (not root, capability not granted).
    case notPermitted(String)
    /// The interface does not exist, is down, or has no MAC address.
    case interfaceUnavailable(String)
    /// An address in the announce set is not a unicast IPv4 address.
    case badAddress(AnnounceAddressError)
    /// The announce file cannot be read.
    case announceFileUnreadable(String)
    /// libpcap could not open the interface or the output file.
    case capture(String)
    /// The pcap output file could not be created.
    case output(String)

    public var description: String {
        switch self {
        case .notPermitted(let message), .interfaceUnavailable(let message), .announceFileUnreadable(let message),
            .capture(let message), .output(let message):
            return message
        case .badAddress(let error):
            return error.description
        }
    }
}
