/// A Neighbor Discovery option (RFC 4861 section 4.6): type, length in units of 8 bytes
/// (including the type and length bytes), value. Only the link-layer address options matter
/// for MetalLB; any other is kept as bytes so a parsed message can be re-emitted unchanged.
public enum NDPOption: Hashable, Sendable {
    /// Type 1: the sender's link-layer address (in solicitations; its absence marks a DAD probe).
    case sourceLinkLayerAddress(MACAddress)
    /// Type 2: the target's link-layer address (in advertisements).
    case targetLinkLayerAddress(MACAddress)
    /// Any other option, or a link-layer option longer than Ethernet's: type and value bytes.
    case other(type: UInt8, value: [UInt8])

    public var type: UInt8 {
        switch self {
        case .sourceLinkLayerAddress: return 1
        case .targetLinkLayerAddress: return 2
        case .other(let type, _): return type
        }
    }

    /// Bytes the option takes: a multiple of 8.
    public var encodedLength: Int {
        switch self {
        case .sourceLinkLayerAddress, .targetLinkLayerAddress: return 8
        case .other(_, let value): return (2 + value.count + 7) / 8 * 8
        }
    }

    func emit(into buffer: inout [UInt8]) {
        buffer.appendU8(type)
        buffer.appendU8(UInt8(encodedLength / 8))
        switch self {
        case .sourceLinkLayerAddress(let mac), .targetLinkLayerAddress(let mac):
            buffer.appendMAC(mac)
        case .other(_, let value):
            buffer += value
            buffer.appendZeros(encodedLength - 2 - value.count)
        }
    }

    /// Reads the options filling `bytes`. A length of zero is invalid (RFC 4861 section 4.6:
    /// the receiver must discard the packet), as is an option running past the end.
    static func parseAll(_ bytes: UnsafeRawBufferPointer) throws(WireError) -> [NDPOption] {
        var options: [NDPOption] = []
        var offset = 0
        while offset < bytes.count {
            guard bytes.count - offset >= 2 else {
                throw .truncated(header: "NDP option", needed: 2, available: bytes.count - offset)
            }
            let type = bytes[offset]
            let length = Int(bytes[offset + 1]) * 8
            guard length > 0 else { throw .malformed(header: "NDP option", reason: "option type \(type) has length 0") }
            guard offset + length <= bytes.count else {
                throw .truncated(header: "NDP option", needed: length, available: bytes.count - offset)
            }
            let value = Array(bytes[(offset + 2)..<(offset + length)])
            if (type == 1 || type == 2) && length == 8 {
                let mac = MACAddress(value[0], value[1], value[2], value[3], value[4], value[5])
                options.append(type == 1 ? .sourceLinkLayerAddress(mac) : .targetLinkLayerAddress(mac))
            } else {
                options.append(.other(type: type, value: value))
            }
            offset += length
        }
        return options
    }
}
