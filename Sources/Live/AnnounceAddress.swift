import Wire

/// Why an address cannot be announced by a live speaker. A speaker answers ARP and NDP for
/// unicast addresses only: a reply claiming 0.0.0.0, ::, a multicast or a broadcast address
/// would confuse every host on the segment.
public struct AnnounceAddressError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The text as given.
    public var text: String
    /// What is wrong with it.
    public var reason: String
    /// Where it came from, e.g. `announce.txt:3` or `--announce`.
    public var location: String

    public var description: String { "\(location): \(text.isEmpty ? "(empty)" : text): \(reason)" }
}

/// The addresses a live speaker may announce, and the text format of an announce set.
public enum AnnounceAddress {
    /// Parses one address and checks it is a unicast IPv4 or IPv6 address.
    public static func parse(_ text: some StringProtocol, location: String) throws(AnnounceAddressError) -> IPAddress {
        let trimmed = String(text).trimmed(of: " \t\r")
        guard let address = IPAddress(trimmed) else {
            let reason =
                trimmed.contains(":")
                ? "not an IPv6 address (e.g. 2001:db8::10)"
                : "not an IPv4 address (dotted quad, e.g. 192.0.2.10)"
            throw AnnounceAddressError(text: trimmed, reason: reason, location: location)
        }
        let reason: String?
        switch address {
        case .v4(let v4): reason = notUnicastReason(v4)
        case .v6(let v6): reason = notUnicastReason(v6)
        }
        if let reason { throw AnnounceAddressError(text: trimmed, reason: reason, location: location) }
        return address
    }

    /// Why an IPv6 `address` is not one a speaker may answer for, or nil when it is.
    public static func notUnicastReason(_ address: IPv6Address) -> String? {
        if address == .unspecified { return ":: is the unspecified address, not a unicast address" }
        if address == IPv6Address(high: 0, low: 1) { return "::1 is loopback and never appears on a link" }
        if address.isMulticast { return "ff00::/8 is multicast, not a unicast address" }
        if address.isLinkLocalUnicast {
            return "fe80::/10 is link-local: a service address must be usable beyond the link"
        }
        if address.isIPv4Mapped { return "::ffff:0:0/96 maps IPv4 addresses; announce the IPv4 address itself" }
        return nil
    }

    /// Why `address` is not a unicast address a speaker may answer for, or nil when it is.
    public static func notUnicastReason(_ address: IPv4Address) -> String? {
        let first = address.rawValue >> 24
        switch address {
        case .any: return "0.0.0.0 is the unspecified address, not a unicast address"
        case .broadcast: return "255.255.255.255 is the broadcast address, not a unicast address"
        default: break
        }
        if first == 0 { return "0.0.0.0/8 (\"this network\") is not a unicast address" }
        if first == 127 { return "127.0.0.0/8 is loopback and never appears on a link" }
        if first >= 224 && first <= 239 { return "224.0.0.0/4 is multicast, not a unicast address" }
        if first >= 240 { return "240.0.0.0/4 is reserved, not a unicast address" }
        return nil
    }

    /// Parses an announce set: one address per line; blank lines and `#` comments ignored;
    /// a comma-separated list on one line is accepted too. Duplicates collapse. Ascending.
    public static func parseSet(_ text: String, source: String) throws(AnnounceAddressError) -> [IPAddress] {
        var addresses = Set<IPAddress>()
        for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            for item in content.split(separator: ",") {
                let trimmed = item.trimmed(of: " \t\r")
                if trimmed.isEmpty { continue }
                addresses.insert(try parse(trimmed, location: "\(source):\(index + 1)"))
            }
        }
        return addresses.sorted()
    }
}

extension StringProtocol {
    /// Drops leading and trailing characters in `set` (Foundation-free trimming).
    func trimmed(of set: String) -> String {
        let characters = Set(set)
        var slice = Substring(self)
        while let first = slice.first, characters.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, characters.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
