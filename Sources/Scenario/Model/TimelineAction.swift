import Cluster
import Engine
import Wire

/// One thing the timeline makes happen (SCENARIO-FORMAT.md, "Timeline actions").
public enum TimelineAction: Sendable {
    case apply([LocatedObject])
    case delete(kind: DeletableKind, name: String, namespace: String)
    case movePod(pod: String, to: String)
    /// Sets a Deployment's, ReplicaSet's or StatefulSet's replica count.
    case scale(kind: Workload.Kind, name: String, replicas: Int)
    case setPodReady(pod: String, ready: Bool)
    case powerOff(node: String)
    case powerOn(node: String)
    case stopSpeaker(node: String, graceful: Bool)
    case startSpeaker(node: String)
    /// Carrier lost or back (a cable, a switch port); `interface` nil: every interface of the
    /// node.
    case linkDown(node: String, interface: String?)
    case linkUp(node: String, interface: String?)
    /// `ip link set dev IF down|up` on the node: the administrative state, which MetalLB's
    /// interface scan reads; `interface` nil: every interface of the node.
    case ifDown(node: String, interface: String?)
    case ifUp(node: String, interface: String?)
    case loss(ppm: UInt32, for: SimDuration)
    /// Frames cross only inside a group of host names; unlisted hosts join the first group.
    case partition(groups: [[String]])
    case heal
    case label(node: String, key: String, value: String)
    case unlabel(node: String, key: String)
    case setCondition(node: String, type: String, status: String)

    /// The action's name as written in YAML.
    public var name: String {
        switch self {
        case .apply: return "apply"
        case .delete: return "delete"
        case .movePod: return "movePod"
        case .scale: return "scale"
        case .setPodReady: return "setPodReady"
        case .powerOff: return "powerOff"
        case .powerOn: return "powerOn"
        case .stopSpeaker: return "stopSpeaker"
        case .startSpeaker: return "startSpeaker"
        case .linkDown: return "linkDown"
        case .linkUp: return "linkUp"
        case .ifDown: return "ifDown"
        case .ifUp: return "ifUp"
        case .loss: return "loss"
        case .partition: return "partition"
        case .heal: return "heal"
        case .label: return "label"
        case .unlabel: return "unlabel"
        case .setCondition: return "setCondition"
        }
    }
}

/// A timeline entry: when, what, and where it was written.
public struct TimelineEntry: Sendable {
    public var at: SimTime
    public var action: TimelineAction
    public var location: SourceLocation
    /// Where the action's arguments were written (`to`, `node`...), for errors found later.
    public var fieldLocations: [String: SourceLocation] = [:]
    /// `id: NAME`: what expectations refer to with `{timeOf: NAME}`; it also labels the
    /// entry's draws, so they survive entries added before it.
    public var id: String?
    /// The entry's position in the `timeline:` list as written (0-based).
    public var index = 0
    /// Arguments (and `at`) the seed chooses, in the order written. Empty for most entries.
    public var draws: [Draw] = []
    /// What this run's seed drew for them, in the same order.
    public var drawn: [DrawnField] = []

    /// How the entry is named in reports and in its draws' stream labels.
    public var label: String { id ?? String(index) }
}
