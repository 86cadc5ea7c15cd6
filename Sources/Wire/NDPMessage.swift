/// The two Neighbor Discovery messages MetalLB's NDP responder deals in (RFC 4861 sections
/// 4.3 and 4.4), as the body of an ICMPv6 packet.
public enum NDPMessage: Hashable, Sendable {
    /// ICMPv6 type 135: "who has `target`?"
    case neighborSolicitation(target: IPv6Address, options: [NDPOption])
    /// ICMPv6 type 136: "`target` is at ...". R: the sender is a router; S: an answer to a
    /// solicitation; O: override an existing cache entry.
    case neighborAdvertisement(router: Bool, solicited: Bool, override: Bool, target: IPv6Address, options: [NDPOption])

    public static let solicitationType: UInt8 = 135
    public static let advertisementType: UInt8 = 136
    /// Type, code, checksum, 4 bytes of flags or reserved, 16 of target.
    public static let minimumLength = 24

    public var icmpType: UInt8 {
        if case .neighborSolicitation = self { return Self.solicitationType }
        return Self.advertisementType
    }

    public var target: IPv6Address {
        switch self {
        case .neighborSolicitation(let target, _), .neighborAdvertisement(_, _, _, let target, _): return target
        }
    }

    public var options: [NDPOption] {
        switch self {
        case .neighborSolicitation(_, let options), .neighborAdvertisement(_, _, _, _, let options): return options
        }
    }

    /// The Source Link-Layer Address option's MAC, if the message carries one.
    public var sourceLinkLayerAddress: MACAddress? {
        for case .sourceLinkLayerAddress(let mac) in options { return mac }
        return nil
    }

    /// The Target Link-Layer Address option's MAC, if the message carries one.
    public var targetLinkLayerAddress: MACAddress? {
        for case .targetLinkLayerAddress(let mac) in options { return mac }
        return nil
    }

    /// Appends the ICMPv6 message with its checksum over the pseudo-header of `source` and
    /// `destination`.
    public func emit(into buffer: inout [UInt8], source: IPv6Address, destination: IPv6Address) {
        let start = buffer.count
        buffer.appendU8(icmpType)
        buffer.appendU8(0)
        buffer.appendU16(0)
        switch self {
        case .neighborSolicitation:
            buffer.appendU32(0)
        case .neighborAdvertisement(let router, let solicited, let override, _, _):
            buffer.appendU32((router ? 1 << 31 : 0) | (solicited ? 1 << 30 : 0) | (override ? 1 << 29 : 0))
        }
        buffer += target.octets
        for option in options { option.emit(into: &buffer) }
        let length = buffer.count - start
        let pseudo = InternetChecksum.pseudoHeaderSum(
            source: source, destination: destination, protocol: .icmpv6, length: length)
        let checksum = buffer.withUnsafeBytes { raw in
            InternetChecksum.checksum(UnsafeRawBufferPointer(rebasing: raw[start...]), initial: pseudo)
        }
        buffer.setU16(checksum, at: start + 2)
    }

    /// The bytes `emit` writes.
    public func encoded(source: IPv6Address, destination: IPv6Address) -> [UInt8] {
        var bytes: [UInt8] = []
        emit(into: &bytes, source: source, destination: destination)
        return bytes
    }

    /// Reads an ICMPv6 message that is a Neighbor Solicitation or Advertisement. Returns nil for
    /// any other ICMPv6 type. Throws for a message too short for its type, a non-zero code, a
    /// bad option, or a multicast target (RFC 4861 sections 7.1.1 and 7.1.2). The checksum and
    /// hop limit are the caller's to check (`validate`), since they need the IPv6 header.
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(WireError) -> NDPMessage? {
        try parse(bytes, anyCode: false)
    }

    /// Reads the message as MetalLB's NDP library does: mdlayher/ndp's `ParseMessage` dispatches
    /// on the type and never reads the ICMPv6 code, so a message with a non-zero code is read
    /// like any other. The kernel's `ndisc_rcv` drops such a message: use `parse` for it.
    public static func parseAnyCode(_ bytes: UnsafeRawBufferPointer) throws(WireError) -> NDPMessage? {
        try parse(bytes, anyCode: true)
    }

    static func parse(_ bytes: UnsafeRawBufferPointer, anyCode: Bool) throws(WireError) -> NDPMessage? {
        guard bytes.count >= 4 else { throw .truncated(header: "ICMPv6", needed: 4, available: bytes.count) }
        let type = bytes[0]
        guard type == solicitationType || type == advertisementType else { return nil }
        let name = type == solicitationType ? "Neighbor Solicitation" : "Neighbor Advertisement"
        guard bytes.count >= minimumLength else {
            throw .truncated(header: name, needed: minimumLength, available: bytes.count)
        }
        guard anyCode || bytes[1] == 0 else {
            throw .malformed(header: name, reason: "ICMP code is \(bytes[1]), not 0")
        }
        var reader = ByteReader(bytes, offset: 4)
        let flags = reader.readU32()
        let target = IPv6Address(reader.readBytes(16))
        guard !target.isMulticast else {
            throw .malformed(header: name, reason: "target \(target) is a multicast address")
        }
        let options = try NDPOption.parseAll(UnsafeRawBufferPointer(rebasing: bytes[minimumLength...]))
        if type == solicitationType { return .neighborSolicitation(target: target, options: options) }
        return .neighborAdvertisement(
            router: flags & 1 << 31 != 0, solicited: flags & 1 << 30 != 0,
            override: flags & 1 << 29 != 0, target: target, options: options)
    }

    public static func parse(_ bytes: [UInt8]) throws(WireError) -> NDPMessage? {
        try bytes.withUnsafeBytes { raw in Result { () throws(WireError) in try parse(raw) } }.get()
    }

    /// RFC 4861's checks that need the IPv6 header: hop limit 255; a solicitation from the
    /// unspecified address (a DAD probe) carries no source link-layer address and goes to a
    /// solicited-node address; a solicited advertisement does not go to a multicast address.
    public func validate(in header: IPv6Header) throws(WireError) {
        let name = icmpType == Self.solicitationType ? "Neighbor Solicitation" : "Neighbor Advertisement"
        guard header.hopLimit == 255 else {
            throw .malformed(header: name, reason: "hop limit is \(header.hopLimit), not 255")
        }
        switch self {
        case .neighborSolicitation:
            if header.source == .unspecified {
                guard sourceLinkLayerAddress == nil else {
                    throw .malformed(header: name, reason: "a solicitation from :: carries a source link-layer address")
                }
                guard header.destination == target.solicitedNodeMulticast else {
                    throw .malformed(
                        header: name,
                        reason: "a solicitation from :: is not sent to the target's solicited-node address")
                }
            }
        case .neighborAdvertisement(_, let solicited, _, _, _):
            if solicited && header.destination.isMulticast {
                throw .malformed(header: name, reason: "a solicited advertisement is sent to a multicast address")
            }
        }
    }

    /// Whether the ICMPv6 checksum of `message` (the bytes after the IPv6 header) is right.
    public static func verifyChecksum(source: IPv6Address, destination: IPv6Address, message: UnsafeRawBufferPointer)
        -> Bool
    {
        let pseudo = InternetChecksum.pseudoHeaderSum(
            source: source, destination: destination, protocol: .icmpv6,
            length: message.count)
        return InternetChecksum.checksum(message, initial: pseudo) == 0
    }
}

extension NDPMessage: CustomStringConvertible {
    /// tcpdump's wording: `neighbor solicitation, who has 2001:db8::1`,
    /// `neighbor advertisement, tgt is 2001:db8::1`.
    public var description: String {
        switch self {
        case .neighborSolicitation(let target, _): return "neighbor solicitation, who has \(target)"
        case .neighborAdvertisement(_, let solicited, let override, let target, _):
            let flags = (solicited ? "S" : "") + (override ? "O" : "")
            return "neighbor advertisement, tgt is \(target)" + (flags.isEmpty ? "" : " [\(flags)]")
        }
    }
}
