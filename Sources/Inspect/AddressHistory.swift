import Wire

/// Everything the capture shows about one IP (on one VLAN): who claimed it from when to
/// when, how it changed hands, who asked without an answer, and where MACs fought over it.
public struct AddressHistory: Sendable, Hashable {
    public var ip: IPAddress
    /// VLAN IDs, outermost first; empty for untagged frames. The same IP on two VLANs is two
    /// histories: they are separate broadcast domains.
    public var vlans: [UInt16]
    /// Runs of claims by one MAC, in time order.
    public var claims: [ClaimInterval]
    /// Each change of MAC, in time order.
    public var changes: [MACChange]
    public var unanswered: [UnansweredStretch]
    public var conflicts: [Conflict]
    /// Frames that claimed the IP, and that asked for it.
    public var claimCount: Int
    public var requestCount: Int

    /// Builds the history from the IP's claims and requests, each in time order.
    init(
        ip: IPAddress, vlans: [UInt16], claims: [Claim], requests: [AddressRequest], captureEnd: Int64,
        options: InspectOptions
    ) {
        self.ip = ip
        self.vlans = vlans
        let runs = ClaimInterval.runs(of: claims)
        self.claims = runs
        changes = MACChange.changes(between: runs)
        unanswered = UnansweredStretch.find(
            requests: requests, claims: claims, window: options.answerWindow,
            captureEnd: captureEnd)
        conflicts = Conflict.find(in: runs, window: options.conflictWindow)
        claimCount = claims.count
        requestCount = requests.count
    }
}

/// Which history a claim or request belongs to; sorts by IP (numerically, IPv4 first), then
/// by VLAN.
struct AddressKey: Hashable, Comparable {
    var ip: IPAddress
    var vlans: [UInt16]

    static func < (lhs: AddressKey, rhs: AddressKey) -> Bool {
        if lhs.ip != rhs.ip { return lhs.ip < rhs.ip }
        return lhs.vlans.lexicographicallyPrecedes(rhs.vlans)
    }
}
