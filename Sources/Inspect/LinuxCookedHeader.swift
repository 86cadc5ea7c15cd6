import Wire

/// The pseudo link-layer header Linux puts in front of packets captured on the "any" device
/// (`tcpdump -i any`) or on links without an Ethernet header: `LINKTYPE_LINUX_SLL` (113,
/// 16 bytes) and, since libpcap 1.10, `LINKTYPE_LINUX_SLL2` (276, 20 bytes). It carries the
/// protocol (an EtherType) and the link-layer address of the packet's sender, which is all the
/// analysis takes from an Ethernet header. Layouts as the tcpdump.org link-type pages give them:
///
///     SLL:  packet type (2) | ARPHRD type (2) | address length (2) | address (8) | protocol (2)
///     SLL2: protocol (2) | reserved (2) | interface index (4) | ARPHRD type (2) |
///           packet type (1) | address length (1) | address (8)
///
/// All fields big-endian. The VLAN tag of a tagged packet is not in the bytes: the kernel hands
/// it over as metadata, so frames read through these headers carry no VLAN IDs.
struct LinuxCookedHeader {
    static let sllLinkType: Int32 = 113
    static let sll2LinkType: Int32 = 276

    /// The payload's EtherType.
    var etherType: UInt16
    /// The sender's MAC, when the link has 6-byte addresses (ARPHRD_ETHER and the like).
    var source: MACAddress?
    var length: Int

    static func parse(_ raw: UnsafeRawBufferPointer, linkType: Int32) throws(WireError) -> LinuxCookedHeader {
        func u16(_ offset: Int) -> UInt16 { UInt16(raw[offset]) << 8 | UInt16(raw[offset + 1]) }
        switch linkType {
        case sllLinkType:
            guard raw.count >= 16 else {
                throw .truncated(header: "Linux cooked (SLL)", needed: 16, available: raw.count)
            }
            return LinuxCookedHeader(etherType: u16(14), source: mac(raw, at: 6, length: Int(u16(4))), length: 16)
        default:
            guard raw.count >= 20 else {
                throw .truncated(header: "Linux cooked (SLL2)", needed: 20, available: raw.count)
            }
            return LinuxCookedHeader(etherType: u16(0), source: mac(raw, at: 12, length: Int(raw[11])), length: 20)
        }
    }

    private static func mac(_ raw: UnsafeRawBufferPointer, at offset: Int, length: Int) -> MACAddress? {
        guard length == 6 else { return nil }
        return MACAddress(
            raw[offset], raw[offset + 1], raw[offset + 2], raw[offset + 3], raw[offset + 4], raw[offset + 5])
    }
}
