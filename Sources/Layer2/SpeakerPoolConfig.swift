import Wire

/// The address pools one v0.9.4 speaker process has taken from MetalLB's ConfigMap.
///
/// In v0.9.4 the controller and every speaker read the ConfigMap through their own watches and
/// decide on their own whether to take it. A speaker looks each service's address up in the
/// config it holds (speaker/main.go, `poolFor` in `SetBalancer`), not in the controller's, and
/// refuses a new config only when an address it is announcing itself would fall outside every
/// pool (`SetConfig`, over its own `svcIP`). So after a config the controller refused, the
/// speakers that announce nothing have taken it, find the address in no pool (`ipNotAllowed`),
/// and will not take over from the owner.
public struct SpeakerPoolConfig: Sendable, Hashable {
    public struct Pool: Sendable, Hashable {
        public var name: String
        public var cidrs: [IPPrefix]
        public var announcement: ServiceView.PoolAnnouncement

        public init(name: String, cidrs: [IPPrefix], announcement: ServiceView.PoolAnnouncement) {
            self.name = name
            self.cidrs = cidrs
            self.announcement = announcement
        }
    }

    public var pools: [Pool]

    public init(pools: [Pool]) { self.pools = pools }

    /// How the pool holding `ip` is announced; nil when no pool holds it. v0.9.4's config
    /// validation refuses overlapping pools, so at most one does.
    public func announcement(of ip: IPAddress) -> ServiceView.PoolAnnouncement? {
        pools.first { pool in pool.cidrs.contains { $0.contains(ip) } }?.announcement
    }
}
