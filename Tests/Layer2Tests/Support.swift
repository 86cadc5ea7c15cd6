import Wire

@testable import Layer2

func ip(_ text: String) -> IPv4Address {
    guard let address = IPv4Address(text) else { fatalError("bad test address \(text)") }
    return address
}

func mac(_ text: String) -> MACAddress {
    guard let address = MACAddress(text) else { fatalError("bad test MAC \(text)") }
    return address
}

/// Nanoseconds from seconds written as text, exactly (`"21.505"`): no Double in the way.
func ns(_ seconds: String) -> Int64 {
    let parts = seconds.split(separator: ".", omittingEmptySubsequences: false)
    var value = Int64(parts[0])! * 1_000_000_000
    if parts.count == 2 {
        let digits = String(parts[1])
        precondition(digits.count <= 9, "finer than a nanosecond")
        value += Int64(digits + String(repeating: "0", count: 9 - digits.count))!
    }
    return value
}

let second: Int64 = 1_000_000_000
let tick: Int64 = 1_100_000_000

/// A frame taken apart with Wire's parsers.
struct ParsedARPFrame: Equatable {
    var ethernet: EthernetHeader
    var arp: ARPPacket
    var length: Int
}

func parseARPFrame(_ bytes: [UInt8]) throws -> ParsedARPFrame {
    let ethernet = try EthernetHeader.parse(bytes)
    let arp = try ARPPacket.parse(Array(bytes[EthernetHeader.length...]))
    return ParsedARPFrame(ethernet: ethernet, arp: arp, length: bytes.count)
}

/// An ARP request frame as a client on the segment sends it.
func arpRequest(
    from senderMAC: MACAddress, ip senderIP: IPv4Address, for target: IPv4Address,
    to destination: MACAddress = .broadcast, targetMAC: MACAddress = .zero,
    operation: ARPOperation = .request, etherType: EtherType = .arp
) -> [UInt8] {
    let packet = ARPPacket(
        operation: operation,
        senderHardwareAddress: senderMAC, senderProtocolAddress: senderIP,
        targetHardwareAddress: targetMAC, targetProtocolAddress: target)
    var frame: [UInt8] = []
    EthernetHeader(destination: destination, source: senderMAC, etherType: etherType).emit(into: &frame)
    packet.emit(into: &frame)
    frame += [UInt8](repeating: 0, count: max(0, 60 - frame.count))
    return frame
}

/// One run of the announcer's driver loop: what went out when.
struct Round: Equatable {
    var time: Int64
    var frames: [OutgoingFrame]
}

extension Announcer {
    /// Calls `tick` at every wake-up until there is none (or `until` is passed), collecting
    /// the non-empty rounds. Also returns the times of the wake-ups that sent nothing.
    mutating func runTicker(until limit: Int64 = .max) -> (rounds: [Round], silentWakeups: [Int64]) {
        var rounds: [Round] = []
        var silent: [Int64] = []
        var guardCount = 0
        while let wake = nextWakeup, wake <= limit, guardCount < 1_000 {
            guardCount += 1
            let frames = tick(now: wake)
            if frames.isEmpty { silent.append(wake) } else { rounds.append(Round(time: wake, frames: frames)) }
        }
        return (rounds, silent)
    }
}

/// `frame`, an Ethernet/IPv6/ICMPv6 frame, with its ICMPv6 code set to `code` and the
/// checksum recomputed: a message the kernel's `ndisc_rcv` refuses, with nothing else wrong.
func ndpFrame(_ frame: [UInt8], code: UInt8) -> [UInt8] {
    var frame = frame
    let body = EthernetHeader.length + IPv6Header.length
    frame[body + 1] = code
    frame[body + 2] = 0
    frame[body + 3] = 0
    let checksum = frame.withUnsafeBytes { raw -> UInt16 in
        let header = try! IPv6Header.parse(UnsafeRawBufferPointer(rebasing: raw[EthernetHeader.length...]))
        let message = UnsafeRawBufferPointer(rebasing: raw[body..<(body + Int(header.payloadLength))])
        return InternetChecksum.checksum(
            message,
            initial: InternetChecksum.pseudoHeaderSum(
                source: header.source, destination: header.destination, protocol: .icmpv6, length: message.count))
    }
    frame[body + 2] = UInt8(checksum >> 8)
    frame[body + 3] = UInt8(checksum & 0xFF)
    return frame
}
