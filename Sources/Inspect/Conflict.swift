import Wire

/// Two (or more) MACs claiming one IP at the same time: the split brain MetalLB's layer2
/// mode must avoid, because each neighbour sends the IP's traffic to whichever claim it
/// heard last.
///
/// A single change of MAC is not a conflict, however quick: that is what a failover or a
/// hand-over looks like on the wire. What a hand-over does not do is come back. So a
/// conflict is a *flip-flop*: the IP's claims go from MAC X to one or more others and then
/// back to X, where X lost the IP or got it back within the conflict window of another
/// MAC's claim (the change away from X, or the change back to X, was close: two MACs claimed
/// close together, and X was not gone). Flip-flops that share a change are one conflict.
/// Examples:
///
/// - both speakers answer every ARP request (X Y, X Y, ... microseconds apart): one conflict
///   over the whole stretch, however far apart the requests are; likewise three speakers
///   answering in turn (X Y Z, X Y Z, ...);
/// - during a partition the isolated node's gratuitous rounds interleave with the owner's
///   answers: a conflict from the first interleaving to the last;
/// - the owner dies and another node takes over 10 s later: a change, no conflict;
/// - a pod moves to another node and later back: two changes, no conflict, unless one of
///   the two hand-overs came within the window of the old owner's last answer. Then it is
///   reported (the claims alone cannot tell it from a speaker that answered once more after
///   it should have stopped), and the changes' `gap`s show which hand-over was close.
public struct Conflict: Sendable, Hashable {
    /// The last claim before the contest (by the MAC that held the IP) and the first claim of
    /// the run that follows the last contested change (nanoseconds since the epoch).
    public var from: Int64
    public var to: Int64
    /// Every MAC that claimed in the contest, in numeric order.
    public var macs: [MACAddress]
    /// Changes of MAC between `from` and `to`.
    public var switches: Int
    /// Claims between `from` and `to`, both included.
    public var claims: Int

    public init(from: Int64, to: Int64, macs: [MACAddress], switches: Int, claims: Int) {
        self.from = from
        self.to = to
        self.macs = macs
        self.switches = switches
        self.claims = claims
    }

    /// The conflicts among `runs` (consecutive runs of one IP's claims, in time order).
    static func find(in runs: [ClaimInterval], window: Int64) -> [Conflict] {
        guard runs.count >= 3 else { return [] }
        let changes = runs.count - 1
        // close[k]: the change from runs[k] to runs[k + 1] came within the window.
        let close = (0..<changes).map { runs[$0 + 1].first - runs[$0].last <= window }
        // Each flip-flop X ... X marks its changes; a difference array keeps this linear
        // however many runs lie between the two X.
        var marks = [Int](repeating: 0, count: changes + 1)
        var lastRun: [MACAddress: Int] = [:]
        for (index, run) in runs.enumerated() {
            if let previous = lastRun[run.mac], close[previous] || close[index - 1] {
                marks[previous] += 1
                marks[index] -= 1
            }
            lastRun[run.mac] = index
        }
        var contested = [Bool](repeating: false, count: changes)
        var depth = 0
        for k in 0..<changes {
            depth += marks[k]
            contested[k] = depth > 0
        }
        var conflicts: [Conflict] = []
        var change = 0
        while change < changes {
            guard contested[change] else {
                change += 1
                continue
            }
            var end = change
            while end + 1 < changes && contested[end + 1] { end += 1 }
            // Changes change...end join runs change...end + 1.
            let involved = runs[change...(end + 1)]
            let inner = runs[(change + 1)..<(end + 1)].reduce(0) { $0 + $1.count }
            conflicts.append(
                Conflict(
                    from: runs[change].last, to: runs[end + 1].first,
                    macs: Set(involved.map(\.mac)).sorted(), switches: end - change + 1,
                    claims: inner + 2))
            change = end + 1
        }
        return conflicts
    }
}
