import Engine
import Simulation

extension Expectation {
    /// The expectation in a few words, stable while the scenario's other lines change: the
    /// name CI systems list it under (`owner 10.200.200.120 announced by worker-1 at 15s`).
    public var summary: String {
        let what: String
        switch kind {
        case .owner(let ip, let node):
            what = "\(ip) announced by \(node ?? "nobody")"
        case .externalIP(let service, let ips):
            what = "\(service) is \(ips.isEmpty ? "<pending>" : ips.map(\.description).joined(separator: ","))"
        case .event(let subject, let reason, let message):
            what = "\(subject) \(reason)\(message.map { " \"\($0)\"" } ?? "")"
        case .failover(let ip, let after, let within, let to):
            what = "\(ip) after \(after) within \(within)\(to.map { " to \($0)" } ?? "")"
        case .maxDowntime(let client, let target, let port, let max):
            what = "\(client) to \(WorldConfig.ProbeSpec.endpointText(target, port: port)) at most \(max)"
        case .clientARP(let client, let ip, _, let describedAs, let by):
            what = "\(client) \(ip) is \(describedAs) by \(by)"
        case .maxAnnouncers(let ip, let max, let grace):
            what = "\(ip) at most \(max) (grace \(grace))"
        case .onLink(let ip, let expected):
            what = "\(ip)\(expected ? "" : " not") on-link"
        }
        switch time {
        case .end: return "\(kind.name) \(what)"
        case .at(let t): return "\(kind.name) \(what) at \(t)"
        case .during(let a, let b): return "\(kind.name) \(what) during [\(a), \(b)]"
        }
    }
}
