import Wire

/// memberlist's address fields hold Go's `net.IP` bytes: 4 for an IPv4 address, or 16 for the
/// IPv4-mapped IPv6 form Go often keeps IPv4 addresses in. Empty means no address. lbsim
/// models IPv4 members only, so any other length or a real IPv6 address is refused. One rule
/// for both of the codec's readers (the streaming one and the value-tree one).
enum GoIPBytes {
    /// The address the bytes hold (nil when empty), or why they hold none lbsim can use.
    static func ipv4(_ raw: some RandomAccessCollection<UInt8>) -> Result<IPv4Address?, AddressError> {
        // Indexed in place: push/pull decodes one of these per member, so no copy.
        func at(_ offset: Int) -> UInt8 { raw[raw.index(raw.startIndex, offsetBy: offset)] }
        switch raw.count {
        case 0:
            return .success(nil)
        case 4:
            return .success(IPv4Address(at(0), at(1), at(2), at(3)))
        case 16 where (0..<10).allSatisfy({ at($0) == 0 }) && at(10) == 0xFF && at(11) == 0xFF:
            return .success(IPv4Address(at(12), at(13), at(14), at(15)))
        default:
            return .failure(AddressError(description: "\(raw.count)-byte address is not IPv4"))
        }
    }

    struct AddressError: Error {
        var description: String
    }
}
