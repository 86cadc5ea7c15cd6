/// The named consumers of randomness, each with a stream of its own split off the root seed.
///
/// The raw values are the names the streams are derived from: they are part of every recorded
/// run's identity (change one and every old seed replays differently), so they are spelled
/// here once, and nowhere else.
public enum RandomSubsystem: Sendable, Hashable {
    /// Frame loss on the segment.
    case segmentLoss
    /// The control plane's draws: cluster IPs, node ports, pod name suffixes.
    case cluster
    /// Clients' neighbour caches (reachable times), split per client.
    case clientNeighbour
    /// Nodes' Neighbor Discovery tables (reachable times), split per node and interface.
    case nodeNeighbour
    /// memberlist's randomness, split per speaker process (`NODE#GENERATION`).
    case memberlist
    /// The kubelets' status-update phases.
    case kubelet
    /// When each speaker started, in a run that begins from a running cluster.
    case speakerStart
    /// How long a node kernel's duplicate address detection waits before its probe, split per
    /// run (`NODE/INTERFACE#N`).
    case duplicateAddressDetection
    /// A timeline value drawn per seed: entry `entry`'s field `field`.
    case timelineDraw(entry: String, field: String)

    /// The name the stream is derived from.
    public var name: String {
        switch self {
        case .segmentLoss: "segment.loss"
        case .cluster: "cluster"
        case .clientNeighbour: "client.neighbour"
        case .nodeNeighbour: "node.neighbour"
        case .memberlist: "memberlist"
        case .kubelet: "kubelet"
        case .speakerStart: "speaker.start"
        case .duplicateAddressDetection: "kernel.dad"
        case .timelineDraw(let entry, let field): "timeline/\(entry)/\(field)"
        }
    }
}

extension RandomStream {
    /// The stream of `subsystem`, derived from `rootSeed`.
    public init(rootSeed: UInt64, _ subsystem: RandomSubsystem) {
        self.init(rootSeed: rootSeed, subsystem: subsystem.name)
    }
}
