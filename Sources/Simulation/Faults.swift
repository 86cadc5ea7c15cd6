import Engine

/// Faults the timeline can inject into the world.
extension World {
    /// The whole machine stops: it sends and answers nothing, its speaker and pods are gone
    /// with it (the API server still lists the pods until the node lifecycle controller acts).
    public func powerOff(node name: String) {
        guard let node = node(named: name), node.powered else { return }
        node.stopSpeaker(in: self)
        node.powered = false
        setLink(port: node.port, up: false)
        speakersSync(services: Array(cluster.services.keys))
    }

    /// The machine boots: the link comes up and the speaker starts with empty state.
    public func powerOn(node name: String) {
        guard let node = node(named: name), !node.powered else { return }
        node.powered = true
        setLink(port: node.port, up: true)
        startSpeaker(node: name)
    }

    /// Starts the speaker on a node and lets it (and every other speaker, who now see it
    /// alive) sync every service.
    public func startSpeaker(node name: String) {
        guard let node = node(named: name), node.powered, node.speaker == nil else { return }
        node.startSpeaker(in: self)
        speakersSync(services: Array(cluster.services.keys))
    }

    /// Stops the speaker process. The other speakers re-elect at once here; with failure
    /// detection simulated they will do so when they notice.
    public func stopSpeaker(node name: String) {
        guard let node = node(named: name), node.speaker != nil else { return }
        node.stopSpeaker(in: self)
        speakersSync(services: Array(cluster.services.keys))
    }

    public func setLink(node name: String, up: Bool) {
        guard let node = node(named: name) else { return }
        setLink(port: node.port, up: up)
    }
}
