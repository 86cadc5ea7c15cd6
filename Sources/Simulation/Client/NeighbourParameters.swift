import Engine

/// The Linux neighbour table tunables (`/proc/sys/net/ipv4/neigh/<dev>/*`), with the kernel's
/// defaults. A router with a long ARP timeout is modelled by raising `baseReachableTime`.
public struct NeighbourParameters: Sendable, Hashable {
    /// `base_reachable_time_ms`: an entry's reachable time is drawn uniformly from half to
    /// one and a half of this (15 to 45 s by default), redrawn every 300 s.
    public var baseReachableTime: SimDuration = .seconds(30)
    /// `delay_first_probe_time`: how long a STALE entry in use waits in DELAY for a
    /// confirmation before probing.
    public var delayFirstProbeTime: SimDuration = .seconds(5)
    /// `retrans_time_ms`: the gap between solicitations.
    public var retransTime: SimDuration = .seconds(1)
    /// `ucast_solicit`: unicast probes in PROBE before giving up.
    public var ucastSolicit: Int = 3
    /// `mcast_solicit`: broadcast requests in INCOMPLETE before FAILED.
    public var mcastSolicit: Int = 3
    /// `locktime` (ARP only: the Neighbor Discovery table has no such window, an
    /// advertisement's O flag decides): an ARP frame that is not gratuitous may replace an entry's address only
    /// this long after the entry's last update.
    public var locktime: SimDuration = .seconds(1)
    /// `arp_accept`: 0 means a gratuitous frame never creates an entry. (NDP's counterpart,
    /// `accept_untracked_na`, is modelled at its default 0 only.)
    public var arpAccept: Bool = false

    public init() {}
}
