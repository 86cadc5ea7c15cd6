extension EthernetFrame {
    /// An IPv4/UDP frame, as Linux sends a datagram from an unconnected socket: an IPv4
    /// header without options, DF set, TTL 64, the given identification; Total Length, the
    /// UDP Length and both checksums computed; zero padding to 60 bytes if shorter.
    ///
    /// The simulator wraps memberlist's gossip (port 7946) in these so a recorded pcap holds
    /// the same datagrams a capture on a real node would.
    public static func ipv4UDP(
        destination: MACAddress,
        source: MACAddress,
        ipSource: IPv4Address,
        ipDestination: IPv4Address,
        identification: UInt16 = 0,
        sourcePort: UInt16,
        destinationPort: UInt16,
        payload: [UInt8]
    ) -> [UInt8] {
        let datagramLength = IPv4Header.minimumLength + UDPHeader.length + payload.count
        precondition(datagramLength <= 0xFFFF, "IPv4 datagram longer than 65535 bytes")
        let ip = IPv4Header(
            totalLength: UInt16(datagramLength), identification: identification, dontFragment: true,
            timeToLive: 64, protocol: .udp, source: ipSource, destination: ipDestination)
        var frame: [UInt8] = []
        frame.reserveCapacity(max(EthernetHeader.length + datagramLength, minimumLength))
        EthernetHeader(destination: destination, source: source, etherType: .ipv4).emit(into: &frame)
        ip.emit(into: &frame)
        UDPHeader(sourcePort: sourcePort, destinationPort: destinationPort)
            .emit(into: &frame, source: ipSource, destination: ipDestination, payload: payload)
        frame.appendZeros(minimumLength - frame.count)
        return frame
    }
}
