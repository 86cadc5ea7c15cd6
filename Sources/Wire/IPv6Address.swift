/// An IPv6 address as a 128-bit number held in two words, big-endian: `high` is the first
/// eight bytes on the wire (`2001:db8:0:0` of `2001:db8::1`), `low` the last eight.
///
/// Two `UInt64`s rather than `UInt128` because the package still deploys to macOS 14, where
/// `UInt128` is unavailable; two words also keep hashing and comparing allocation-free.
public struct IPv6Address: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Bytes 0...7: the routing prefix and subnet of a /64.
    public let high: UInt64
    /// Bytes 8...15: the interface identifier of a /64.
    public let low: UInt64

    @inlinable
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The sixteen bytes in wire order.
    public init(_ bytes: [UInt8]) {
        precondition(bytes.count == 16, "an IPv6 address is 16 bytes")
        var high: UInt64 = 0
        var low: UInt64 = 0
        for index in 0..<8 {
            high = high << 8 | UInt64(bytes[index])
            low = low << 8 | UInt64(bytes[index + 8])
        }
        self.init(high: high, low: low)
    }

    /// Parses the RFC 4291 section 2.2 text forms exactly as Go's `net.ParseIP` does for
    /// IPv6 (MetalLB reads its pools with it): up to eight colon-separated groups of one to
    /// four hex digits, at most one `::` standing for one or more zero groups, and an
    /// optional dotted IPv4 tail in place of the last two groups (`::ffff:192.0.2.1`,
    /// `64:ff9b::192.0.2.1`). Rejected, as Go rejects them: a zone (`fe80::1%eth0`, which
    /// `ParseIP` refuses even though `netip` takes it), five-digit groups even with leading
    /// zeros, a second `::`, `:::`, a lone leading or trailing `:`, a `::` that stands for no
    /// group, and an IPv4 tail with leading zeros.
    public init?(_ text: some StringProtocol) {
        guard let (high, low) = IPv6Address.parse(Array(text.utf8)) else { return nil }
        self.init(high: high, low: low)
    }

    /// `::`, the unspecified address: the source of a duplicate address detection probe.
    public static let unspecified = IPv6Address(high: 0, low: 0)
    /// `ff02::1`, the link-local all-nodes group: where unsolicited neighbor advertisements
    /// (IPv6's gratuitous ARP, RFC 4861 section 7.2.6) are sent.
    public static let allNodes = IPv6Address(high: 0xFF02_0000_0000_0000, low: 1)

    /// The sixteen bytes in wire order.
    public var octets: [UInt8] {
        (0..<16).map { index in
            let word = index < 8 ? high : low
            return UInt8(truncatingIfNeeded: word >> (56 - 8 * UInt64(index % 8)))
        }
    }

    /// The eight 16-bit groups, first group first.
    var groups: [UInt16] {
        (0..<8).map { index in
            let word = index < 4 ? high : low
            return UInt16(truncatingIfNeeded: word >> (48 - 16 * UInt64(index % 4)))
        }
    }

    /// In fe80::/10 (RFC 4291 section 2.5.6): scoped to one link, so never a service address.
    public var isLinkLocalUnicast: Bool { high & 0xFFC0_0000_0000_0000 == 0xFE80_0000_0000_0000 }

    /// In ff00::/8 (RFC 4291 section 2.7).
    public var isMulticast: Bool { high >> 56 == 0xFF }

    /// In ::ffff:0:0/96 (RFC 4291 section 2.5.5.2): an IPv4 address written as IPv6.
    public var isIPv4Mapped: Bool { high == 0 && low >> 32 == 0xFFFF }

    /// `ff02::1:ffXX:XXXX` with the low 24 bits of this address (RFC 4291 section 2.7.1):
    /// the group a neighbor solicitation for this address is sent to, which is what a
    /// layer2 speaker must listen on to answer for a service IPv6 address.
    public var solicitedNodeMulticast: IPv6Address {
        IPv6Address(high: 0xFF02_0000_0000_0000, low: 0x0000_0001_FF00_0000 | low & 0x00FF_FFFF)
    }

    /// `33:33` followed by the low 32 bits of the address (RFC 2464 section 7): the Ethernet
    /// destination a frame to this multicast group carries. Meaningful for multicast
    /// addresses; for others it is just the same arithmetic.
    public var multicastMAC: MACAddress {
        MACAddress(rawValue: 0x3333_0000_0000 | low & 0xFFFF_FFFF)
    }

    /// RFC 5952 canonical text: lower case, no leading zeros in a group, the longest run of
    /// two or more zero groups (the first one on a tie) written `::`, a lone zero group
    /// kept as `0`. IPv4-mapped addresses use the RFC 5952 section 5 mixed form
    /// `::ffff:192.0.2.1`, as Go's `netip.Addr.String()` does. For every other address this
    /// is exactly Go's `net.IP.String()`; see `goString` for the one difference.
    public var description: String {
        if isIPv4Mapped {
            return "::ffff:" + IPv4Address(rawValue: UInt32(truncatingIfNeeded: low)).description
        }
        return IPv6Address.canonicalGroups(groups)
    }

    /// The text Go's `net.IP.String()` prints: the same as `description` except that an
    /// IPv4-mapped address (`::ffff:192.0.2.1`) prints as the bare dotted quad
    /// (`192.0.2.1`), because Go keeps IPv4 addresses in that 16-byte form and `To4()`
    /// finds them. Use this where text must match keys a Go program built.
    public var goString: String {
        if isIPv4Mapped {
            return IPv4Address(rawValue: UInt32(truncatingIfNeeded: low)).description
        }
        return IPv6Address.canonicalGroups(groups)
    }

    public static func < (lhs: IPv6Address, rhs: IPv6Address) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }

    /// The next address up, or nil after `ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff`.
    var successor: IPv6Address? {
        if low != .max { return IPv6Address(high: high, low: low + 1) }
        if high != .max { return IPv6Address(high: high + 1, low: 0) }
        return nil
    }
}

extension IPv6Address {
    /// Groups as RFC 5952 section 4 writes them (the shared part of both printed forms).
    private static func canonicalGroups(_ groups: [UInt16]) -> String {
        // Longest run of zero groups; `>` keeps the first run on a tie (section 4.2.3), and a
        // run must be at least two groups long (section 4.2.2).
        var bestStart = -1
        var bestLength = 1
        var index = 0
        while index < groups.count {
            guard groups[index] == 0 else {
                index += 1
                continue
            }
            var end = index
            while end < groups.count && groups[end] == 0 { end += 1 }
            if end - index > bestLength {
                bestStart = index
                bestLength = end - index
            }
            index = end
        }
        let hex = groups.map { String($0, radix: 16) }
        guard bestStart >= 0 else { return hex.joined(separator: ":") }
        let head = hex[..<bestStart].joined(separator: ":")
        let tail = hex[(bestStart + bestLength)...].joined(separator: ":")
        return head + "::" + tail
    }

    /// Go's `netip.parseIPv6` (which `net.ParseIP` calls) over UTF-8 bytes, step for step,
    /// so that the same strings are accepted and rejected.
    private static func parse(_ text: [UInt8]) -> (UInt64, UInt64)? {
        // No zone split: `ParseIP` refuses zones, and a `%` is neither a hex digit nor a
        // colon, so the loop below rejects it like any other stray byte.
        let colon = UInt8(ascii: ":")
        var bytes = [UInt8](repeating: 0, count: 16)
        var ellipsis = -1  // Byte position the `::` stands at, once seen.
        var position = 0  // Next index into `text`.
        if text.count >= 2 && text[0] == colon && text[1] == colon {
            ellipsis = 0
            position = 2
            if position == text.count { return (0, 0) }
        }
        var filled = 0  // Bytes of `bytes` written so far.
        while filled < 16 {
            // One group: hex digits up to the next non-hex byte.
            var digits = 0
            var value: UInt32 = 0
            while position + digits < text.count, let nibble = hexValue(text[position + digits]) {
                guard digits < 4 else { return nil }  // Five or more digits, even "00001".
                value = value << 4 | UInt32(nibble)
                digits += 1
            }
            guard digits > 0 else { return nil }
            if position + digits < text.count && text[position + digits] == UInt8(ascii: ".") {
                // An IPv4 tail: it must fill the last four bytes (Go checks the position
                // here; the length checks after the loop would catch it too), and the rest
                // of the text must be a dotted quad, read from the group's first digit.
                guard ellipsis >= 0 || filled == 12, filled + 4 <= 16,
                    let tail = IPv4Address(String(decoding: text[position...], as: UTF8.self))
                else { return nil }
                for (offset, octet) in tail.octets.enumerated() { bytes[filled + offset] = octet }
                filled += 4
                position = text.count
                break
            }
            bytes[filled] = UInt8(truncatingIfNeeded: value >> 8)
            bytes[filled + 1] = UInt8(truncatingIfNeeded: value)
            filled += 2
            position += digits
            if position == text.count { break }
            // Otherwise a colon and more text must follow.
            guard text[position] == colon, position + 1 < text.count else { return nil }
            position += 1
            if text[position] == colon {
                guard ellipsis < 0 else { return nil }  // A second `::`.
                ellipsis = filled
                position += 1
                if position == text.count { break }
            }
        }
        guard position == text.count else { return nil }  // Text after eight groups.
        if filled < 16 {
            guard ellipsis >= 0 else { return nil }  // Too few groups and no `::`.
            let gap = 16 - filled
            for index in stride(from: filled - 1, through: ellipsis, by: -1) {
                bytes[index + gap] = bytes[index]
            }
            for index in ellipsis..<(ellipsis + gap) { bytes[index] = 0 }
        } else if ellipsis >= 0 {
            return nil  // The `::` would stand for no groups at all.
        }
        let address = IPv6Address(bytes)
        return (address.high, address.low)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
