import Engine
import Simulation
import Wire

/// What `timeline.svg` shows, as plain data: for each service address, who announced it when,
/// the gratuitous rounds each node sent for it, and the downtime of the clients probing it;
/// across all of them, the timeline's actions. Built from a finished run; `TimelineSVG` draws it.
///
/// Kept apart from the drawing so that tests can compare what is drawn with what was recorded.
struct TimelineChart: Sendable {
    /// A stretch of time, closed at both ends.
    struct Span: Sendable, Hashable {
        var from: SimTime
        var to: SimTime
    }

    /// One node's row for one address.
    struct Lane: Sendable, Hashable {
        var node: String
        /// When the node's speaker announced the address.
        var announced: [Span]
        /// When it sent a gratuitous round for it.
        var gratuitous: [SimTime]
    }

    /// One probing client's row: when its probes to the address went unanswered.
    struct ClientLane: Sendable, Hashable {
        var client: String
        var port: UInt16
        var downtime: [Span]
    }

    struct Block: Sendable, Hashable {
        var ip: IPAddress
        /// Every service that held the address during the run, sorted.
        var services: [String]
        var lanes: [Lane]
        var clients: [ClientLane]
    }

    /// A timeline action, drawn as a vertical line across every block.
    struct Marker: Sendable, Hashable {
        var time: SimTime
        var label: String
    }

    var title: String
    var runEnd: SimTime
    var blocks: [Block]
    var markers: [Marker]

    init(title: String, runEnd: SimTime, blocks: [Block], markers: [Marker]) {
        self.title = title
        self.runEnd = runEnd
        self.blocks = blocks
        self.markers = markers
    }

    /// The chart of a finished run. Addresses are those any service held, any speaker
    /// announced or any client probed, ascending; nodes keep the scenario's order.
    init(_ scenario: Scenario, world: World, runEnd: SimTime) {
        let recorder = world.recorder
        var services: [IPAddress: Set<String>] = [:]
        for record in recorder.allocations {
            for ip in record.assignment?.ips ?? [] { services[ip, default: []].insert(record.service) }
        }
        var addresses = Set(services.keys).union(recorder.announcements.map(\.ip))
        for client in world.clients { if let probe = client.probeSpec { addresses.insert(probe.target) } }

        var blocks: [Block] = []
        for ip in addresses.sorted() {
            let lanes = world.nodes.map { node in
                Lane(
                    node: node.name,
                    announced: Self.announced(ip, by: node.name, in: recorder.announcements, runEnd: runEnd),
                    gratuitous: recorder.gratuitous.filter { $0.ip == ip && $0.node == node.name }.map(\.time))
            }
            var clients: [ClientLane] = []
            for client in world.clients {
                guard let probe = client.probeSpec, probe.target == ip else { continue }
                let probes = recorder.probes.filter {
                    $0.client == client.name && $0.target == probe.target && $0.port == probe.port
                }
                let downtime = DowntimeInterval.intervals(of: probes, runEnd: runEnd, timeout: probe.timeout)
                clients.append(
                    ClientLane(
                        client: client.name, port: probe.port,
                        downtime: downtime.map { Span(from: $0.start, to: $0.end) }))
            }
            blocks.append(Block(ip: ip, services: (services[ip] ?? []).sorted(), lanes: lanes, clients: clients))
        }
        let markers = scenario.timeline.map { Marker(time: $0.at, label: Self.label($0.action)) }
        self.init(
            title:
                "\(scenario.name) (seed \(scenario.seed), MetalLB \(scenario.version.rawValue), \(scenario.duration) simulated)",
            runEnd: runEnd, blocks: blocks, markers: markers)
    }

    /// The stretches during which `node` announced `ip`; one still open at the end of the run
    /// ends there.
    static func announced(_ ip: IPAddress, by node: String, in records: [AnnouncementRecord], runEnd: SimTime) -> [Span]
    {
        var spans: [Span] = []
        var since: SimTime?
        for record in records where record.ip == ip && record.node == node {
            switch record.action {
            case .start:
                if since == nil { since = record.time }
            case .stop:
                if let start = since { spans.append(Span(from: start, to: record.time)) }
                since = nil
            }
        }
        if let start = since { spans.append(Span(from: start, to: runEnd)) }
        return spans
    }

    /// `powerOff worker-3`, `partition master,worker-1 | worker-2`: the action's YAML name and
    /// the arguments that say what it struck.
    static func label(_ action: TimelineAction) -> String {
        switch action {
        case .powerOff(let node), .powerOn(let node), .startSpeaker(let node):
            return "\(action.name) \(node)"
        case .stopSpeaker(let node, let graceful):
            return "\(action.name) \(node)\(graceful ? "" : " (crash)")"
        case .linkDown(let node, let interface), .linkUp(let node, let interface), .ifDown(let node, let interface),
            .ifUp(let node, let interface):
            return "\(action.name) \(node)\(interface.map { " \($0)" } ?? "")"
        case .movePod(let pod, let to):
            return "\(action.name) \(pod) to \(to)"
        case .scale(_, let name, let replicas):
            return "\(action.name) \(name) to \(replicas)"
        case .setPodReady(let pod, let ready):
            return "\(action.name) \(pod) \(ready)"
        case .partition(let groups):
            return "\(action.name) \(groups.map { $0.joined(separator: ",") }.joined(separator: " | "))"
        case .loss(let ppm, let span):
            return "\(action.name) \(DrawnValue.percent(ppm: ppm)) for \(span)"
        case .delete(let kind, let name, let namespace):
            return "\(action.name) \(kind.rawValue) \(namespace)/\(name)"
        case .label(let node, let key, let value):
            return "\(action.name) \(node) \(key)=\(value)"
        case .unlabel(let node, let key):
            return "\(action.name) \(node) \(key)"
        case .setCondition(let node, let type, let status):
            return "\(action.name) \(node) \(type)=\(status)"
        default:
            return action.name
        }
    }
}
