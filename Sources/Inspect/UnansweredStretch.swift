import Wire

/// Requests for one IP that nobody answered: from the first such request until the next
/// claim for the IP, by any MAC (or the end of the capture).
///
/// A request counts as answered when some claim for its IP follows within the answer window:
/// a reply, or a gratuitous claim, which updates the asker's cache just as well. During a
/// failover this is the time neighbours spent asking for the service IP while no node
/// answered for it.
public struct UnansweredStretch: Sendable, Hashable {
    /// The first unanswered request and the last one (nanoseconds since the epoch).
    public var from: Int64
    public var lastRequest: Int64
    /// The next claim for the IP after `from`, or nil when none came before the capture ended.
    public var answeredAt: Int64?
    /// From `from` to `answeredAt`, or to the end of the capture when nobody ever answered.
    public var duration: Int64
    /// Unanswered requests in the stretch.
    public var requests: Int
    /// Who asked, in numeric order.
    public var askers: [MACAddress]

    public init(
        from: Int64, lastRequest: Int64, answeredAt: Int64?, duration: Int64, requests: Int,
        askers: [MACAddress]
    ) {
        self.from = from
        self.lastRequest = lastRequest
        self.answeredAt = answeredAt
        self.duration = duration
        self.requests = requests
        self.askers = askers
    }

    /// The stretches of `requests` for one IP given its `claims` (both in time order).
    /// `captureEnd` is the time of the capture's last frame.
    static func find(requests: [AddressRequest], claims: [Claim], window: Int64, captureEnd: Int64)
        -> [UnansweredStretch]
    {
        var stretches: [UnansweredStretch] = []
        // Index of the claim that ends the last stretch (claims.count: none did).
        var stretchEnd = -1
        var next = 0  // first claim at or after the current request
        for request in requests {
            while next < claims.count && claims[next].time < request.time { next += 1 }
            let answer = next < claims.count ? claims[next].time : nil
            if let answer, answer - request.time <= window { continue }
            if next == stretchEnd, var current = stretches.popLast() {
                current.lastRequest = request.time
                current.requests += 1
                if !current.askers.contains(request.asker) {
                    current.askers.append(request.asker)
                    current.askers.sort()
                }
                stretches.append(current)
            } else {
                stretches.append(
                    UnansweredStretch(
                        from: request.time, lastRequest: request.time, answeredAt: answer,
                        duration: (answer ?? max(captureEnd, request.time)) - request.time,
                        requests: 1, askers: [request.asker]))
                stretchEnd = next
            }
        }
        return stretches
    }
}
