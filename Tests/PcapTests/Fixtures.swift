import Foundation

/// Hand-built frames with known contents, so that decoders (libpcap's filter, tcpdump,
/// tshark) can be checked against what the bytes are known to say.
enum Frames {
    static let speakerMAC: [UInt8] = [0x00, 0x50, 0x56, 0x00, 0x3b, 0x6f]  // answers for .120
    static let clientMAC: [UInt8] = [0x00, 0x50, 0x56, 0x00, 0x3b, 0x99]  // asks for .120
    static let broadcastMAC: [UInt8] = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff]
    static let serviceIP: [UInt8] = [10, 200, 200, 120]
    static let clientIP: [UInt8] = [10, 200, 200, 50]

    /// Ethernet + ARP (RFC 826) for IPv4 over Ethernet, unpadded (42 bytes).
    static func arp(
        destination: [UInt8], source: [UInt8], operation: UInt16,
        senderMAC: [UInt8], senderIP: [UInt8], targetMAC: [UInt8], targetIP: [UInt8]
    ) -> [UInt8] {
        var frame: [UInt8] = []
        frame += destination + source + [0x08, 0x06]  // Ethernet, type ARP
        frame += [0x00, 0x01, 0x08, 0x00, 6, 4]  // htype 1, ptype IPv4, hlen, plen
        frame += [UInt8(operation >> 8), UInt8(operation & 0xff)]
        frame += senderMAC + senderIP + targetMAC + targetIP
        return frame
    }

    /// Broadcast "who-has 10.200.200.120 tell 10.200.200.50" from 00:50:56:00:3b:99.
    static let arpRequest = arp(
        destination: broadcastMAC, source: clientMAC, operation: 1,
        senderMAC: clientMAC, senderIP: clientIP,
        targetMAC: [0, 0, 0, 0, 0, 0], targetIP: serviceIP
    )

    /// "10.200.200.120 is-at 00:50:56:00:3b:6f", unicast back to the asker.
    static let arpReply = arp(
        destination: clientMAC, source: speakerMAC, operation: 2,
        senderMAC: speakerMAC, senderIP: serviceIP,
        targetMAC: clientMAC, targetIP: clientIP
    )

    /// Ethernet + IPv4 + UDP 10.200.200.50:40000 -> 10.200.200.120:80 with 4 payload bytes.
    static let ipv4UDP: [UInt8] = {
        var frame: [UInt8] = []
        frame += speakerMAC + clientMAC + [0x08, 0x00]  // client -> speaker, IPv4
        frame += [0x45, 0x00, 0x00, 32, 0x00, 0x01, 0x40, 0x00]  // v4 IHL5, total 32, DF
        frame += [64, 17, 0x00, 0x00] + clientIP + serviceIP  // TTL 64, UDP, no checksum
        frame += [0x9c, 0x40, 0x00, 80, 0x00, 12, 0x00, 0x00]  // 40000 -> 80, len 12
        frame += [0xde, 0xad, 0xbe, 0xef]
        return frame
    }()
}

/// Nanosecond time stamps used across the tests: zero, one that only survives if the
/// nanosecond digits are kept, and one late enough to need all 32 bits of seconds.
enum Times {
    static let zero: Int64 = 0
    static let twentySecondsAnd123ns: Int64 = 20_000_000_123
    static let late: Int64 = 1_700_000_000_999_999_999
}
