/// The fixed IPv6 header (RFC 8200 section 3): 40 bytes, no options (extension headers are
/// not modelled; NDP never uses them).
public struct IPv6Header: Hashable, Sendable {
    public var trafficClass: UInt8
    /// 20 bits.
    public var flowLabel: UInt32
    /// Bytes after this header.
    public var payloadLength: UInt16
    public var nextHeader: IPProtocol
    /// NDP messages must carry 255: a router would have decremented it (RFC 4861 section 7.1.1).
    public var hopLimit: UInt8
    public var source: IPv6Address
    public var destination: IPv6Address

    public static let length = 40

    public init(
        trafficClass: UInt8 = 0, flowLabel: UInt32 = 0, payloadLength: UInt16, nextHeader: IPProtocol,
        hopLimit: UInt8, source: IPv6Address, destination: IPv6Address
    ) {
        self.trafficClass = trafficClass
        self.flowLabel = flowLabel & 0xF_FFFF
        self.payloadLength = payloadLength
        self.nextHeader = nextHeader
        self.hopLimit = hopLimit
        self.source = source
        self.destination = destination
    }

    /// Reads the header from `bytes`, which start at it. Throws `.truncated` when fewer than 40
    /// bytes are there or the payload length runs past the buffer, `.malformed` for a version
    /// other than 6.
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(WireError) -> IPv6Header {
        guard bytes.count >= length else { throw .truncated(header: "IPv6", needed: length, available: bytes.count) }
        var reader = ByteReader(bytes)
        let first = reader.readU32()
        guard first >> 28 == 6 else { throw .malformed(header: "IPv6", reason: "version is \(first >> 28), not 6") }
        let payloadLength = reader.readU16()
        let nextHeader = IPProtocol(rawValue: reader.readU8())
        let hopLimit = reader.readU8()
        let source = IPv6Address(reader.readBytes(16))
        let destination = IPv6Address(reader.readBytes(16))
        guard length + Int(payloadLength) <= bytes.count else {
            throw .truncated(header: "IPv6 payload", needed: length + Int(payloadLength), available: bytes.count)
        }
        return IPv6Header(
            trafficClass: UInt8(truncatingIfNeeded: first >> 20), flowLabel: first & 0xF_FFFF,
            payloadLength: payloadLength, nextHeader: nextHeader, hopLimit: hopLimit,
            source: source, destination: destination)
    }

    public func emit(into buffer: inout [UInt8]) {
        buffer.appendU32(6 << 28 | UInt32(trafficClass) << 20 | flowLabel & 0xF_FFFF)
        buffer.appendU16(payloadLength)
        buffer.appendU8(nextHeader.rawValue)
        buffer.appendU8(hopLimit)
        buffer += source.octets
        buffer += destination.octets
    }
}
