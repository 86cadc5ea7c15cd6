import Engine
import Wire

/// Typed reads of scalar values, each failing with the value's location and what was expected.
extension YAMLNode {
    func scalarText(_ what: String) throws(ScenarioError) -> String {
        guard case .scalar(let text, _) = kind, !isNull else {
            throw ScenarioError(location, "\(what): expected a scalar, found \(kindName)")
        }
        return text
    }

    func string(_ what: String) throws(ScenarioError) -> String {
        let text = try scalarText(what)
        guard !text.isEmpty else { throw ScenarioError(location, "\(what): expected a non-empty string") }
        return text
    }

    func int(_ what: String, in range: ClosedRange<Int> = Int.min...Int.max) throws(ScenarioError) -> Int {
        let text = try scalarText(what)
        guard let value = Int(text), range.contains(value) else {
            let bounds = range == Int.min...Int.max ? "" : " from \(range.lowerBound) to \(range.upperBound)"
            throw ScenarioError(location, "\(what): expected an integer\(bounds), found \"\(text)\"")
        }
        return value
    }

    func uint64(_ what: String) throws(ScenarioError) -> UInt64 {
        let text = try scalarText(what)
        guard let value = UInt64(text) else {
            throw ScenarioError(location, "\(what): expected a non-negative integer, found \"\(text)\"")
        }
        return value
    }

    func bool(_ what: String) throws(ScenarioError) -> Bool {
        let text = try scalarText(what)
        switch text {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: throw ScenarioError(location, "\(what): expected true or false, found \"\(text)\"")
        }
    }

    /// `50us`, `1.1s`, `5m`: see `SimDuration(parsing:)`.
    func duration(_ what: String) throws(ScenarioError) -> SimDuration {
        let text = try scalarText(what)
        guard let value = SimDuration(parsing: text) else {
            throw ScenarioError(
                location,
                "\(what): expected a duration such as 50us, 100ms, 1.1s, 5m or 1h (units ns, us, ms, s, m, h), found \"\(text)\""
            )
        }
        return value
    }

    /// A host's own IPv4 address, with its subnet's prefix length when written
    /// (`192.168.1.11/24`).
    func ipv4Interface(_ what: String) throws(ScenarioError) -> (address: IPv4Address, prefixLength: Int?) {
        let text = try scalarText(what)
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPv4Address(parts[0]),
            parts.count == 1 || (parts[1].allSatisfy(\.isNumber) && Int(parts[1]).map { (1...32).contains($0) } == true)
        else {
            throw ScenarioError(
                location, "\(what): expected an IPv4 address such as 192.168.1.11 or 192.168.1.11/24, found \"\(text)\""
            )
        }
        return (address, parts.count == 2 ? Int(parts[1]) : nil)
    }

    /// A host's own IPv6 address: unicast and not link-local (the link-local one is derived
    /// from the MAC), such as 2001:db8::50.
    func ipv6Unicast(_ what: String) throws(ScenarioError) -> IPv6Address {
        let text = try scalarText(what)
        guard let value = IPv6Address(text), !value.isMulticast, !value.isLinkLocalUnicast, value != .unspecified else {
            throw ScenarioError(
                location, "\(what): expected a global IPv6 address such as 2001:db8::50, found \"\(text)\"")
        }
        return value
    }

    func ipAddress(_ what: String) throws(ScenarioError) -> IPAddress {
        let text = try scalarText(what)
        guard let value = IPAddress(text) else {
            throw ScenarioError(location, "\(what): expected an IPv4 or IPv6 address, found \"\(text)\"")
        }
        return value
    }

    func mac(_ what: String) throws(ScenarioError) -> MACAddress {
        let text = try scalarText(what)
        guard let value = MACAddress(text), !value.isMulticast, value != .zero else {
            throw ScenarioError(
                location, "\(what): expected a unicast MAC address such as 00:50:56:00:3b:6f, found \"\(text)\"")
        }
        return value
    }

    /// `0%`, `0.5%`, `2` (percent): returned in parts per million.
    func percentPPM(_ what: String) throws(ScenarioError) -> UInt32 {
        var text = try scalarText(what)
        if text.hasSuffix("%") { text.removeLast() }
        // Parse as an exact decimal with up to 4 fractional digits (1 ppm = 0.0001 %).
        guard let scaled = YAMLNode.decimalTimes(text, 10_000), scaled <= 1_000_000 else {
            throw ScenarioError(location, "\(what): expected a percentage from 0% to 100%, found \"\(text)\"")
        }
        return UInt32(scaled)
    }

    private static func decimalTimes(_ text: String, _ scale: Int64) -> Int64? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = Int64(parts[0]), whole >= 0 else { return nil }
        var value = whole * scale
        if parts.count == 2 {
            var unit = scale
            for ch in parts[1] {
                unit /= 10
                guard let d = ch.wholeNumberValue else { return nil }
                if unit == 0 { if d != 0 { return nil } else { continue } }
                value += Int64(d) * unit
            }
        }
        return value
    }

    func list(_ what: String) throws(ScenarioError) -> [YAMLNode] {
        guard case .sequence(let items) = kind else {
            throw ScenarioError(location, "\(what): expected a list, found \(kindName)")
        }
        return items
    }

    /// A mapping of string to string (labels, annotations, selectors).
    func stringMap(_ what: String) throws(ScenarioError) -> [String: String] {
        guard case .mapping(let pairs) = kind else {
            throw ScenarioError(location, "\(what): expected a mapping of strings, found \(kindName)")
        }
        var result: [String: String] = [:]
        for pair in pairs {
            let key = try pair.key.string("\(what) key")
            result[key] = try pair.value.scalarText("\(what).\(key)")
        }
        return result
    }

    /// A list of scalars.
    func stringList(_ what: String) throws(ScenarioError) -> [String] {
        var result: [String] = []
        for (index, item) in try list(what).enumerated() { result.append(try item.string("\(what)[\(index)]")) }
        return result
    }
}
