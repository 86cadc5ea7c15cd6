import Engine

/// A warm start (`WarmStart`): the speakers' staggered starts before time 0, and the switch to
/// recording at 0.
extension World {
    /// Each node's speaker starts at its own instant, drawn from the seed, within `window` of
    /// the beginning: its tickers then run on a phase of their own. A node whose speaker
    /// DaemonSet pod is missing by then never runs one.
    func scheduleSpeakerStarts(within window: SimDuration) {
        var draws = RandomStream(rootSeed: config.seed, .speakerStart)
        let beginning = now
        for node in nodes {
            node.awaitsFirstSpeakerStart = true
            let offset = SimDuration(nanoseconds: Int64(draws.uniform(below: UInt64(window.nanoseconds))))
            let port = node.port
            at(beginning + offset) { world in world.firstSpeakerStart(port: port) }
        }
    }

    /// The speaker's pod on `port`'s node starts, as the DaemonSet's pod of a cluster being set
    /// up: with the services its informers list once they sync.
    private func firstSpeakerStart(port: Int32) {
        guard let node = nodeHost(port: port) else { return }
        node.awaitsFirstSpeakerStart = false
        guard node.powered, !node.hasSpeaker, runsSpeaker(node.name) else { return }
        node.startSpeaker(in: hostContext, resync: true)
    }

    /// Time 0 of a warm start: the history is over. The recorder keeps the state it left (see
    /// `Recorder.keepOnlyState(at:)`, and the API server's events) and the trace begins.
    func beginAtZero() {
        recorder.keepOnlyState(at: now)
        controlPlane.stampHistory(before: now.nanoseconds)
        trace = traceFromZero
    }
}
