/// v0.9.4's ForceSync: every service the informers hold goes back on the work queue through
/// the rate limiter (internal/k8s/k8s.go, `ForceSync` calls `AddRateLimited` per key), on every
/// memberlist event (internal/speakerlist/speakerlist.go, `memberlistWatchEvents`) and after a
/// config it took (`SyncStateReprocessAll`). Each key is processed when its delay is up, from
/// what the informers hold then. current re-syncs in one pass at once and does not come here.
/// The waiting keys are kept by key (a ForceSync of a thousand services looks each up once),
/// in the order they were first queued.
extension Speaker {
    /// `AddRateLimited` for every key the informers hold. A key already waiting keeps the
    /// earlier of its two times (the delaying queue's `AddAfter`).
    mutating func requeueAllRateLimited(now: Int64) {
        for key in informer.keys {
            let ready = now + rateLimiter.delay(for: key, now: now)
            waitingResyncs[key] = min(waitingResyncs[key] ?? ready, ready)
        }
        armResync(now: now)
    }

    /// The resync timer: every waiting key whose time has come is processed, earliest first
    /// (keys due at the same instant in the order they were queued).
    mutating func runDueResyncs(now: Int64) {
        let due = waitingResyncs.enumerated().filter { $0.element.value <= now }
            .sorted { ($0.element.value, $0.offset) < ($1.element.value, $1.offset) }.map(\.element.key)
        guard !due.isEmpty else { return armResync(now: now) }
        waitingResyncs.removeAll { $0.value <= now }
        let updates = due.map { ($0, informer[$0]) }
        sync(now: now) { controller, usable, frames in
            for (key, view) in updates {
                Self.sync(key, view, in: &controller, usable: usable, frames: &frames, now: now)
            }
        }
        for key in due { rateLimiter.forget(key) }
        armResync(now: now)
    }

    private mutating func armResync(now: Int64) {
        guard let next = waitingResyncs.values.min(), scheduledResync != next else { return }
        scheduledResync = next
        arm(.resync, at: next)
    }
}
