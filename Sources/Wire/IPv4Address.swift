/// An IPv4 address as a 32-bit number in host order; the first dotted octet is the top byte.
public struct IPv4Address: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: UInt32

    @inlinable
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    @inlinable
    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        rawValue = UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d)
    }

    /// Parses strict dotted-quad text (`10.200.200.120`): four decimal octets, no leading
    /// zeros beyond a lone `0`, as Go's `net.ParseIP` accepts them.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0.isASCII && $0.isNumber }),
                !(part.count > 1 && part.first == "0"),
                let octet = UInt8(part)
            else { return nil }
            value = value << 8 | UInt32(octet)
        }
        rawValue = value
    }

    /// 0.0.0.0, the sender protocol address of an ARP probe.
    public static let any = IPv4Address(rawValue: 0)
    public static let broadcast = IPv4Address(rawValue: 0xFFFF_FFFF)

    public var octets: [UInt8] {
        [
            UInt8(truncatingIfNeeded: rawValue >> 24), UInt8(truncatingIfNeeded: rawValue >> 16),
            UInt8(truncatingIfNeeded: rawValue >> 8), UInt8(truncatingIfNeeded: rawValue),
        ]
    }

    /// Dotted quad, as Go's `net.IP.String()` prints it (MetalLB's v0.9.4-era hash keys and
    /// current election keys use this text).
    /// Dotted quad, written digit by digit: this runs for every memberlist datagram and every
    /// election key, where building four Strings and joining them showed up in profiles.
    public var description: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(15)
        for shift in stride(from: 24, through: 0, by: -8) {
            let octet = UInt8(truncatingIfNeeded: rawValue >> UInt32(shift))
            if octet >= 100 { bytes.append(0x30 + octet / 100) }
            if octet >= 10 { bytes.append(0x30 + octet / 10 % 10) }
            bytes.append(0x30 + octet % 10)
            if shift > 0 { bytes.append(0x2E) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func < (lhs: IPv4Address, rhs: IPv4Address) -> Bool { lhs.rawValue < rhs.rawValue }
}
