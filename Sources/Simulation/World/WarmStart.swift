import Engine

/// How a run begins: from a cluster that has been running for a while (warm), or with every
/// speaker starting at 0 (cold, `WorldConfig.warmStart` nil).
///
/// A real cluster's speakers started at different times, minutes or days before anyone looks:
/// their memberlists have long converged, every ticker (probe, gossip, push/pull, MetalLB's
/// minute rejoin) runs on its own phase, and the addresses are announced by the election's
/// winners. Starting every speaker at the same instant instead puts all their tickers on one
/// grid (every gossip hop then waits exactly one GossipInterval, and detection times have a
/// floor at whole seconds), and shows the cluster's creation: joins, first elections and
/// gratuitous rounds.
///
/// So a warm run simulates that history with the real code before time 0: the world starts at
/// `-running`, the initial manifests are applied then, and each speaker starts at its own
/// instant within `speakerStarts` of the beginning, drawn from the seed. Nothing before 0 is
/// traced; at 0 the recorder keeps only the state then (who announces what, what each service
/// holds), stamped 0, and clients begin.
public struct WarmStart: Sendable, Equatable {
    /// How long the cluster has been running at time 0.
    public var running: SimDuration
    /// The window in which the speakers start, from the beginning. One minute covers the
    /// phases of every periodic speaker timer (the longest is MetalLB's minute rejoin).
    public var speakerStarts: SimDuration

    public init(running: SimDuration, speakerStarts: SimDuration) {
        precondition(speakerStarts < running, "speakers must start before time 0")
        self.running = running
        self.speakerStarts = speakerStarts
    }

    /// Speakers start within the first minute of 90 s of history: the last one has 30 s to
    /// sync its informers, join memberlist and send its gratuitous rounds before time 0.
    public static let standard = WarmStart(running: .seconds(90), speakerStarts: .seconds(60))
}
