/// A TCP header (RFC 793 section 3.1), options included.
///
/// lbsim does not run TCP; it builds and reads the segments that show a connection's fate
/// across a failover (the SYN to a service IP, the RST from a node that has no state for
/// it), so this is the header alone, with the checksum over the IPv4 or IPv6 pseudo header.
public struct TCPHeader: Hashable, Sendable {
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    public var sequenceNumber: UInt32
    public var acknowledgmentNumber: UInt32
    public var flags: TCPFlags
    public var window: UInt16
    /// The checksum as read by `parse`. `emit` ignores it and writes the correct value.
    public var checksum: UInt16
    public var urgentPointer: UInt16
    /// Raw option bytes (at most 40). `emit` pads them with zeros to a multiple of four;
    /// `parse` returns everything between byte 20 and Data Offset × 4.
    public var options: [UInt8]

    /// Length of a header without options.
    public static let minimumLength = 20

    public init(
        sourcePort: UInt16,
        destinationPort: UInt16,
        sequenceNumber: UInt32 = 0,
        acknowledgmentNumber: UInt32 = 0,
        flags: TCPFlags = [],
        window: UInt16 = 65535,
        checksum: UInt16 = 0,
        urgentPointer: UInt16 = 0,
        options: [UInt8] = []
    ) {
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
        self.sequenceNumber = sequenceNumber
        self.acknowledgmentNumber = acknowledgmentNumber
        self.flags = flags
        self.window = window
        self.checksum = checksum
        self.urgentPointer = urgentPointer
        self.options = options
    }

    /// Header length in bytes as emitted: 20 plus the options padded to a multiple of 4.
    public var headerLength: Int { 20 + ((options.count + 3) & ~3) }

    /// Reads a TCP header from `bytes`, which start at the header (the IPv4 or IPv6 payload).
    ///
    /// Checks Data Offset at least 5 and the buffer holding Data Offset × 4 bytes. The
    /// checksum is not checked (it needs the addresses): see `verifyChecksum`.
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(WireError) -> TCPHeader {
        guard bytes.count >= 20 else {
            throw .truncated(header: "TCP", needed: 20, available: bytes.count)
        }
        var reader = ByteReader(bytes)
        let sourcePort = reader.readU16()
        let destinationPort = reader.readU16()
        let sequenceNumber = reader.readU32()
        let acknowledgmentNumber = reader.readU32()
        let length = Int(reader.readU8() >> 4) * 4
        guard length >= 20 else {
            throw .malformed(header: "TCP", reason: "data offset \(length / 4), below the minimum of 5")
        }
        guard bytes.count >= length else {
            throw .truncated(header: "TCP", needed: length, available: bytes.count)
        }
        let flags = TCPFlags(rawValue: reader.readU8())
        let window = reader.readU16()
        let checksum = reader.readU16()
        let urgentPointer = reader.readU16()
        let options = reader.readBytes(length - 20)
        return TCPHeader(
            sourcePort: sourcePort,
            destinationPort: destinationPort,
            sequenceNumber: sequenceNumber,
            acknowledgmentNumber: acknowledgmentNumber,
            flags: flags,
            window: window,
            checksum: checksum,
            urgentPointer: urgentPointer,
            options: options)
    }

    /// Reads a TCP header from a byte array starting at the header.
    public static func parse(_ bytes: [UInt8]) throws(WireError) -> TCPHeader {
        try bytes.withUnsafeBytes { buffer in
            Result { () throws(WireError) in try parse(buffer) }
        }.get()
    }

    /// Appends the header and then `payload`, with the checksum computed over the IPv4
    /// pseudo header (`source`, `destination`, protocol 6, segment length), the header and
    /// the payload. The stored `checksum` is ignored.
    public func emit(into buffer: inout [UInt8], source: IPv4Address, destination: IPv4Address, payload: [UInt8] = []) {
        emit(into: &buffer, payload: payload) { length in
            InternetChecksum.pseudoHeaderSum(source: source, destination: destination, protocol: .tcp, length: length)
        }
    }

    /// Appends the header and then `payload`, with the checksum over the IPv6 pseudo header
    /// (RFC 8200 section 8.1: both addresses, the 32-bit upper-layer length, next header 6).
    /// Unlike IPv4, where a receiver may skip it, the checksum is mandatory here: IPv6 has no
    /// header checksum of its own.
    public func emit(into buffer: inout [UInt8], source: IPv6Address, destination: IPv6Address, payload: [UInt8] = []) {
        emit(into: &buffer, payload: payload) { length in
            InternetChecksum.pseudoHeaderSum(source: source, destination: destination, protocol: .tcp, length: length)
        }
    }

    /// Writes every byte of the header and the payload, then fills in the checksum from the
    /// pseudo header sum `pseudo` gives for the segment's length.
    private func emit(into buffer: inout [UInt8], payload: [UInt8], pseudo: (Int) -> UInt32) {
        precondition(options.count <= 40, "TCP options longer than 40 bytes")
        let start = buffer.count
        buffer.appendU16(sourcePort)
        buffer.appendU16(destinationPort)
        buffer.appendU32(sequenceNumber)
        buffer.appendU32(acknowledgmentNumber)
        buffer.appendU8(UInt8(headerLength / 4) << 4)
        buffer.appendU8(flags.rawValue)
        buffer.appendU16(window)
        buffer.appendU16(0)  // checksum, filled in below
        buffer.appendU16(urgentPointer)
        buffer.append(contentsOf: options)
        buffer.appendZeros(headerLength - 20 - options.count)
        buffer.append(contentsOf: payload)
        let initial = pseudo(buffer.count - start)
        let checksum = buffer.withUnsafeBytes { bytes in
            InternetChecksum.checksum(UnsafeRawBufferPointer(rebasing: bytes[start...]), initial: initial)
        }
        buffer.setU16(checksum, at: start + 16)
    }

    /// True when the checksum in `segment` (a whole TCP segment, header and payload, as
    /// carried in an IPv4 datagram from `source` to `destination`) is correct.
    public static func verifyChecksum(source: IPv4Address, destination: IPv4Address, segment: UnsafeRawBufferPointer)
        -> Bool
    {
        guard segment.count <= 0xFFFF else { return false }
        let pseudo = InternetChecksum.pseudoHeaderSum(
            source: source, destination: destination, protocol: .tcp, length: segment.count)
        return InternetChecksum.sum(segment, initial: pseudo) == 0xFFFF
    }

    /// `verifyChecksum` over a segment held as a byte array.
    public static func verifyChecksum(source: IPv4Address, destination: IPv4Address, segment: [UInt8]) -> Bool {
        segment.withUnsafeBytes { verifyChecksum(source: source, destination: destination, segment: $0) }
    }

    /// True when the checksum in `segment` (a whole TCP segment carried in an IPv6 packet
    /// from `source` to `destination`, no extension headers) is correct.
    public static func verifyChecksum(source: IPv6Address, destination: IPv6Address, segment: UnsafeRawBufferPointer)
        -> Bool
    {
        let pseudo = InternetChecksum.pseudoHeaderSum(
            source: source, destination: destination, protocol: .tcp,
            length: segment.count)
        return InternetChecksum.sum(segment, initial: pseudo) == 0xFFFF
    }

    /// `verifyChecksum` over an IPv6-carried segment held as a byte array.
    public static func verifyChecksum(source: IPv6Address, destination: IPv6Address, segment: [UInt8]) -> Bool {
        segment.withUnsafeBytes { verifyChecksum(source: source, destination: destination, segment: $0) }
    }
}

extension TCPHeader: CustomStringConvertible {
    /// `44622 > 80: Flags [S], seq 503982202, win 64240`, after tcpdump.
    public var description: String {
        var text = "\(sourcePort) > \(destinationPort): Flags \(flags), seq \(sequenceNumber)"
        if flags.contains(.ack) { text += ", ack \(acknowledgmentNumber)" }
        return text + ", win \(window)"
    }
}
