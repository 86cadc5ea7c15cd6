import Engine
import Membership
import Wire

/// The node kernel's UDP path, which the speaker's memberlist uses: datagrams travel as
/// IPv4/UDP frames from and to port 7946 (so the pcap holds them), resolved through the node's
/// own ARP cache.
///
/// Push/pull exchanges and joins, which memberlist runs over TCP, go through the node's TCP
/// (`NodeHost+Streams.swift`); both share this output path and its ARP resolution.
extension NodeHost {
    static let memberlistPort: UInt16 = 7946

    /// A UDP datagram for this node's address (`header`, already decoded from `frame`):
    /// memberlist's, when it is for port 7946 and a speaker with memberlist runs.
    func receiveDatagram(_ frame: [UInt8], decoded: DecodedFrame, header: IPv4Header, in context: HostContext) {
        let datagram: (source: IPv4Address, sourcePort: UInt16, destinationPort: UInt16, payload: [UInt8])? =
            frame.withUnsafeBytes { raw in
                guard decoded.dataRange.upperBound <= raw.count,
                    let udp = try? UDPHeader.parse(UnsafeRawBufferPointer(rebasing: raw[decoded.dataRange]))
                else { return nil }
                let start = decoded.dataRange.lowerBound + UDPHeader.length
                let end = min(decoded.dataRange.lowerBound + Int(udp.length), decoded.dataRange.upperBound)
                guard start <= end else { return nil }
                return (header.source, udp.sourcePort, udp.destinationPort, Array(raw[start..<end]))
            }
        // Nothing listens when the speaker is down: the kernel's port-unreachable answer is
        // not modelled (memberlist ignores it anyway).
        guard let datagram, datagram.destinationPort == Self.memberlistPort else { return }
        driveSpeaker(in: context) {
            $0.handleDatagram(
                datagram.payload, from: datagram.source, port: datagram.sourcePort,
                now: context.now.nanoseconds)
        }
    }

    // MARK: the node's IP output path

    /// Sends one of the node's own datagrams or segments, resolving its next hop first. With
    /// the primary interface down there is no route: the send fails at once, nothing is
    /// resolved or queued.
    func send(_ datagram: NodeNeighbours.Waiting, in context: HostContext) {
        guard hasRoutes else { return }
        if let destinationMAC = neighbours.mac(of: datagram.destination) {
            if let tcp = datagram.tcp {
                context.transmit(
                    EthernetFrame.ipv4TCP(
                        destination: destinationMAC, source: mac, ipSource: ip, ipDestination: datagram.destination,
                        tcp: tcp, payload: datagram.payload), from: port)
                return
            }
            context.transmit(
                EthernetFrame.ipv4UDP(
                    destination: destinationMAC, source: mac, ipSource: ip,
                    ipDestination: datagram.destination,
                    sourcePort: Self.memberlistPort,
                    destinationPort: datagram.destinationPort,
                    payload: datagram.payload), from: port)
        } else if neighbours.hold(datagram, now: context.now) {
            solicit(datagram.destination, in: context)
        }
    }

    private func solicit(_ target: IPv4Address, in context: HostContext) {
        let request = ARPPacket(
            operation: .request, senderHardwareAddress: mac, senderProtocolAddress: ip,
            targetHardwareAddress: .zero, targetProtocolAddress: target)
        context.transmit(EthernetFrame.arp(request, destination: .broadcast, source: mac), from: port)
        context.schedule(.arpRetransmit(ip: target), port: port, at: context.now + NodeNeighbours.retransmitTime)
    }

    func retransmitResolution(_ target: IPv4Address, in context: HostContext) {
        if neighbours.retransmitDue(target, now: context.now) { solicit(target, in: context) }
    }

    /// An ARP packet told the kernel where `address` is: what waited for it goes out.
    func learnNeighbour(_ address: IPv4Address, at hardwareAddress: MACAddress, in context: HostContext) {
        for waiting in neighbours.learn(address, at: hardwareAddress) { send(waiting, in: context) }
    }
}
