extension EthernetFrame {
    /// An Ethernet/IPv6/ICMPv6 frame carrying one Neighbor Discovery message, as Linux or
    /// MetalLB's NDP responder sends it: hop limit 255, traffic class and flow label zero,
    /// the ICMPv6 checksum computed. NDP frames are at least 78 bytes, so never padded.
    public static func ndp(
        _ message: NDPMessage, destination: MACAddress, source: MACAddress,
        ipSource: IPv6Address, ipDestination: IPv6Address
    ) -> [UInt8] {
        let body = message.encoded(source: ipSource, destination: ipDestination)
        var frame: [UInt8] = []
        frame.reserveCapacity(EthernetHeader.length + IPv6Header.length + body.count)
        EthernetHeader(destination: destination, source: source, etherType: .ipv6).emit(into: &frame)
        IPv6Header(
            payloadLength: UInt16(body.count), nextHeader: .icmpv6, hopLimit: 255,
            source: ipSource, destination: ipDestination
        ).emit(into: &frame)
        frame += body
        frame.appendZeros(max(0, minimumLength - frame.count))
        return frame
    }

    /// Decodes a Neighbor Discovery frame as MetalLB's NDP socket reads it: like `decode`, but
    /// the ICMPv6 code is not checked (`NDPMessage.parseAnyCode`). Nil for a frame that is not
    /// Ethernet/IPv6/ICMPv6 NDP or does not decode that way.
    public static func decodeNDPAnyCode(_ bytes: [UInt8]) -> DecodedFrame? {
        bytes.withUnsafeBytes { raw -> DecodedFrame? in
            guard let ethernet = try? EthernetHeader.parse(raw), ethernet.etherType == .ipv6,
                let ip = try? IPv6Header.parse(UnsafeRawBufferPointer(rebasing: raw[EthernetHeader.length...])),
                ip.nextHeader == .icmpv6
            else { return nil }
            let start = EthernetHeader.length + IPv6Header.length
            let end = start + Int(ip.payloadLength)
            guard let message = try? NDPMessage.parseAnyCode(UnsafeRawBufferPointer(rebasing: raw[start..<end]))
            else { return nil }
            return DecodedFrame(ethernet: ethernet, payload: .ipv6NDP(ip, message), dataRange: start..<end)
        }
    }
}

extension IPv6Address {
    /// The link-local address Linux gives an Ethernet interface by default: fe80::/64 with the
    /// modified EUI-64 interface identifier of its MAC (RFC 4291 appendix A: ff:fe in the
    /// middle, the universal/local bit flipped).
    public static func linkLocal(for mac: MACAddress) -> IPv6Address {
        let o = mac.octets
        let identifier =
            UInt64(o[0] ^ 0x02) << 56 | UInt64(o[1]) << 48 | UInt64(o[2]) << 40 | 0xFF << 32
            | 0xFE << 24 | UInt64(o[3]) << 16 | UInt64(o[4]) << 8 | UInt64(o[5])
        return IPv6Address(high: 0xFE80_0000_0000_0000, low: identifier)
    }
}
