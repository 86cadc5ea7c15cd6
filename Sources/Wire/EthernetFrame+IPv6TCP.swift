extension EthernetFrame {
    /// An IPv6/TCP frame as Linux sends one on a link: traffic class and flow label zero, no
    /// extension headers, hop limit 64 (the kernel's default `hop_limit`), Payload Length and
    /// the TCP checksum over the IPv6 pseudo header computed. A SYN with options is longer
    /// than 60 bytes, but a bare RST is not: 14 + 40 + 20 = 74 bytes, so no padding is ever
    /// needed; the builder still pads, like the others, to stay correct for any caller.
    public static func ipv6TCP(
        destination: MACAddress, source: MACAddress, ipSource: IPv6Address,
        ipDestination: IPv6Address, hopLimit: UInt8 = 64, tcp: TCPHeader,
        payload: [UInt8] = []
    ) -> [UInt8] {
        let segmentLength = tcp.headerLength + payload.count
        precondition(segmentLength <= 0xFFFF, "IPv6 payload longer than 65535 bytes (jumbograms are not modelled)")
        var frame: [UInt8] = []
        frame.reserveCapacity(max(EthernetHeader.length + IPv6Header.length + segmentLength, minimumLength))
        EthernetHeader(destination: destination, source: source, etherType: .ipv6).emit(into: &frame)
        IPv6Header(
            payloadLength: UInt16(segmentLength), nextHeader: .tcp, hopLimit: hopLimit,
            source: ipSource, destination: ipDestination
        ).emit(into: &frame)
        tcp.emit(into: &frame, source: ipSource, destination: ipDestination, payload: payload)
        frame.appendZeros(max(0, minimumLength - frame.count))
        return frame
    }
}
