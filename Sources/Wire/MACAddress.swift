/// A 48-bit IEEE 802 MAC address (EUI-48), held in the low 48 bits of a `UInt64` so that
/// comparing and hashing cost one machine word: the segment compares MACs on every frame.
public struct MACAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The address as a big-endian number: the first octet on the wire is bits 40...47.
    public let rawValue: UInt64

    /// Bits above the low 48 are dropped, so two values that print alike also compare equal.
    @inlinable
    public init(rawValue: UInt64) {
        self.rawValue = rawValue & 0xFFFF_FFFF_FFFF
    }

    @inlinable
    public init(_ b0: UInt8, _ b1: UInt8, _ b2: UInt8, _ b3: UInt8, _ b4: UInt8, _ b5: UInt8) {
        // Shifts rather than a loop over an array literal: no allocation for a constant MAC.
        self.rawValue =
            UInt64(b0) << 40 | UInt64(b1) << 32 | UInt64(b2) << 24
            | UInt64(b3) << 16 | UInt64(b4) << 8 | UInt64(b5)
    }

    /// Parses `00:50:56:00:3b:6f` (also with `-` separators), as `ip link` and manifests write it.
    public init?(_ text: String) {
        let parts = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == ":" || $0 == "-" })
        guard parts.count == 6 else { return nil }
        var value: UInt64 = 0
        for part in parts {
            // Only hex digits: `UInt8(_:radix:)` alone would also take a sign ("+f", "-0").
            guard (1...2).contains(part.count), part.allSatisfy(\.isHexDigit),
                let octet = UInt8(part, radix: 16)
            else { return nil }
            value = value << 8 | UInt64(octet)
        }
        self.rawValue = value
    }

    /// ff:ff:ff:ff:ff:ff, the Ethernet broadcast address.
    @inlinable public static var broadcast: MACAddress { MACAddress(rawValue: 0xFFFF_FFFF_FFFF) }
    /// 00:00:00:00:00:00, what an ARP request puts in its target hardware address.
    @inlinable public static var zero: MACAddress { MACAddress(rawValue: 0) }

    /// True for broadcast and multicast destinations (the I/G bit of the first octet):
    /// a switch floods those to every port.
    public var isMulticast: Bool { (rawValue >> 40) & 0x01 == 1 }
    public var isBroadcast: Bool { self == .broadcast }

    /// The six octets in wire order.
    public var octets: [UInt8] {
        (0..<6).map { UInt8(truncatingIfNeeded: rawValue >> (40 - 8 * UInt64($0))) }
    }

    /// Lower-case, colon-separated, two digits per octet: the form tcpdump and `ip neigh` print.
    public var description: String {
        octets.map { octet in
            let digits = String(octet, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined(separator: ":")
    }

    public static func < (lhs: MACAddress, rhs: MACAddress) -> Bool { lhs.rawValue < rhs.rawValue }
}
