/// Whole Ethernet frames as byte arrays: builders for the frames lbsim sends and a decoder
/// for the frames it reads back.
///
/// The simulated segment, the recorder and the pcap writer all pass frames around as
/// `[UInt8]`, exactly as they would appear on a wire (no FCS), so what the simulation
/// records can be opened in Wireshark and what a real capture holds can be replayed.
/// Builders reserve the frame's capacity once and emit each header straight into it.
public enum EthernetFrame {
    /// The shortest Ethernet frame without its 4-byte FCS: 64 − 4. A NIC pads anything
    /// shorter with zeros, so builders do too and frames look the same as captured ones.
    public static let minimumLength = 60

    /// An ARP frame: Ethernet header, the 28-byte packet, zero padding to 60 bytes.
    public static func arp(_ packet: ARPPacket, destination: MACAddress, source: MACAddress) -> [UInt8] {
        var frame: [UInt8] = []
        frame.reserveCapacity(minimumLength)
        EthernetHeader(destination: destination, source: source, etherType: .arp).emit(into: &frame)
        packet.emit(into: &frame)
        frame.appendZeros(minimumLength - frame.count)
        return frame
    }

    /// An IPv4/TCP frame from the usual fields: a header with DF set (as Linux sends TCP),
    /// no options, and the given identification and TTL. Total Length and both checksums
    /// are computed; the frame is padded to 60 bytes if shorter.
    public static func ipv4TCP(
        destination: MACAddress,
        source: MACAddress,
        ipSource: IPv4Address,
        ipDestination: IPv4Address,
        identification: UInt16 = 0,
        timeToLive: UInt8 = 64,
        tcp: TCPHeader,
        payload: [UInt8] = []
    ) -> [UInt8] {
        let ip = IPv4Header(
            totalLength: 0, identification: identification, dontFragment: true,
            timeToLive: timeToLive, protocol: .tcp, source: ipSource, destination: ipDestination)
        return ipv4TCP(destination: destination, source: source, ip: ip, tcp: tcp, payload: payload)
    }

    /// An IPv4/TCP frame from a full IPv4 header (for options, DSCP, fragments flags).
    /// The header's `totalLength`, `protocol` and `headerChecksum` are replaced by the
    /// correct values; the TCP checksum is computed; the frame is padded to 60 bytes.
    public static func ipv4TCP(
        destination: MACAddress,
        source: MACAddress,
        ip: IPv4Header,
        tcp: TCPHeader,
        payload: [UInt8] = []
    ) -> [UInt8] {
        var ip = ip
        let datagramLength = ip.headerLength + tcp.headerLength + payload.count
        precondition(datagramLength <= 0xFFFF, "IPv4 datagram longer than 65535 bytes")
        ip.totalLength = UInt16(datagramLength)
        ip.protocol = .tcp
        let frameLength = EthernetHeader.length + datagramLength
        var frame: [UInt8] = []
        frame.reserveCapacity(max(frameLength, minimumLength))
        EthernetHeader(destination: destination, source: source, etherType: .ipv4).emit(into: &frame)
        ip.emit(into: &frame)
        tcp.emit(into: &frame, source: ip.source, destination: ip.destination, payload: payload)
        frame.appendZeros(minimumLength - frame.count)
        return frame
    }

    /// Decodes a frame down to the transport header: Ethernet, then ARP, IPv4 or IPv6, then TCP
    /// (unfragmented IPv4 datagrams only: a fragment holds no complete TCP header to read) or,
    /// in IPv6, a Neighbor Discovery message. IPv6 TCP is read only right after the fixed
    /// header: lbsim's hosts send no extension headers.
    ///
    /// Checksums are not verified, since a capture taken on the sending host holds
    /// offloaded, unfinished ones. When they matter, call `IPv4Header.verifyChecksum()`,
    /// and `TCPHeader.verifyChecksum(source:destination:segment:)` on the TCP segment,
    /// which runs from `EthernetHeader.length + ip.headerLength` to `dataRange.upperBound`.
    /// Throws what the first header that does not parse throws.
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(WireError) -> DecodedFrame {
        let ethernet = try EthernetHeader.parse(bytes)
        let afterEthernet = UnsafeRawBufferPointer(rebasing: bytes[EthernetHeader.length...])
        switch ethernet.etherType {
        case .arp:
            let packet = try ARPPacket.parse(afterEthernet)
            let end = EthernetHeader.length + ARPPacket.length
            return DecodedFrame(ethernet: ethernet, payload: .arp(packet), dataRange: end..<end)
        case .ipv4:
            let ip = try IPv4Header.parse(afterEthernet)
            let ipStart = EthernetHeader.length
            let ipDataStart = ipStart + ip.headerLength
            let ipEnd = ipStart + Int(ip.totalLength)
            guard ip.protocol == .tcp, ip.fragmentOffset == 0, !ip.moreFragments else {
                return DecodedFrame(ethernet: ethernet, payload: .ipv4Other(ip), dataRange: ipDataStart..<ipEnd)
            }
            let tcp = try TCPHeader.parse(UnsafeRawBufferPointer(rebasing: bytes[ipDataStart..<ipEnd]))
            return DecodedFrame(
                ethernet: ethernet, payload: .ipv4TCP(ip, tcp), dataRange: ipDataStart + tcp.headerLength..<ipEnd)
        case .ipv6:
            let ip = try IPv6Header.parse(afterEthernet)
            let start = EthernetHeader.length + IPv6Header.length
            let end = start + Int(ip.payloadLength)
            if ip.nextHeader == .icmpv6,
                let message = try NDPMessage.parse(UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
            {
                return DecodedFrame(ethernet: ethernet, payload: .ipv6NDP(ip, message), dataRange: start..<end)
            }
            if ip.nextHeader == .tcp {
                let tcp = try TCPHeader.parse(UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
                return DecodedFrame(
                    ethernet: ethernet, payload: .ipv6TCP(ip, tcp), dataRange: start + tcp.headerLength..<end)
            }
            return DecodedFrame(ethernet: ethernet, payload: .ipv6Other(ip), dataRange: start..<end)
        default:
            return DecodedFrame(
                ethernet: ethernet, payload: .other(ethernet.etherType), dataRange: EthernetHeader.length..<bytes.count)
        }
    }

    /// `decode` over a frame held as a byte array.
    public static func decode(_ bytes: [UInt8]) throws(WireError) -> DecodedFrame {
        try bytes.withUnsafeBytes { buffer in
            Result { () throws(WireError) in try decode(buffer) }
        }.get()
    }
}
