import Cluster
import Engine
import Simulation
import Speaker
import Wire

/// Builds the JSON report from a finished world.
enum ReportBuilder {
    static func seconds(_ time: SimTime) -> JSONValue { .number(time.secondsText) }

    /// Every pod at the end of the run, as `kubectl get pods -o wide` has them.
    static func podsJSON(_ world: World) -> JSONValue {
        .array(
            world.cluster.pods.values.map { pod in
                .object(
                    [
                        ("pod", .string(pod.key)), ("node", pod.nodeName.map(JSONValue.string) ?? .null),
                        ("ready", .bool(pod.ready)),
                        ("ip", pod.nodeName == nil ? .null : pod.podIP.map(JSONValue.string) ?? .null),
                        ("owner", pod.owner.map(JSONValue.string) ?? .null),
                    ] + (pod.terminating ? [("terminating", .bool(true))] : []))
            })
    }

    /// Each Service's ready endpoints at the end of the run: its selected pods, or for a
    /// selectorless Service with hand-written endpoints those addresses (no `pod`; `node` as
    /// the endpoint names it).
    static func endpointsJSON(_ world: World) -> JSONValue {
        let fromSlices = world.config.version == .current
        return .array(
            world.cluster.services.values.filter { HumanView.listsEndpoints($0, world) }.map { service in
                let addresses: [JSONValue]
                if service.isSelectorless {
                    addresses = world.cluster.manualEndpoints.of(service.key, fromSlices: fromSlices).filter(\.ready)
                        .map { endpoint in
                            .object([
                                ("ip", .string(endpoint.address.description)),
                                ("node", endpoint.nodeName.map(JSONValue.string) ?? .null),
                            ])
                        }
                } else {
                    addresses = world.cluster.readyEndpoints(of: service).map { pod in
                        .object([
                            ("ip", pod.podIP.map(JSONValue.string) ?? .null),
                            ("node", pod.nodeName.map(JSONValue.string) ?? .null),
                            ("pod", .string(pod.key)),
                        ])
                    }
                }
                return .object([("service", .string(service.key)), ("addresses", .array(addresses))])
            })
    }

    /// Events about pods (FailedScheduling), in the order they were emitted.
    static func podEventsJSON(_ world: World) -> JSONValue {
        .array(
            world.recorder.podEvents.map { record in
                .object([
                    ("t", seconds(record.time)), ("pod", .string(record.pod)),
                    ("type", .string(record.event.type.rawValue)), ("reason", .string(record.event.reason)),
                    ("message", .string(record.event.message)),
                ])
            })
    }

    static func json(
        _ scenario: Scenario, world: World, results: [ExpectationResult],
        invariants: [InvariantResult], runEnd: SimTime
    ) -> JSONValue {
        let recorder = world.recorder
        var services: [JSONValue] = []
        for service in world.cluster.services.values where service.type == .loadBalancer {
            let pool = world.controller?.assignment(of: service.key)?.pool
            let events = (world.cluster.events[service.key] ?? []).map { event -> JSONValue in
                .object([
                    ("t", seconds(SimTime(nanoseconds: event.time))), ("type", .string(event.type.rawValue)),
                    ("reason", .string(event.reason)), ("message", .string(event.message)),
                ])
            }
            services.append(
                .object([
                    ("service", .string(service.key)),
                    ("ingress", .array(service.ingress.map { .string($0.description) })),
                    ("pool", pool.map(JSONValue.string) ?? .null),
                    ("events", .array(events)),
                ]))
        }
        // Services deleted during the run keep their events in the report.
        for (key, events) in world.cluster.events where world.cluster.services[key] == nil {
            services.append(
                .object([
                    ("service", .string(key)), ("ingress", .array([])), ("pool", .null),
                    (
                        "events",
                        .array(
                            events.map { event in
                                .object([
                                    ("t", seconds(SimTime(nanoseconds: event.time))),
                                    ("type", .string(event.type.rawValue)),
                                    ("reason", .string(event.reason)), ("message", .string(event.message)),
                                ])
                            })
                    ),
                ]))
        }
        let announcements = recorder.announcements.map { record -> JSONValue in
            .object(
                [
                    ("t", seconds(record.time)), ("ip", .string(record.ip.description)),
                    ("node", .string(record.node)), ("action", .string(record.action.rawValue)),
                ] + (record.inherited ? [("inherited", .bool(true))] : []))
        }
        // What each speaker's memberlist concluded about the others, and when: the reason an
        // announcement moved (or did not).
        let membership = recorder.membership.filter { $0.observer != $0.event.member.name }.map { record -> JSONValue in
            .object([
                ("t", seconds(record.time)), ("observer", .string(record.observer)),
                ("member", .string(record.event.member.name)), ("event", .string("\(record.event.kind)")),
                ("state", .string(record.event.member.state.description)),
                ("incarnation", .int(UInt64(record.event.member.incarnation))),
            ])
        }
        let nodeChanges = recorder.nodeConditions.map { record -> JSONValue in
            .object([("t", seconds(record.time)), ("node", .string(record.node)), ("change", .string(record.change))])
        }
        let skipped = recorder.skippedActions.map { record -> JSONValue in
            .object([
                ("t", seconds(record.time)), ("action", .string(record.action)), ("node", .string(record.node)),
                ("reason", .string(record.reason)),
            ])
        }
        // Which nodes' processes were cut off from the API server, acting on their last view,
        // and when they re-listed.
        let apiViews = recorder.apiViews.map { record -> JSONValue in
            .object([
                ("t", seconds(record.time)), ("node", .string(record.node)),
                ("change", .string(record.change.rawValue)),
            ])
        }
        let configRefusals = recorder.configRefusals.map { refusal -> JSONValue in
            .object([
                ("t", seconds(refusal.time)), ("node", .string(refusal.node)),
                ("service", .string(refusal.service)), ("ip", .string(refusal.ip.description)),
            ])
        }
        // Responders a speaker's interface scan opened or closed after its first scan: listed
        // only when some were (a run whose interfaces never change has none).
        let responders = recorder.responders.map { record -> JSONValue in
            .object([
                ("t", seconds(record.time)), ("node", .string(record.node)),
                ("interface", .string(record.change.interface)), ("event", .string(record.change.event)),
            ])
        }
        var clients: [JSONValue] = []
        for client in world.clients {
            let arp = recorder.clientARP.filter { $0.client == client.name }.map { record -> JSONValue in
                .object([
                    ("t", seconds(record.time)), ("ip", .string(record.ip.description)),
                    ("mac", record.mac.map { .string($0.description) } ?? .null),
                    ("state", .string(record.state.rawValue)),
                ])
            }
            let probes = recorder.probes.filter { $0.client == client.name }
            let timeout = client.probeSpec?.timeout ?? .seconds(1)
            let downtime = DowntimeInterval.intervals(of: probes, runEnd: runEnd, timeout: timeout)
            let worst = downtime.map(\.duration).max() ?? .zero
            var fields: [(String, JSONValue)] = [("client", .string(client.name)), ("arp", .array(arp))]
            if let probe = client.probeSpec {
                fields.append(("maxDowntime", .number(worst.secondsText)))
                fields.append(
                    (
                        "probe",
                        .object([
                            ("target", .string(probe.targetText)),
                            ("sent", .int(probes.count)),
                            ("answered", .int(probes.filter { $0.answeredAt != nil }.count)),
                        ])
                    ))
                fields.append(
                    (
                        "downtime",
                        .array(
                            downtime.map {
                                .object([
                                    ("from", seconds($0.start)), ("to", seconds($0.end)),
                                    ("seconds", .number($0.duration.secondsText)),
                                ])
                            })
                    ))
            } else {
                fields.append(("maxDowntime", .null))
            }
            clients.append(.object(fields))
        }
        let expectations = results.map { result -> JSONValue in
            .object([
                ("kind", .string(result.expectation.kind.name)), ("passed", .bool(result.passed)),
                ("message", .string(result.message)),
                ("location", .string(result.expectation.location.description)),
            ])
        }
        let checkedInvariants = invariants.map { invariant -> JSONValue in
            .object([
                ("name", .string(invariant.name)), ("passed", .bool(invariant.passed)),
                ("rule", .string(invariant.rule)), ("subject", .string(invariant.subject)),
                ("checked", .int(invariant.checked)),
                (
                    "violations",
                    .array(
                        invariant.violations.map {
                            .object([("t", seconds($0.time)), ("message", .string($0.message))])
                        })
                ),
            ])
        }
        return .object(
            [
                ("scenario", .string(scenario.name)),
                ("seed", .int(scenario.seed)),
                ("passed", .bool(results.allSatisfy(\.passed) && invariants.allSatisfy(\.passed))),
                ("metallb", .string(scenario.version.rawValue)),
                ("duration", .number(scenario.duration.secondsText)),
                ("services", .array(services)),
                ("pods", podsJSON(world)),
                ("endpoints", endpointsJSON(world)),
                ("podEvents", podEventsJSON(world)),
                ("announcements", .array(announcements)),
                ("membership", .array(membership)),
                ("nodes", .array(nodeChanges)),
                ("skippedActions", .array(skipped)),
                ("apiViews", .array(apiViews)),
                ("speakerConfigRefusals", .array(configRefusals)),
                ("clients", .array(clients)),
                ("expectations", .array(expectations)),
                ("invariants", .array(checkedInvariants)),
                ("frames", .int(recorder.framesOnSegment)),
            ] + (responders.isEmpty ? [] : [("responders", .array(responders))]) + DrawnReport.fields(scenario))
    }
}
