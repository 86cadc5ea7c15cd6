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
        case let .notPermitted(message), let .interfaceUnavailable(message), let .announceFileUnreadable(message),
             let .capture(message), let .output(message):
            return message
        case let .badAddress(error):
            return error.description
        }
    }
}
