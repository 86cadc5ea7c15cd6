import Layer2

/// What the process's ConfigMap informer delivers (v0.9.4: MetalLB's `config` ConfigMap).
extension Speaker {
    /// MetalLB's ConfigMap, as this process's informer delivers it (at start-up, on every
    /// change, and on every re-list).
    ///
    /// v0.9.4 (speaker/main.go, `SetConfig`): the process refuses the config when an address it
    /// announces itself falls in none of its pools, and keeps the one it had; it does not retry
    /// (internal/k8s/k8s.go marks the config stale and reports success, so only the next
    /// change of the object is looked at). Otherwise it takes the config and reprocesses every
    /// service (a rate-limited ForceSync), looking each address up in its own pools from then on. A process that
    /// announces nothing takes any valid config, even one the controller refused.
    ///
    /// current is not modelled per process: its speakers look pools up in the configuration the
    /// controller took (the view's `poolProtocol`), and this is ignored.
    public mutating func handleConfig(_ config: SpeakerPoolConfig, now: Int64) {
        guard !hasExited, controller.rules == .v0_9_4 else { return }
        if let orphan = controller.orphan(under: config) {
            outbox.append(.record(.configRefused(service: orphan.service, ip: orphan.ip)))
            return
        }
        guard controller.ownConfig != config else { return }
        controller.ownConfig = config
        requeueAllRateLimited(now: now)
    }
}
