import Engine
import Simulation

extension Expectation {
    /// The expectation in a few words, stable while the scenario's other lines change: the
    /// name CI systems list it under (`owner 10.200.200.120 announced by worker-1 at 15s`).
    public var summary: String {
        let what: String
        switch kind {
        case let .owner(ip, node):
            what = "\(ip) announced by \(node ?? "nobody")"
        case let .externalIP(service, ips):
            what = "\(service) is \(ips.isEmpty ? "<pending>" : ips.map(\.description).joined(separator: ","))"
        case let .event(service, reason, message):
            what = "\(service) \(reason)\(message.map { " \"\($0)\"" } ?? "")"
        case let .failover(ip, after, within, to):
            what = "\(ip) after \(after) within \(within)\(to.map { " to \($0)" } ?? "")"
        case let .maxDowntime(client, target, port, max):
            what = "\(client) to \(WorldConfig.ProbeSpec.endpointText(target, port: port)) at most \(max)"
        case let .clientARP(client, ip, _, describedAs, by):
            what = "\(client) \(ip) is \(describedAs) by \(by)"
        case let .maxAnnouncers(ip, max, grace):
            what = "\(ip) at most \(max) (grace \(grace))"
        }
        switch time {
        case .end: return "\(kind.name) \(what)"
        case let .at(t): return "\(kind.name) \(what) at \(t)"
        case let .during(a, b): return "\(kind.name) \(what) during [\(a), \(b)]"
        }
    }
}
