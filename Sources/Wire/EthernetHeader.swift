/// An Ethernet II (DIX) header: destination, source, EtherType. 14 bytes, no 802.1Q tag,
/// no FCS (captures and the simulated segment both carry frames without it).
///
/// MetalLB's layer2 mode lives at this layer: the speaker answers ARP for a service IP with
/// its own node's MAC, so which node receives traffic is decided by these six bytes.
public struct EthernetHeader: Hashable, Sendable {
    public var destination: MACAddress
    public var source: MACAddress
    public var etherType: EtherType

    /// Header length on the wire.
    public static let length = 14

    @inlinable
    public init(destination: MACAddress, source: MACAddress, etherType: EtherType) {
        self.destination = destination
        self.source = source
        self.etherType = etherType
    }

    /// Reads the header at the start of `bytes`; whatever follows is the payload.
    ///
    /// Allocation-free and inlinable: every simulated host runs this on every frame the
    /// segment floods to it.
    @inlinable
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(WireError) -> EthernetHeader {
        guard bytes.count >= 14 else {
            throw .truncated(header: "Ethernet", needed: 14, available: bytes.count)
        }
        var reader = ByteReader(bytes)
        let destination = reader.readMAC()
        let source = reader.readMAC()
        let etherType = EtherType(rawValue: reader.readU16())
        return EthernetHeader(destination: destination, source: source, etherType: etherType)
    }

    /// Reads the header at the start of a frame held as a byte array.
    @inlinable
    public static func parse(_ bytes: [UInt8]) throws(WireError) -> EthernetHeader {
        // `withUnsafeBytes` is `rethrows` (untyped); a Result carries the typed error out.
        try bytes.withUnsafeBytes { buffer in
            Result { () throws(WireError) in try parse(buffer) }
        }.get()
    }

    /// Appends the 14 header bytes.
    @inlinable
    public func emit(into buffer: inout [UInt8]) {
        buffer.appendMAC(destination)
        buffer.appendMAC(source)
        buffer.appendU16(etherType.rawValue)
    }
}

extension EthernetHeader: CustomStringConvertible {
    /// `52:54:00:12:34:56 > ff:ff:ff:ff:ff:ff, ARP`, in the order `tcpdump -e` prints it.
    public var description: String { "\(source) > \(destination), \(etherType)" }
}
