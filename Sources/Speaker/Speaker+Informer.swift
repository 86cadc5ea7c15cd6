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

    /// A Node object changed. MetalLB rejoins memberlist from its node watch: v0.9.4 watches
    /// every Node and rejoins on any change; current watches its own Node
    /// (`speakerlist.go` via the node controller's `SetNode`).
    public mutating func handleNodeChanged(_ name: String, now: Int64) {
        guard !hasExited else { return }
        if controller.rules == .v0_9_4 || name == configuration.node { joinMissingSpeakers(now: now) }
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
    private static func sync(
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
    private mutating func sync(
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
        emit(frames, now: now)
    }
}
