import Cluster
import Engine
import Simulation
import Wire

/// Checks expectations against what a run recorded.
enum ExpectationChecker {
    static func check(_ expectation: Expectation, world: World, runEnd: SimTime) -> ExpectationResult {
        let recorder = world.recorder
        func result(_ passed: Bool, _ message: String) -> ExpectationResult {
            ExpectationResult(expectation: expectation, passed: passed, message: message)
        }
        func describe(_ nodes: [String]) -> String {
            nodes.isEmpty ? "nobody" : nodes.joined(separator: " and ")
        }
        switch expectation.kind {
        case .owner(let ip, let node):
            let wanted = node.map { [$0] } ?? []
            let checkpoints: [SimTime]
            switch expectation.time {
            case .end: checkpoints = [runEnd]
            case .at(let time): checkpoints = [time]
            case .during(let from, let to):
                // The announcer set can only change at recorded instants: check the start and
                // every change inside the interval.
                checkpoints = [from] + recorder.announcements.map(\.time).filter { $0 > from && $0 <= to }
            }
            for time in checkpoints {
                let seen = recorder.announcers(of: ip, at: time)
                if seen != wanted {
                    return result(
                        false,
                        "\(ip) at \(time): expected \(node.map { "owned by \($0) alone" } ?? "no announcer"), announced by \(describe(seen))"
                    )
                }
            }
            return result(
                true, "\(ip) \(node.map { "owned by \($0)" } ?? "not announced") \(timeText(expectation.time, runEnd))")

        case .externalIP(let service, let ips):
            let seen: [IPAddress]
            let when: SimTime
            if case .at(let time) = expectation.time {
                // What the controller had assigned then, which its status update showed.
                when = time
                seen = recorder.allocations.last { $0.service == service && $0.time <= time }?.assignment?.ips ?? []
            } else {
                when = runEnd
                seen = world.cluster.services[service]?.ingress ?? []
            }
            let wanted = ips.map(\.description).joined(separator: ", ")
            let got = seen.isEmpty ? "<pending>" : seen.map(\.description).joined(separator: ", ")
            if seen == ips {
                return result(
                    true,
                    "\(service) has EXTERNAL-IP \(ips.isEmpty ? "<pending>" : wanted) \(timeText(expectation.time, runEnd))"
                )
            }
            return result(
                false, "\(service) at \(when): expected EXTERNAL-IP \(ips.isEmpty ? "<pending>" : wanted), found \(got)"
            )

        case .event(let subject, let reason, let message):
            let service = subject.description
            var events: [ObjectEvent]
            switch subject {
            case .service(let key):
                events = world.cluster.events[key] ?? []
            case .pod(let key):
                // The pod itself, or any pod of the workload of that name.
                events = world.recorder.podEvents.filter { record in
                    record.pod == key || record.owner.map { $0.hasSuffix("/" + key) } == true
                }.map(\.event)
            }
            // With `at`: emitted no later than that.
            if case .at(let time) = expectation.time { events = events.filter { $0.time <= time.nanoseconds } }
            if let event = events.first(where: { $0.reason == reason && (message.map($0.message.contains) ?? true) }) {
                return result(true, "\(service) got \(event.type.rawValue) \(reason): \(event.message)")
            }
            let seen = events.map { "\($0.reason) \"\($0.message)\"" }.joined(separator: "; ")
            return result(
                false,
                "\(service): expected an event \(reason)\(message.map { " containing \"\($0)\"" } ?? ""), saw \(seen.isEmpty ? "no events" : seen)"
            )

        case .failover(let ip, let after, let within, let to):
            // The owner just before `after`: a fault scheduled at that instant has not struck yet.
            let before = recorder.announcers(of: ip, before: after)
            guard !before.isEmpty else {
                return result(false, "\(ip) at \(after): nobody announced it, so there was nothing to fail over")
            }
            let deadline = after + within
            for record in recorder.announcements
            where record.ip == ip && record.time >= after && record.time <= deadline {
                let now = recorder.announcers(of: ip, at: record.time)
                let newOnes = now.filter { !before.contains($0) }
                if before.allSatisfy({ !now.contains($0) }), let winner = newOnes.first, to == nil || to == winner {
                    return result(
                        true,
                        "\(ip) failed over from \(describe(before)) to \(winner) \(record.time - after) after \(after)")
                }
            }
            let final = recorder.announcers(of: ip, at: deadline)
            return result(
                false,
                "\(ip): expected failover from \(describe(before))\(to.map { " to \($0)" } ?? "") within \(within) of \(after); at \(deadline) announced by \(describe(final))"
            )

        case .maxDowntime(let client, let target, let port, let max):
            let probes = recorder.probes.filter { $0.client == client && $0.target == target && $0.port == port }
            let timeout = world.client(named: client)?.probeSpec?.timeout ?? .seconds(1)
            let longest = DowntimeInterval.intervals(of: probes, runEnd: runEnd, timeout: timeout).max {
                $0.duration < $1.duration
            }
            let worst = longest?.duration ?? .zero
            let endpoint = WorldConfig.ProbeSpec.endpointText(target, port: port)
            if worst <= max {
                return result(true, "\(client) -> \(endpoint) longest downtime \(worst) (max \(max))")
            }
            return result(
                false,
                "\(client) -> \(endpoint): downtime of \(worst) from \(longest!.start) to \(longest!.end), more than \(max)"
            )

        case .clientARP(let client, let ip, let mac, let describedAs, let by):
            let records = recorder.clientARP.filter { $0.client == client && $0.ip == ip && $0.time <= by }
            let current = records.last?.mac
            if current == mac {
                let since = records.last { $0.mac != mac }.map { r in
                    records.first { $0.time > r.time && $0.mac == mac }?.time
                }
                return result(
                    true,
                    "\(client)'s entry for \(ip) is \(describedAs) by \(by)\((since ?? nil).map { " (since \($0))" } ?? "")"
                )
            }
            return result(
                false,
                "\(client)'s entry for \(ip) at \(by): expected \(describedAs), found \(current.map(\.description) ?? "no usable entry")"
            )

        case .maxAnnouncers(let ip, let max, let grace):
            var since: SimTime?
            for record in recorder.announcements where record.ip == ip {
                let count = recorder.announcers(of: ip, at: record.time).count
                if count > max {
                    if since == nil { since = record.time }
                } else if let start = since {
                    if record.time - start > grace {
                        return result(
                            false,
                            "\(ip): \(recorder.announcers(of: ip, at: start).count) announcers from \(start) to \(record.time), more than \(max) for longer than \(grace)"
                        )
                    }
                    since = nil
                }
            }
            if let start = since, runEnd - start > grace {
                return result(
                    false, "\(ip): more than \(max) announcers from \(start) to the end of the run (\(runEnd))")
            }
            return result(true, "\(ip): never more than \(max) announcer(s) for longer than \(grace)")

        case .onLink(let ip, let expected):
            let subnets = world.config.nodes.map { IPv4CIDR(network: $0.ip, prefixLength: $0.prefixLength) }
            let holding = world.config.nodes.filter {
                IPv4CIDR(network: $0.ip, prefixLength: $0.prefixLength).contains(ip)
            }.map(\.name)
            let described = Array(Set(subnets.map(\.description))).sorted().joined(separator: ", ")
            if holding.isEmpty {
                return result(
                    !expected, "\(ip) is on no node's subnet (\(described)): no client on the segment ARPs for it")
            }
            return result(expected, "\(ip) is on-link for \(holding.joined(separator: ", "))")
        }
    }

    private static func timeText(_ time: ExpectationTime, _ end: SimTime) -> String {
        switch time {
        case .end: return "at the end (\(end))"
        case .at(let t): return "at \(t)"
        case .during(let a, let b): return "during [\(a), \(b)]"
        }
    }
}
