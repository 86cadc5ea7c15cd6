/// An IPv4 header (RFC 791), options included.
///
/// The simulator carries client traffic to a service IP as IPv4/TCP frames, so that a pcap
/// of a failover shows exactly what a real capture would: which MAC a client's SYN went to
/// after the gratuitous ARP. Field names follow RFC 791 section 3.1.
public struct IPv4Header: Hashable, Sendable {
    /// The former Type of Service byte: DSCP in the top six bits, ECN in the low two.
    public var differentiatedServices: UInt8
    /// Length of the datagram (header plus data) in bytes. Ethernet may pad a short frame,
    /// so this, not the frame length, says where the data ends.
    public var totalLength: UInt16
    public var identification: UInt16
    /// Bit 0 of Flags, reserved (RFC 791: must be zero; RFC 3514's "evil bit"). Kept so
    /// that a header received with it set re-emits, and checksums, exactly as it arrived.
    public var reservedFlag: Bool
    /// The DF flag: Linux sets it on TCP (path MTU discovery).
    public var dontFragment: Bool
    /// The MF flag.
    public var moreFragments: Bool
    /// Fragment Offset, in units of 8 bytes (13 bits, at most 0x1FFF).
    public var fragmentOffset: UInt16
    public var timeToLive: UInt8
    public var `protocol`: IPProtocol
    /// The checksum as read by `parse`. `emit` ignores it and writes the correct value, so a
    /// built header never needs it filled in; `verifyChecksum()` checks a parsed one.
    public var headerChecksum: UInt16
    public var source: IPv4Address
    public var destination: IPv4Address
    /// Raw option bytes (at most 40). `emit` pads them with zeros (End of Option List) to a
    /// multiple of four; `parse` returns everything between byte 20 and IHL × 4.
    public var options: [UInt8]

    /// Length of a header without options.
    public static let minimumLength = 20

    public init(
        differentiatedServices: UInt8 = 0,
        totalLength: UInt16,
        identification: UInt16 = 0,
        reservedFlag: Bool = false,
        dontFragment: Bool = false,
        moreFragments: Bool = false,
        fragmentOffset: UInt16 = 0,
        timeToLive: UInt8 = 64,
        protocol: IPProtocol,
        headerChecksum: UInt16 = 0,
        source: IPv4Address,
        destination: IPv4Address,
        options: [UInt8] = []
    ) {
        self.differentiatedServices = differentiatedServices
        self.totalLength = totalLength
        self.identification = identification
        self.reservedFlag = reservedFlag
        self.dontFragment = dontFragment
        self.moreFragments = moreFragments
        self.fragmentOffset = fragmentOffset
        self.timeToLive = timeToLive
        self.protocol = `protocol`
        self.headerChecksum = headerChecksum
        self.source = source
        self.destination = destination
        self.options = options
    }

    /// Header length in bytes as emitted: 20 plus the options padded to a multiple of 4.
    public var headerLength: Int { 20 + ((options.count + 3) & ~3) }

    /// Bytes of data after the header, per `totalLength` (0 if it is inconsistent).
    public var payloadLength: Int { max(0, Int(totalLength) - headerLength) }

    /// Reads an IPv4 header from `bytes`, which start at the header.
    ///
    /// Checks version 4, IHL at least 5, the buffer holding IHL × 4 bytes, and
    /// IHL × 4 ≤ Total Length ≤ buffer length. Bytes beyond Total Length are allowed: an
    /// Ethernet frame shorter than 60 bytes arrives padded. The checksum is not checked
    /// here (a capture taken on the sending host holds offloaded, unfinished checksums);
    /// call `verifyChecksum()`.
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(WireError) -> IPv4Header {
        guard bytes.count >= 20 else {
            throw .truncated(header: "IPv4", needed: 20, available: bytes.count)
        }
        var reader = ByteReader(bytes)
        let versionAndIHL = reader.readU8()
        let version = versionAndIHL >> 4
        guard version == 4 else {
            throw .malformed(header: "IPv4", reason: "version \(version), expected 4")
        }
        let length = Int(versionAndIHL & 0x0F) * 4
        guard length >= 20 else {
            throw .malformed(header: "IPv4", reason: "IHL \(length / 4), below the minimum of 5")
        }
        guard bytes.count >= length else {
            throw .truncated(header: "IPv4", needed: length, available: bytes.count)
        }
        let differentiatedServices = reader.readU8()
        let totalLength = reader.readU16()
        guard Int(totalLength) >= length else {
            throw .malformed(
                header: "IPv4", reason: "total length \(totalLength) shorter than the \(length)-byte header")
        }
        guard Int(totalLength) <= bytes.count else {
            throw .truncated(header: "IPv4", needed: Int(totalLength), available: bytes.count)
        }
        let identification = reader.readU16()
        let flagsAndOffset = reader.readU16()
        let timeToLive = reader.readU8()
        let proto = IPProtocol(rawValue: reader.readU8())
        let headerChecksum = reader.readU16()
        let source = reader.readIPv4()
        let destination = reader.readIPv4()
        let options = reader.readBytes(length - 20)
        return IPv4Header(
            differentiatedServices: differentiatedServices,
            totalLength: totalLength,
            identification: identification,
            reservedFlag: flagsAndOffset & 0x8000 != 0,
            dontFragment: flagsAndOffset & 0x4000 != 0,
            moreFragments: flagsAndOffset & 0x2000 != 0,
            fragmentOffset: flagsAndOffset & 0x1FFF,
            timeToLive: timeToLive,
            protocol: proto,
            headerChecksum: headerChecksum,
            source: source,
            destination: destination,
            options: options)
    }

    /// Reads an IPv4 header from a byte array starting at the header.
    public static func parse(_ bytes: [UInt8]) throws(WireError) -> IPv4Header {
        try bytes.withUnsafeBytes { buffer in
            Result { () throws(WireError) in try parse(buffer) }
        }.get()
    }

    /// Appends the header (`headerLength` bytes) with a freshly computed checksum.
    /// `totalLength` is written as stored: the caller appends that many bytes in all.
    public func emit(into buffer: inout [UInt8]) {
        precondition(options.count <= 40, "IPv4 options longer than 40 bytes")
        precondition(fragmentOffset <= 0x1FFF, "IPv4 fragment offset wider than 13 bits")
        buffer.appendU8(0x40 | UInt8(headerLength / 4))
        buffer.appendU8(differentiatedServices)
        buffer.appendU16(totalLength)
        buffer.appendU16(identification)
        buffer.appendU16(flagsAndOffset)
        buffer.appendU8(timeToLive)
        buffer.appendU8(`protocol`.rawValue)
        buffer.appendU16(computedChecksum)
        buffer.appendIPv4(source)
        buffer.appendIPv4(destination)
        buffer.append(contentsOf: options)
        buffer.appendZeros(headerLength - 20 - options.count)
    }

    /// The checksum `emit` writes for these fields.
    public var computedChecksum: UInt16 { ~UInt16(truncatingIfNeeded: sum(checksum: 0)) }

    /// True when `headerChecksum` is correct for the other fields: the ones' complement sum
    /// over the whole header, checksum included, is all ones (RFC 1071's receiver check).
    public func verifyChecksum() -> Bool {
        sum(checksum: headerChecksum) == 0xFFFF
    }

    /// The Flags and Fragment Offset word.
    var flagsAndOffset: UInt16 {
        (reservedFlag ? 0x8000 : 0) | (dontFragment ? 0x4000 : 0) | (moreFragments ? 0x2000 : 0)
            | (fragmentOffset & 0x1FFF)
    }

    /// The folded ones' complement sum of the header as `emit` lays it out, with `checksum`
    /// in the checksum field; computed from the fields, so no bytes need to be written.
    func sum(checksum: UInt16) -> UInt32 {
        var words = UInt64(0x4000 | UInt16(headerLength / 4) << 8 | UInt16(differentiatedServices))
        words += UInt64(totalLength) + UInt64(identification) + UInt64(flagsAndOffset)
        words += UInt64(UInt16(timeToLive) << 8 | UInt16(`protocol`.rawValue)) + UInt64(checksum)
        words += UInt64(source.rawValue >> 16) + UInt64(source.rawValue & 0xFFFF)
        words += UInt64(destination.rawValue >> 16) + UInt64(destination.rawValue & 0xFFFF)
        // Options start at byte 20, an even offset, so their words line up; padding adds 0.
        return InternetChecksum.sum(options, initial: UInt32(InternetChecksum.fold64(words)))
    }
}

extension IPv4Header: CustomStringConvertible {
    /// `10.200.200.50 > 10.200.200.120: TCP, ttl 64, id 35273, length 60`, after tcpdump -v.
    public var description: String {
        "\(source) > \(destination): \(`protocol`), ttl \(timeToLive), id \(identification), length \(totalLength)"
    }
}
