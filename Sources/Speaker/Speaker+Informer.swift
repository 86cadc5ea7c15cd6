import Layer2

/// What the process's informers deliver: services (with their endpoints, pool and eligible
/// nodes folded into a `ServiceView`) and Node changes. Each delivery updates the speaker's
/// own informer view and runs MetalLB's reaction to it.
extension Speaker {
    /// Services changed (a view; nil: deleted): the speaker stores what its informer now
    /// holds and re-runs its election for each, in the order given (MetalLB's `SetBalancer`
    /// or `DeleteBalancer` per work-queue item).
    public mutating func handleServices(_ updates: some Sequence<(String, ServiceView?)>, now: Int64) {
        guard !hasExited else { return }
        for (key, view) in updates { informer[key] = view }
        sync(updates, now: now)
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
        sync(informer.lazy.map { ($0.key, Optional($0.value)) }, now: now)
    }

    /// Runs the election for each service, then records the announcement changes and sends
    /// the immediate gratuitous rounds.
    mutating func sync(_ views: some Sequence<(String, ServiceView?)>, now: Int64) {
        let usable = usableSpeakers
        let before = controller.announcer.announcedIPs
        var frames: [OutgoingFrame] = []
        for (key, view) in views {
            if let view {
                frames += controller.sync(view, usableSpeakers: usable, now: now).frames
            } else {
                controller.delete(service: key)
            }
        }
        let after = controller.announcer.announcedIPs
        for ip in before where !after.contains(ip) { outbox.append(.record(.stoppedAnnouncing(ip))) }
        for ip in after where !before.contains(ip) { outbox.append(.record(.startedAnnouncing(ip))) }
        emit(frames, now: now)
    }
}
