/// A UDP header (RFC 768): four 16-bit fields, eight bytes.
///
/// memberlist's failure detector (the speakers' liveness gossip on port 7946) runs over UDP,
/// so the simulator builds and reads these datagrams; a pcap of a failover then shows the
/// pings, acks and suspicion gossip next to the ARP traffic they cause.
public struct UDPHeader: Hashable, Sendable {
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    /// Length of the header plus the data, in bytes (at least 8).
    public var length: UInt16
    /// The checksum as read by `parse` (0 means the sender computed none). `emit` ignores it
    /// and writes the correct value.
    public var checksum: UInt16

    /// Bytes in the header.
    public static let length = 8

    public init(sourcePort: UInt16, destinationPort: UInt16, length: UInt16 = 8, checksum: UInt16 = 0) {
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
        self.length = length
        self.checksum = checksum
    }

    /// Bytes of data after the header, per `length`.
    public var payloadLength: Int { max(0, Int(length) - UDPHeader.length) }

    /// Reads a UDP header from `bytes`, which start at the header (the IPv4 payload).
    ///
    /// Checks that the buffer holds the eight header bytes and that Length is at least 8 and
    /// no longer than the buffer (bytes beyond it are allowed: Ethernet padding). The
    /// checksum is not checked (it needs the addresses): see `verifyChecksum`.
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(WireError) -> UDPHeader {
        guard bytes.count >= UDPHeader.length else {
            throw .truncated(header: "UDP", needed: UDPHeader.length, available: bytes.count)
        }
        var reader = ByteReader(bytes)
        let sourcePort = reader.readU16()
        let destinationPort = reader.readU16()
        let length = reader.readU16()
        let checksum = reader.readU16()
        guard Int(length) >= UDPHeader.length else {
            throw .malformed(header: "UDP", reason: "length \(length) shorter than the 8-byte header")
        }
        guard Int(length) <= bytes.count else {
            throw .truncated(header: "UDP", needed: Int(length), available: bytes.count)
        }
        return UDPHeader(sourcePort: sourcePort, destinationPort: destinationPort, length: length, checksum: checksum)
    }

    /// Reads a UDP header from a byte array starting at the header.
    public static func parse(_ bytes: [UInt8]) throws(WireError) -> UDPHeader {
        try bytes.withUnsafeBytes { buffer in
            Result { () throws(WireError) in try parse(buffer) }
        }.get()
    }

    /// Appends the header and then `payload`. Length is set to 8 + payload bytes (the stored
    /// `length` and `checksum` are ignored) and the checksum is computed over the IPv4 pseudo
    /// header (`source`, `destination`, protocol 17, length), the header and the payload. A
    /// computed checksum of 0 is sent as 0xFFFF, since 0 on the wire means "none" (RFC 768).
    public func emit(into buffer: inout [UInt8], source: IPv4Address, destination: IPv4Address, payload: [UInt8] = []) {
        let datagramLength = UDPHeader.length + payload.count
        precondition(datagramLength <= 0xFFFF, "UDP datagram longer than 65535 bytes")
        let start = buffer.count
        buffer.appendU16(sourcePort)
        buffer.appendU16(destinationPort)
        buffer.appendU16(UInt16(datagramLength))
        buffer.appendU16(0)  // checksum, filled in below
        buffer.append(contentsOf: payload)
        let pseudo = InternetChecksum.pseudoHeaderSum(
            source: source, destination: destination, protocol: .udp, length: datagramLength)
        let checksum = buffer.withUnsafeBytes { bytes in
            InternetChecksum.checksum(UnsafeRawBufferPointer(rebasing: bytes[start...]), initial: pseudo)
        }
        buffer.setU16(checksum == 0 ? 0xFFFF : checksum, at: start + 6)
    }

    /// True when the checksum in `datagram` (a whole UDP datagram, header and payload, as
    /// carried in an IPv4 packet from `source` to `destination`) is correct. A checksum field
    /// of 0 means the sender sent none; that is not "correct" here, so this returns false.
    /// Only the first Length bytes count: trailing Ethernet padding is ignored.
    public static func verifyChecksum(source: IPv4Address, destination: IPv4Address, datagram: UnsafeRawBufferPointer)
        -> Bool
    {
        guard datagram.count >= UDPHeader.length, datagram.count <= 0xFFFF else { return false }
        let length = Int(datagram[4]) << 8 | Int(datagram[5])
        guard length >= UDPHeader.length, length <= datagram.count else { return false }
        guard datagram[6] != 0 || datagram[7] != 0 else { return false }
        let covered = UnsafeRawBufferPointer(rebasing: datagram[..<length])
        let pseudo = InternetChecksum.pseudoHeaderSum(
            source: source, destination: destination, protocol: .udp, length: length)
        return InternetChecksum.sum(covered, initial: pseudo) == 0xFFFF
    }

    /// `verifyChecksum` over a datagram held as a byte array.
    public static func verifyChecksum(source: IPv4Address, destination: IPv4Address, datagram: [UInt8]) -> Bool {
        datagram.withUnsafeBytes { verifyChecksum(source: source, destination: destination, datagram: $0) }
    }
}

extension UDPHeader: CustomStringConvertible {
    /// `7946 > 7946: UDP, length 23`, after tcpdump (the length is the payload's).
    public var description: String {
        "\(sourcePort) > \(destinationPort): UDP, length \(payloadLength)"
    }
}
