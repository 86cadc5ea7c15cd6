import Engine
import Wire

extension World {
    /// Every MAC on the segment: each node interface's and each client's.
    public var segmentMACs: Set<MACAddress> {
        Set(nodes.flatMap { $0.interfaces.map(\.hardwareAddress) } + clients.map(\.mac))
    }

    /// Checks the invariants every run must satisfy against what the recorder holds, in a
    /// fixed order. Cheap enough to run after every simulation: each is one pass over records.
    public func checkInvariants() -> [InvariantResult] {
        [
            SharingInvariant.check(recorder.allocations),
            PoolInvariant.check(
                announcements: recorder.announcements, configs: recorder.poolConfigs,
                lag: config.watchDelay + config.watchDelay),
            ClientMACInvariant.check(recorder.clientARP, segmentMACs: segmentMACs),
        ]
    }
}
