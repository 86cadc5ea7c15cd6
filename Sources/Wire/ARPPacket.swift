/// An ARP packet for IPv4 over Ethernet (RFC 826), the body of an EtherType 0x0806 frame.
///
/// Only the Ethernet/IPv4 shape exists on the segments lbsim models, so the four format
/// fields are checked on parse and addresses are stored as `MACAddress` and `IPv4Address`
/// rather than variable-length byte strings. MetalLB's layer2 speaker answers requests for
/// service IPs and announces failover with gratuitous packets; both are values of this type.
public struct ARPPacket: Hashable, Sendable {
    /// `ar$hrd`: 1, Ethernet.
    public var hardwareType: UInt16
    /// `ar$pro`: 0x0800, IPv4 (an EtherType value).
    public var protocolType: UInt16
    /// `ar$hln`: 6, the length of a MAC address.
    public var hardwareLength: UInt8
    /// `ar$pln`: 4, the length of an IPv4 address.
    public var protocolLength: UInt8
    /// `ar$op`.
    public var operation: ARPOperation
    /// `ar$sha`.
    public var senderHardwareAddress: MACAddress
    /// `ar$spa`.
    public var senderProtocolAddress: IPv4Address
    /// `ar$tha`: zero in a Linux request, the requester's MAC in a reply.
    public var targetHardwareAddress: MACAddress
    /// `ar$tpa`.
    public var targetProtocolAddress: IPv4Address

    /// Length of an Ethernet/IPv4 ARP packet: 8 fixed bytes plus 2 × (6 + 4).
    public static let length = 28

    @inlinable
    public init(
        hardwareType: UInt16 = 1,
        protocolType: UInt16 = 0x0800,
        hardwareLength: UInt8 = 6,
        protocolLength: UInt8 = 4,
        operation: ARPOperation,
        senderHardwareAddress: MACAddress,
        senderProtocolAddress: IPv4Address,
        targetHardwareAddress: MACAddress,
        targetProtocolAddress: IPv4Address
    ) {
        self.hardwareType = hardwareType
        self.protocolType = protocolType
        self.hardwareLength = hardwareLength
        self.protocolLength = protocolLength
        self.operation = operation
        self.senderHardwareAddress = senderHardwareAddress
        self.senderProtocolAddress = senderProtocolAddress
        self.targetHardwareAddress = targetHardwareAddress
        self.targetProtocolAddress = targetProtocolAddress
    }

    /// True when the sender announces its own address (`spa == tpa`): the gratuitous ARP
    /// a MetalLB speaker broadcasts when it takes over a service IP, so that neighbours
    /// update their caches without asking. Such a packet is not a question to answer.
    @inlinable
    public var isGratuitous: Bool { senderProtocolAddress == targetProtocolAddress }

    /// Reads an ARP packet from `bytes`, which start at the ARP header (after Ethernet).
    /// Trailing bytes (Ethernet padding) are ignored.
    ///
    /// Throws `.truncated` for fewer than 28 bytes and `.malformed` for anything but
    /// htype 1 / ptype 0x0800 / hlen 6 / plen 4. Allocation-free and inlinable: every host on
    /// a simulated segment parses every broadcast ARP.
    @inlinable
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(WireError) -> ARPPacket {
        try parse(bytes, anyTypes: false)
    }

    /// Reads an ARP packet whatever its hardware and protocol types, as MetalLB's ARP library
    /// does: mdlayher/arp's `Packet.UnmarshalBinary` checks only that the addresses fit, and
    /// MetalLB's responder (internal/layer2/arp.go) never looks at the types. The lengths must
    /// still be 6 and 4: its reply (`arp.NewPacket`) needs a 6-byte sender MAC and an IPv4
    /// target, and otherwise nothing is sent. `hardwareType` and `protocolType` keep what the
    /// packet said, for the kernel, which does check them.
    @inlinable
    public static func parseAnyTypes(_ bytes: UnsafeRawBufferPointer) throws(WireError) -> ARPPacket {
        try parse(bytes, anyTypes: true)
    }

    /// Whether the Linux kernel takes this packet on an Ethernet device: hardware type
    /// Ethernet (1) or IEEE 802 (6), protocol IPv4 (net/ipv4/arp.c, `arp_process`).
    @inlinable
    public var isForLinuxOnEthernet: Bool {
        (hardwareType == 1 || hardwareType == 6) && protocolType == 0x0800
    }

    @inlinable
    static func parse(_ bytes: UnsafeRawBufferPointer, anyTypes: Bool) throws(WireError) -> ARPPacket {
        guard bytes.count >= 28 else {
            throw .truncated(header: "ARP", needed: 28, available: bytes.count)
        }
        var reader = ByteReader(bytes)
        let hardwareType = reader.readU16()
        let protocolType = reader.readU16()
        let hardwareLength = reader.readU8()
        let protocolLength = reader.readU8()
        guard anyTypes || (hardwareType == 1 && protocolType == 0x0800), hardwareLength == 6, protocolLength == 4
        else {
            throw malformed(hardwareType, protocolType, hardwareLength, protocolLength)
        }
        let operation = ARPOperation(rawValue: reader.readU16())
        let senderHardwareAddress = reader.readMAC()
        let senderProtocolAddress = reader.readIPv4()
        let targetHardwareAddress = reader.readMAC()
        let targetProtocolAddress = reader.readIPv4()
        return ARPPacket(
            hardwareType: hardwareType, protocolType: protocolType,
            operation: operation,
            senderHardwareAddress: senderHardwareAddress,
            senderProtocolAddress: senderProtocolAddress,
            targetHardwareAddress: targetHardwareAddress,
            targetProtocolAddress: targetProtocolAddress)
    }

    /// Reads an ARP packet from a byte array starting at the ARP header.
    @inlinable
    public static func parse(_ bytes: [UInt8]) throws(WireError) -> ARPPacket {
        try bytes.withUnsafeBytes { buffer in
            Result { () throws(WireError) in try parse(buffer) }
        }.get()
    }

    /// The error for a packet that is not Ethernet/IPv4 ARP, naming the first field that is
    /// off. The reasons are literals so that even a flood of foreign ARP allocates nothing.
    @usableFromInline
    static func malformed(_ htype: UInt16, _ ptype: UInt16, _ hlen: UInt8, _ plen: UInt8) -> WireError {
        let reason: String
        if htype != 1 {
            reason = "hardware type is not Ethernet (1)"
        } else if ptype != 0x0800 {
            reason = "protocol type is not IPv4 (0x0800)"
        } else if hlen != 6 {
            reason = "hardware address length is not 6"
        } else {
            reason = "protocol address length is not 4"
        }
        return .malformed(header: "ARP", reason: reason)
    }

    /// Appends the 28 packet bytes. The four format fields are written as stored (so a test
    /// can build a foreign packet); the addresses are always 6 and 4 bytes.
    @inlinable
    public func emit(into buffer: inout [UInt8]) {
        buffer.appendU16(hardwareType)
        buffer.appendU16(protocolType)
        buffer.appendU8(hardwareLength)
        buffer.appendU8(protocolLength)
        buffer.appendU16(operation.rawValue)
        buffer.appendMAC(senderHardwareAddress)
        buffer.appendIPv4(senderProtocolAddress)
        buffer.appendMAC(targetHardwareAddress)
        buffer.appendIPv4(targetProtocolAddress)
    }
}

extension ARPPacket: CustomStringConvertible {
    /// tcpdump's wording: `Request who-has 10.200.200.120 tell 10.200.200.50`,
    /// `Reply 10.200.200.120 is-at 52:54:00:ab:cd:ef`.
    public var description: String {
        switch operation {
        case .request:
            return "Request who-has \(targetProtocolAddress) tell \(senderProtocolAddress)"
        case .reply:
            return "Reply \(senderProtocolAddress) is-at \(senderHardwareAddress)"
        default:
            return
                "ARP \(operation) \(senderProtocolAddress) (\(senderHardwareAddress)) > \(targetProtocolAddress) (\(targetHardwareAddress))"
        }
    }
}
