import Wire

/// The IP's claims switched from one MAC to another: a failover, a hand-over, or one half of
/// a conflict (see `Conflict`).
public struct MACChange: Sendable, Hashable {
    /// When the new MAC first claimed (nanoseconds since the epoch).
    public var time: Int64
    public var from: MACAddress
    public var to: MACAddress
    /// From the old MAC's last claim to the new MAC's first: how long the wire showed no
    /// claim across the change. Near zero means both claimed almost together.
    public var gap: Int64
    /// The new MAC had claimed this IP before, earlier in the capture: the IP went back. Two
    /// changes that go back and forth close together are a `Conflict`.
    public var returning: Bool

    public init(time: Int64, from: MACAddress, to: MACAddress, gap: Int64, returning: Bool) {
        self.time = time
        self.from = from
        self.to = to
        self.gap = gap
        self.returning = returning
    }

    /// The change between each pair of consecutive runs.
    static func changes(between runs: [ClaimInterval]) -> [MACChange] {
        var seen: Set<MACAddress> = []
        var changes: [MACChange] = []
        for (index, run) in runs.enumerated() {
            if index > 0 {
                let previous = runs[index - 1]
                changes.append(
                    MACChange(
                        time: run.first, from: previous.mac, to: run.mac,
                        gap: run.first - previous.last, returning: seen.contains(run.mac)))
            }
            seen.insert(run.mac)
        }
        return changes
    }
}
