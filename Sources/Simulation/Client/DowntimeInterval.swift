import Engine

/// A stretch during which a client's probes to a target went unanswered: from the first
/// unanswered probe to the next answered one (or the end of the run).
public struct DowntimeInterval: Sendable, Hashable {
    public var start: SimTime
    public var end: SimTime
    public var duration: SimDuration { end - start }

    /// Folds a client's probes (in send order) into downtime intervals. A probe still waiting
    /// for its answer when the run ends (sent less than `timeout` before the end) is undecided
    /// and left out, rather than counted as lost.
    public static func intervals(
        of probes: [ProbeRecord], runEnd: SimTime,
        timeout: SimDuration
    ) -> [DowntimeInterval] {
        var result: [DowntimeInterval] = []
        var openSince: SimTime?
        for probe in probes where probe.answeredAt != nil || probe.sentAt + timeout <= runEnd {
            if probe.answeredAt == nil {
                if openSince == nil { openSince = probe.sentAt }
            } else if let start = openSince {
                result.append(DowntimeInterval(start: start, end: probe.sentAt))
                openSince = nil
            }
        }
        if let start = openSince { result.append(DowntimeInterval(start: start, end: runEnd)) }
        return result
    }
}
