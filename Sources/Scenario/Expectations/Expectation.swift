import Engine
import Wire

/// What must hold for a scenario to pass (SCENARIO-FORMAT.md, "Expectations").
public enum ExpectationKind: Sendable {
    /// Exactly one node announces `ip` and it is `node` (nil: nobody announces).
    case owner(ip: IPAddress, node: String?)
    /// The service's ingress addresses (empty: pending).
    case externalIP(service: String, ips: [IPAddress])
    /// Such a Kubernetes Event was emitted about the subject.
    case event(subject: EventSubject, reason: String, message: String?)
    /// The announcer at `after` stops, and another (`to`, when given) starts, within `within`.
    case failover(ip: IPAddress, after: SimTime, within: SimDuration, to: String?)
    case maxDowntime(client: String, target: IPAddress, port: UInt16, max: SimDuration)
    /// The client's entry for `ip` (ARP table for IPv4, Neighbor Discovery table for IPv6)
    /// points at `mac` (a node's, when named by node) no later than `by`.
    case clientARP(client: String, ip: IPAddress, mac: MACAddress, describedAs: String, by: SimTime)
    case maxAnnouncers(ip: IPAddress, max: Int, grace: SimDuration)
    /// Whether some node's subnet holds `ip` (`expected` true), or none does: a client on the
    /// segment ARPs only for on-link addresses, so layer2 mode can serve only those.
    case onLink(ip: IPv4Address, expected: Bool)

    /// The kind's name as written in YAML and reported.
    public var name: String {
        switch self {
        case .owner: return "owner"
        case .externalIP: return "externalIP"
        case .event: return "event"
        case .failover: return "failover"
        case .maxDowntime: return "maxDowntime"
        case .clientARP: return "clientARP"
        case .maxAnnouncers: return "maxAnnouncers"
        case .onLink: return "onLink"
        }
    }
}

/// When an expectation is checked.
public enum ExpectationTime: Sendable, Hashable {
    /// At the end of the run.
    case end
    case at(SimTime)
    /// At every moment of the closed interval.
    case during(SimTime, SimTime)
}

public struct Expectation: Sendable {
    public var kind: ExpectationKind
    public var time: ExpectationTime
    public var location: SourceLocation
    /// Times written as `{timeOf: ID}`: set from the timeline once the seed has drawn it.
    public var references: [TimeReference] = []
}

/// What an `event` expectation is about.
public enum EventSubject: Sendable, Hashable, CustomStringConvertible {
    /// A Service, `namespace/name` (MetalLB's controller's events).
    case service(String)
    /// A pod, `namespace/name`, or any pod of the workload of that name (their names are drawn):
    /// kube-scheduler's FailedScheduling.
    case pod(String)

    public var key: String {
        switch self {
        case .service(let key), .pod(let key): return key
        }
    }

    public var description: String {
        switch self {
        case .service(let key): return key
        case .pod(let key): return "pod \(key)"
        }
    }
}
