import Wire

/// A client's neighbour cache never holds a usable entry (REACHABLE, STALE, DELAY or PROBE)
/// whose MAC belongs to no host on the segment: no node interface and no client has it. Every
/// frame in the simulation comes from one of those hosts, so such an entry means a frame was
/// built or parsed wrongly, and on a real network it would send a client's traffic nowhere.
///
/// The recorder notes every change of an entry, and the set of hosts never changes during a
/// run, so checking each recorded change covers every moment.
public enum ClientMACInvariant {
    public static let name = "clientMACsOnSegment"
    public static let rule = "a client's usable neighbour entries hold only MACs of hosts on the segment"

    public static func check(_ records: [ClientARPRecord], segmentMACs: Set<MACAddress>) -> InvariantResult {
        var violations: [InvariantViolation] = []
        var checked = 0
        for record in records where record.state.isValid {
            guard let mac = record.mac else { continue }
            checked += 1
            if !segmentMACs.contains(mac) {
                violations.append(
                    InvariantViolation(
                        time: record.time,
                        message:
                            "\(record.client)'s entry for \(record.ip) is \(record.state.rawValue) with \(mac), the MAC of no host on the segment"
                    ))
            }
        }
        return InvariantResult(
            name: name, rule: rule, subject: "neighbour entry change", checked: checked, violations: violations)
    }
}
