import Wire

/// A run of consecutive claims for one IP by the same MAC, uninterrupted by another MAC's
/// claim: "this MAC held the IP, as far as the wire shows, from `first` to `last`".
///
/// A run ends only when another MAC claims, not after some silence: a MetalLB speaker that
/// owns an IP is quiet between answers (current MetalLB sends gratuitous rounds only when it
/// starts announcing), so silence says nothing about a change of owner.
public struct ClaimInterval: Sendable, Hashable {
    public var mac: MACAddress
    /// Time of the first and the last claim of the run (nanoseconds since the epoch).
    public var first: Int64
    public var last: Int64
    /// Frame numbers of the first and last claim, to find them in Wireshark.
    public var firstFrame: Int
    public var lastFrame: Int
    /// Claims in the run.
    public var count: Int
    /// Kinds of claim seen in the run, in `Claim.Kind` order.
    public var kinds: [Claim.Kind]

    public init(
        mac: MACAddress, first: Int64, last: Int64, firstFrame: Int, lastFrame: Int, count: Int,
        kinds: [Claim.Kind]
    ) {
        self.mac = mac
        self.first = first
        self.last = last
        self.firstFrame = firstFrame
        self.lastFrame = lastFrame
        self.count = count
        self.kinds = kinds
    }

    /// The runs of `claims`, which must be in time order.
    static func runs(of claims: [Claim]) -> [ClaimInterval] {
        var runs: [ClaimInterval] = []
        for claim in claims {
            if var current = runs.last, current.mac == claim.mac {
                current.last = claim.time
                current.lastFrame = claim.frame
                current.count += 1
                if !current.kinds.contains(claim.kind) {
                    current.kinds.append(claim.kind)
                    current.kinds.sort()
                }
                runs[runs.count - 1] = current
            } else {
                runs.append(
                    ClaimInterval(
                        mac: claim.mac, first: claim.time, last: claim.time, firstFrame: claim.frame,
                        lastFrame: claim.frame, count: 1, kinds: [claim.kind]))
            }
        }
        return runs
    }
}
