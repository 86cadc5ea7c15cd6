import Layer2
import Wire

/// Frames that reach the speaker's responders: ARP requests and Neighbor Solicitations on the
/// interfaces MetalLB runs a responder on (the announcer checks which). Anything else the
/// driver hands in is ignored, as MetalLB's responder sockets would never see it.
extension Speaker {
    /// An ARP packet arrived on node interface `interface`, sent to `ethernetDestination`.
    /// The simulator parses each frame once and shares the packet with the node's kernel.
    @inlinable
    public mutating func handleARP(_ packet: ARPPacket, ethernetDestination: MACAddress, interface: Int, now: Int64) {
        guard controller.announcer.isAnnouncingAnything, !hasExited,
            let reply = controller.respond(to: packet, ethernetDestination: ethernetDestination, on: interface)
        else { return }
        outbox.append(.transmit(SpeakerFrame(interface: interface, bytes: reply.bytes, purpose: .reply)))
    }

    /// A Neighbor Solicitation (or other NDP message) arrived on node interface `interface`, with
    /// a good checksum (the kernel's raw socket checks it before the responder reads anything).
    /// The answer goes to the node's kernel, which resolves its destination (`nextHop`).
    public mutating func handleNDP(_ message: NDPMessage, in header: IPv6Header, interface: Int, now: Int64) {
        guard !hasExited, let reply = controller.respond(to: message, in: header, on: interface) else { return }
        outbox.append(
            .transmit(SpeakerFrame(interface: interface, bytes: reply.bytes, purpose: .reply, nextHop: reply.nextHop)))
    }

    /// A whole Ethernet frame arrived on node interface `interface` (a live capture): decoded
    /// here and handed to the responder it is for.
    public mutating func handleFrame(_ bytes: [UInt8], interface: Int, now: Int64) {
        // ARP of any hardware and protocol type is MetalLB's to answer (`ARPPacket.parseAnyTypes`).
        let foreignARP: (MACAddress, ARPPacket)? = bytes.withUnsafeBytes { raw in
            guard let ethernet = try? EthernetHeader.parse(raw), ethernet.etherType == .arp,
                let packet = try? ARPPacket.parseAnyTypes(
                    UnsafeRawBufferPointer(rebasing: raw[EthernetHeader.length...]))
            else { return nil }
            return (ethernet.destination, packet)
        }
        if let (destination, packet) = foreignARP {
            return handleARP(packet, ethernetDestination: destination, interface: interface, now: now)
        }
        // NDP with any ICMPv6 code is MetalLB's to read (`NDPMessage.parseAnyCode`).
        guard let decoded = (try? EthernetFrame.decode(bytes)) ?? EthernetFrame.decodeNDPAnyCode(bytes) else { return }
        switch decoded.payload {
        case .arp(let packet):
            handleARP(packet, ethernetDestination: decoded.ethernet.destination, interface: interface, now: now)
        case .ipv6NDP(let header, let message):
            let checksumIsGood = bytes.withUnsafeBytes {
                NDPMessage.verifyChecksum(
                    source: header.source, destination: header.destination,
                    message: UnsafeRawBufferPointer(rebasing: $0[decoded.dataRange]))
            }
            guard checksumIsGood else { return }
            handleNDP(message, in: header, interface: interface, now: now)
        default:
            break
        }
    }
}
