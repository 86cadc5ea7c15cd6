import Inspect
import Wire

/// Hand-built frames for the analysis, made with Wire's builders (the same bytes lbsim's
/// speaker sends), so each test says in MetalLB's terms what happened on the wire.
enum Net {
    static let vip = IPv4Address(10, 200, 200, 120)
    static let vip6 = IPv6Address("2001:db8::120")!
    static let client = MACAddress(0x00, 0x50, 0x56, 0x00, 0x3b, 0x99)
    static let clientIP = IPv4Address(10, 200, 200, 50)
    static let clientIP6 = IPv6Address("2001:db8::50")!
    static let nodeA = MACAddress(0x00, 0x50, 0x56, 0x00, 0x3b, 0x6f)
    static let nodeB = MACAddress(0x00, 0x50, 0x56, 0x00, 0x3b, 0x71)
    static let nodeC = MACAddress(0x00, 0x50, 0x56, 0x00, 0x3b, 0x72)
    static let broadcast = MACAddress(0xff, 0xff, 0xff, 0xff, 0xff, 0xff)

    /// `who-has ip tell client`, broadcast.
    static func request(_ ip: IPv4Address = vip, from asker: MACAddress = client, senderIP: IPv4Address = clientIP)
        -> [UInt8]
    {
        EthernetFrame.arp(
            ARPPacket(
                operation: .request, senderHardwareAddress: asker, senderProtocolAddress: senderIP,
                targetHardwareAddress: MACAddress(rawValue: 0), targetProtocolAddress: ip),
            destination: broadcast, source: asker)
    }

    /// `ip is-at mac`, unicast to the client.
    static func reply(_ ip: IPv4Address = vip, mac: MACAddress) -> [UInt8] {
        EthernetFrame.arp(
            ARPPacket(
                operation: .reply, senderHardwareAddress: mac, senderProtocolAddress: ip,
                targetHardwareAddress: client, targetProtocolAddress: clientIP),
            destination: client, source: mac)
    }

    /// MetalLB's gratuitous request: `who-has ip tell ip`, broadcast.
    static func gratuitous(_ ip: IPv4Address = vip, mac: MACAddress) -> [UInt8] {
        EthernetFrame.arp(
            ARPPacket(
                operation: .request, senderHardwareAddress: mac, senderProtocolAddress: ip,
                targetHardwareAddress: broadcast, targetProtocolAddress: ip),
            destination: broadcast, source: mac)
    }

    static func solicitation(
        _ target: IPv6Address = vip6, from asker: MACAddress = client,
        source: IPv6Address = clientIP6
    ) -> [UInt8] {
        let options: [NDPOption] = source == .unspecified ? [] : [.sourceLinkLayerAddress(asker)]
        return EthernetFrame.ndp(
            .neighborSolicitation(target: target, options: options),
            destination: MACAddress(0x33, 0x33, 0xff, 0, 1, 0x20), source: asker,
            ipSource: source, ipDestination: target.solicitedNodeMulticast)
    }

    /// An advertisement for `target` from `ethernetSource`, with a target link-layer option
    /// naming `option` (none when nil).
    static func advertisement(
        _ target: IPv6Address = vip6, ethernetSource: MACAddress, option: MACAddress?,
        solicited: Bool = false, hopLimit: UInt8 = 255
    ) -> [UInt8] {
        let message = NDPMessage.neighborAdvertisement(
            router: false, solicited: solicited, override: true, target: target,
            options: option.map { [.targetLinkLayerAddress($0)] } ?? [])
        let source = IPv6Address.linkLocal(for: ethernetSource)
        let destination = solicited ? clientIP6 : IPv6Address("ff02::1")!
        var frame = EthernetFrame.ndp(
            message, destination: broadcast, source: ethernetSource,
            ipSource: source, ipDestination: destination)
        frame[EthernetHeader.length + 7] = hopLimit
        return frame
    }

    /// The frame with 802.1Q tags (outermost first) inserted after the MAC addresses.
    static func tagged(_ frame: [UInt8], vlans: [UInt16], tpid: UInt16 = 0x8100) -> [UInt8] {
        var tags: [UInt8] = []
        for vlan in vlans { tags += [UInt8(tpid >> 8), UInt8(tpid & 0xff), UInt8(vlan >> 8), UInt8(vlan & 0xff)] }
        return Array(frame[0..<12]) + tags + Array(frame[12...])
    }
}

/// Nanoseconds from seconds, for readable times: `s(21.5)`.
func s(_ seconds: Double) -> Int64 { Int64((seconds * 1e9).rounded()) }

/// Runs the frames, each at its time, through a fresh analyzer.
func analyse(_ frames: [(Double, [UInt8])], options: InspectOptions = InspectOptions()) -> CaptureAnalysis {
    var analyzer = CaptureAnalyzer(options: options)
    for (time, bytes) in frames { analyzer.add(CapturedFrame(timestampNanoseconds: s(time), bytes: bytes)) }
    return analyzer.analysis()
}

extension CaptureAnalysis {
    /// The history of `ip` (untagged), or nil.
    func history(_ ip: IPAddress, vlans: [UInt16] = []) -> AddressHistory? {
        addresses.first { $0.ip == ip && $0.vlans == vlans }
    }
}
