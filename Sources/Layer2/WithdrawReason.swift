/// Why a speaker does not announce a service: the reasons MetalLB's speaker logs and counts,
/// spelled as it spells them (speaker/main.go and internal/layer2's `ShouldAnnounce` in
/// current; `layer2_controller.go` in v0.9.4), so a report reads like a speaker's log.
public enum WithdrawReason: String, Sendable, Hashable, CaseIterable {
    /// The Service is not of type LoadBalancer.
    case notLoadBalancer
    /// No ingress address yet, or more than the version handles (one; current: one per family).
    case noIPAllocated
    /// The address is in no configured pool.
    case ipNotAllowed
    /// The pool is not announced in layer2 (a BGP pool, or current with no L2Advertisement
    /// selecting it).
    case notLayer2
    /// The address changed since it was announced: the old one is withdrawn first.
    case loadBalancerIPChanged
    /// current: no L2Advertisement selecting the pool matches this node.
    case noMatchingAdvertisement
    /// current: the service shares its address (`allow-shared-ip`) and an advertisement that
    /// applies to it selects services: MetalLB announces it nowhere.
    case sharedIPWithServiceSelector
    /// Another node wins the election.
    case notOwner
    /// The Service was deleted.
    case serviceDeleted
}
