import Engine
import IPAM
import Wire

/// MetalLB's controller changed what a service holds: new addresses, none, or the same ones
/// under another pool, sharing key or port list. The invariants replay these to check the
/// sharing rules at every change, not only at the end of the run.
public struct AllocationRecord: Sendable, Hashable {
    public var time: SimTime
    /// `namespace/name`.
    public var service: String
    /// nil: the service holds nothing any more.
    public var assignment: Assignment?

    public init(time: SimTime, service: String, assignment: Assignment?) {
        self.time = time
        self.service = service
        self.assignment = assignment
    }
}

/// The controller took a pool configuration (a refused one is not recorded: the old one
/// stays in force). What "inside a configured pool" means from `time` on.
public struct PoolConfigRecord: Sendable, Hashable {
    public var time: SimTime
    public var pools: [AddressPool]

    public init(time: SimTime, pools: [AddressPool]) {
        self.time = time
        self.pools = pools
    }
}

/// A speaker sent one gratuitous round for an address (ARP request and reply, or an
/// unsolicited Neighbor Advertisement, on each of its announcing interfaces): what a client's
/// cache can be corrected by, drawn as a tick on the timeline.
public struct GratuitousRecord: Sendable, Hashable {
    public var time: SimTime
    public var node: String
    public var ip: IPAddress
    /// Frames of the round (two per interface for ARP, one for NDP).
    public var frames: Int

    public init(time: SimTime, node: String, ip: IPAddress, frames: Int) {
        self.time = time
        self.node = node
        self.ip = ip
        self.frames = frames
    }
}
