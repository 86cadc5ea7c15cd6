import Cluster
import Engine
import Simulation
import Speaker
import Wire

/// What the seed article's author looked at, for people reading `sim`'s output: the
/// `kubectl get service` table, the client's `ip neigh` line whenever the MAC behind a service
/// IP changes, and one line per change of announcer.
enum HumanView {
    static func lines(_ scenario: Scenario, world: World) -> [String] {
        var timed: [(SimTime, Int, String)] = []
        let macOwner = Dictionary(uniqueKeysWithValues: world.nodes.map { ($0.mac, $0.name) })
        for (index, record) in world.recorder.announcements.enumerated() {
            let node = world.node(named: record.node)
            let verb = record.action == .start ? "announce" : "withdraw"
            timed.append(
                (
                    record.time, index,
                    "[\(stamp(record.time))] \(verb) \(record.ip) by \(record.node) (\(node?.mac.description ?? "?"))"
                ))
        }
        let serviceIPs = Set(world.cluster.services.values.flatMap(\.ingress))
            .union(world.recorder.announcements.map(\.ip))
        var lastMAC: [String: MACAddress?] = [:]
        for (index, record) in world.recorder.clientARP.enumerated() where serviceIPs.contains(record.ip) {
            let key = "\(record.client) \(record.ip)"
            if let previous = lastMAC[key], previous == record.mac { continue }
            lastMAC[key] = record.mac
            let owner = record.mac.flatMap { macOwner[$0] }.map { " (\($0))" } ?? ""
            let entry = record.mac.map { "lladdr \($0) \(record.state.rawValue)" } ?? record.state.rawValue
            timed.append(
                (
                    record.time, 100_000 + index,
                    "[\(stamp(record.time))] \(record.client)$ ip neigh: \(record.ip) dev \(scenario.world.interfaceName) \(entry)\(owner)"
                ))
        }
        // A configuration MetalLB refused (v0.9.4's orphan rule) is no Service's event, but
        // it explains why a pending service was not retried: show it in the timeline.
        for (index, rejection) in world.cluster.configRejections.enumerated() {
            let time = SimTime(nanoseconds: rejection.time)
            timed.append(
                (time, 200_000 + index, "[\(stamp(time))] metallb controller: config refused: \(rejection.message)"))
        }
        for (index, refusal) in world.recorder.configRefusals.enumerated() {
            timed.append(
                (
                    refusal.time, 250_000 + index,
                    "[\(stamp(refusal.time))] \(refusal.node) speaker: config refused: it announces \(refusal.ip) (\(refusal.service)), which is in no pool of the new config; it keeps the old one"
                ))
        }
        for (index, record) in world.recorder.responders.enumerated() {
            timed.append(
                (
                    record.time, 260_000 + index,
                    "[\(stamp(record.time))] \(record.node) speaker: \(record.change.event) \(record.change.interface) (interface scan)"
                ))
        }
        // Memberlist's verdicts on other members (joins at start-up are left out: every speaker
        // meets every other then), and the node lifecycle controller's.
        for (index, record) in world.recorder.membership.enumerated()
        where record.observer != record.event.member.name && (record.event.kind != .join || record.time > .seconds(1)) {
            let what =
                record.event.kind == .leave
                ? (record.event.member.state == .left ? "left" : "dead")
                : "\(record.event.kind)"
            timed.append(
                (
                    record.time, 300_000 + index,
                    "[\(stamp(record.time))] \(record.observer) memberlist: \(record.event.member.name) \(what)"
                ))
        }
        for (index, record) in world.recorder.nodeConditions.enumerated() {
            timed.append(
                (record.time, 400_000 + index, "[\(stamp(record.time))] node \(record.node): \(record.change)"))
        }
        for (index, record) in world.recorder.skippedActions.enumerated() {
            timed.append(
                (
                    record.time, 450_000 + index,
                    "[\(stamp(record.time))] \(record.action) \(record.node): nothing done: \(record.reason)"
                ))
        }
        for (index, record) in world.recorder.apiViews.enumerated() {
            let what =
                record.change == .cutOff
                ? "cut off from the API server (its speaker and kube-proxy keep their last view)"
                : "API watches back: informers re-listed, kube-proxy re-synced"
            timed.append((record.time, -100_000 + index, "[\(stamp(record.time))] node \(record.node): \(what)"))
        }
        // Warning events as they happen: the reason a pod stays Pending or a service has no
        // address is on screen, not only in report.json.
        for (index, record) in world.recorder.podEvents.enumerated() where record.event.type == .warning {
            timed.append(
                (
                    record.time, 500_000 + index,
                    "[\(stamp(record.time))] pod \(record.pod): \(record.event.reason): \(record.event.message)"
                ))
        }
        var serviceWarnings = 0
        for (key, events) in world.cluster.events {
            for event in events where event.type == .warning {
                let time = SimTime(nanoseconds: event.time)
                serviceWarnings += 1
                timed.append(
                    (
                        time, 600_000 + serviceWarnings,
                        "[\(stamp(time))] service \(key): \(event.reason): \(event.message)"
                    ))
            }
        }
        // What the seed drew (`{between: ...}`, `{oneOf: ...}` in the timeline), at its time.
        timed += DrawnReport.timedLines(scenario)
        var lines = timed.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2)
        lines.append("")
        lines.append("$ kubectl get service   # at \(world.now)")
        lines += serviceTable(world)
        lines.append("")
        lines.append("$ kubectl get pods -A -o wide")
        lines += podTable(world)
        lines.append("")
        lines.append("$ kubectl get endpoints -A")
        lines += endpointsTable(world)
        return lines
    }

    /// `kubectl get pods -A -o wide`, with the columns lbsim knows (no restarts or ages).
    static func podTable(_ world: World) -> [String] {
        var rows = [["NAMESPACE", "NAME", "READY", "STATUS", "IP", "NODE"]]
        for pod in world.cluster.pods.values {
            let status: String
            if pod.terminating {
                status = "Terminating"
            } else if let node = pod.nodeName {
                status = world.node(named: node)?.powered == false ? "Unknown" : "Running"
            } else {
                status = "Pending"
            }
            rows.append([
                pod.meta.namespace, pod.meta.name, pod.ready ? "1/1" : "0/1", status,
                pod.nodeName == nil ? "<none>" : (pod.podIP ?? "<none>"), pod.nodeName ?? "<none>",
            ])
        }
        return table(rows)
    }

    /// Whether `kubectl get endpoints` lists the Service: one with a selector (the endpoints
    /// controller's), or a selectorless one users wrote endpoints for.
    static func listsEndpoints(_ service: Service, _ world: World) -> Bool {
        !service.isSelectorless || world.cluster.manualEndpoints.endpoints[service.key] != nil
            || world.cluster.manualEndpoints.slices[service.key] != nil
    }

    /// `kubectl get endpoints -A`: each Service's ready addresses with its target port (a
    /// selectorless Service's hand-written addresses with their ports).
    static func endpointsTable(_ world: World) -> [String] {
        var rows = [["NAMESPACE", "NAME", "ENDPOINTS"]]
        let fromSlices = world.config.version == .current
        for service in world.cluster.services.values where listsEndpoints(service, world) {
            let addresses: [String]
            if service.isSelectorless {
                addresses = world.cluster.manualEndpoints.of(service.key, fromSlices: fromSlices).filter(\.ready)
                    .flatMap { endpoint in endpoint.ports.map { "\(endpoint.address):\($0.port)" } }
            } else {
                let pods = world.cluster.readyEndpoints(of: service)
                addresses = pods.flatMap { pod in
                    service.ports.compactMap { port in
                        port.resolve(on: pod).flatMap { number in pod.podIP.map { "\($0):\(number)" } }
                    }
                }
            }
            rows.append([
                service.meta.namespace, service.meta.name,
                addresses.isEmpty ? "<none>" : addresses.joined(separator: ","),
            ])
        }
        return table(rows)
    }

    /// Left-aligned columns three spaces apart, the last one unpadded.
    static func table(_ rows: [[String]]) -> [String] {
        let columns = rows[0].count
        let widths = (0..<columns).map { column in rows.map { $0[column].count }.max()! }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == columns - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count + 3)
            }.joined()
        }
    }

    /// Seconds with nine decimals, right-aligned: timestamps line up like tcpdump's.
    static func stamp(_ time: SimTime) -> String {
        let whole = time.nanoseconds / 1_000_000_000
        let fraction = String(time.nanoseconds % 1_000_000_000)
        let text = "\(whole).\(String(repeating: "0", count: 9 - fraction.count))\(fraction)s"
        return String(repeating: " ", count: max(0, 14 - text.count)) + text
    }

    static func serviceTable(_ world: World) -> [String] {
        var rows = [["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)"]]
        for service in world.cluster.services.values {
            let external: String
            switch service.type {
            case .loadBalancer:
                external =
                    service.ingress.isEmpty ? "<pending>" : service.ingress.map(\.description).joined(separator: ",")
            default: external = "<none>"
            }
            let ports = service.ports.map { port in
                (port.nodePort.map { "\(port.port):\($0)" } ?? "\(port.port)") + "/\(port.protocol)"
            }.joined(separator: ",")
            let name = service.meta.namespace == "default" ? service.meta.name : service.key
            rows.append([
                name, service.type.rawValue, service.clusterIP ?? "None", external, ports.isEmpty ? "<none>" : ports,
            ])
        }
        return table(rows)
    }
}
