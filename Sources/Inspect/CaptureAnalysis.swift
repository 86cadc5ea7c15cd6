/// The result of inspecting a capture: per IP, in IP order, who claimed it, who asked for
/// it unanswered, and where MACs conflicted; and what was skipped.
public struct CaptureAnalysis: Sendable, Hashable {
    public var options: InspectOptions
    public var counts: FrameCounts
    /// Times of the earliest and latest frame (nanoseconds since the epoch), nil for an
    /// empty capture. Captures are not always in time order, so these are the minimum and
    /// maximum, not the first and last record.
    public var start: Int64?
    public var end: Int64?
    /// One history per IP (and VLAN) that was claimed or asked for, sorted by IP, then VLAN.
    public var addresses: [AddressHistory]

    public init(options: InspectOptions, counts: FrameCounts, start: Int64?, end: Int64?, addresses: [AddressHistory]) {
        self.options = options
        self.counts = counts
        self.start = start
        self.end = end
        self.addresses = addresses
    }

    /// Every conflict in the capture.
    public var conflictCount: Int { addresses.reduce(0) { $0 + $1.conflicts.count } }
}
