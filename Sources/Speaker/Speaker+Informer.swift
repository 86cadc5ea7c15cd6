import Layer2

/// What the process's informers deliver: services (with their endpoints, pool and eligible
/// nodes folded into a `ServiceView`) and Node changes. Each delivery updates the speaker's
/// own informer view and runs MetalLB's reaction to it.
extension Speaker {
    /// Services changed (a view; nil: deleted): the speaker stores what its informer now
    /// holds and re-runs its election for each, in the order given (MetalLB's `SetBalancer`
    /// or `DeleteBalancer` per work-queue item).
    public mutating func handleServices(_ updates: [(String, ServiceView?)], now: Int64) {
        guard !hasExited else { return }
        for (key, view) in updates { informer[key] = view }
        sync(now: now) { controller, usable, frames in
            for (key, view) in updates {
                Self.sync(key, view, in: &controller, usable: usable, frames: &frames, now: now)
            }
        }
    }

    /// A Node object changed. MetalLB rejoins memberlist from its node watch, for its own Node
    /// only, with different filters:
    /// - v0.9.4 watches its own Node (a field selector on `metadata.name`, internal/k8s/k8s.go)
    ///   and every update of it reaches `SetNode`, which rejoins (speaker/layer2_controller.go);
    /// - current watches every Node, but its node controller lets an update through only when
    ///   the labels or the NetworkUnavailable condition changed
    ///   (internal/k8s/controllers/node_controller.go, `NodeReconcilerPredicate`), and layer2's
    ///   `SetNode` rejoins only for its own Node. A Ready flip or a taint is no rejoin.
    public mutating func handleNodeChanged(_ update: NodeUpdate, now: Int64) {
        guard !hasExited, update.name == configuration.node else { return }
        switch controller.rules {
        case .v0_9_4:
            joinMissingSpeakers(now: now)
        case .current:
            if update.labelsChanged || update.networkAvailabilityChanged { joinMissingSpeakers(now: now) }
        }
    }

    /// MetalLB's `ForceSync`: every service the informers hold is re-synced, from what they
    /// last delivered (not the API server's newer state).
    mutating func forceSync(now: Int64) {
        let informer = self.informer
        sync(now: now) { controller, usable, frames in
            for (key, view) in informer {
                Self.sync(key, view, in: &controller, usable: usable, frames: &frames, now: now)
            }
        }
    }

    /// One service's election: announce or withdraw (deleted: `view` nil).
    static func sync(
        _ key: String, _ view: ServiceView?, in controller: inout SpeakerController,
        usable: Set<String>?, frames: inout [OutgoingFrame], now: Int64
    ) {
        if let view {
            frames += controller.sync(view, usableSpeakers: usable, now: now).frames
        } else {
            controller.delete(service: key)
        }
    }

    /// Runs `elections` (each service's election, in order) on the controller in place, then
    /// records the announcement changes and sends the immediate gratuitous rounds.
    mutating func sync(
        now: Int64,
        _ elections: (inout SpeakerController, Set<String>?, inout [OutgoingFrame]) -> Void
    ) {
        let usable = usableSpeakers
        let before = controller.announcer.announcedIPs
        var frames: [OutgoingFrame] = []
        elections(&controller, usable, &frames)
        let after = controller.announcer.announcedIPs
        for ip in before where !after.contains(ip) { outbox.append(.record(.stoppedAnnouncing(ip))) }
        for ip in after where !before.contains(ip) { outbox.append(.record(.startedAnnouncing(ip))) }
        for failure in controller.takeAnnounceFailures() { outbox.append(.record(.announceFailed(failure))) }
        emit(frames, now: now)
    }
}

/// What changed in a Node object, as far as a speaker's node watch can tell.
public struct NodeUpdate: Sendable, Hashable {
    public var name: String
    /// Its labels changed (or it was created).
    public var labelsChanged: Bool
    /// Its NetworkUnavailable condition flipped.
    public var networkAvailabilityChanged: Bool

    public init(name: String, labelsChanged: Bool, networkAvailabilityChanged: Bool) {
        self.name = name
        self.labelsChanged = labelsChanged
        self.networkAvailabilityChanged = networkAvailabilityChanged
    }
}
