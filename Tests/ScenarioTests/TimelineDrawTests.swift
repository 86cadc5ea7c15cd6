import Engine
import Foundation
import Testing

@testable import Scenario

/// Timeline values the seed draws (`{between: [LOW, HIGH]}`, `{oneOf: [...]}`) and the
/// expectations that follow them (`{timeOf: ID}`): drawn the same for the same seed, spread
/// over the range for different seeds, bounds included, and bad input refused where it is
/// written.
@Suite("Timeline draws")
struct TimelineDrawTests {
    /// The lab scenario with `timeline` inserted before its expectations, and `expect` added to them.
    static func lab(_ timeline: String, expect: String = "") throws -> Lab {
        var lab = try Lab()
        try lab.change("expect:\n", "timeline:\n" + timeline + "expect:\n" + expect)
        return lab
    }

    static func scenario(_ timeline: String, expect: String = "", seed: UInt64) throws -> Scenario {
        var scenario = try lab(timeline, expect: expect).load()
        scenario.seed = seed
        return scenario
    }

    static func entry(_ scenario: Scenario, _ id: String) throws -> TimelineEntry {
        try #require(scenario.timeline.first { $0.id == id })
    }

    static let ranged = """
          - id: kill
            at: {between: [10s, 20s]}
            powerOff: {node: worker-1}

        """

    // MARK: drawing

    @Test("the same seed draws the same time; times stay inside the range and cover it")
    func betweenIsDeterministicAndCoversTheRange() throws {
        let lab = try Self.lab(Self.ranged)
        let loaded = try lab.load()
        var times: [Int64] = []
        for seed in UInt64(1)...300 {
            var a = loaded
            var b = try lab.load()
            a.seed = seed
            b.seed = seed
            let at = try Self.entry(a, "kill").at
            #expect(at == (try Self.entry(b, "kill").at), "seed \(seed) drew two different times")
            #expect(at >= .seconds(10) && at <= .seconds(20), "seed \(seed) drew \(at)")
            times.append(at.nanoseconds)
        }
        #expect(Set(times).count >= 295, "integer nanoseconds in a 10 s range hardly repeat")
        #expect(times.min()! < 10_500_000_000 && times.max()! > 19_500_000_000, "300 seeds should reach both ends")
        // Every tenth of the range is hit.
        let tenths = Set(times.map { ($0 - 10_000_000_000) / 1_000_000_000 })
        #expect(tenths == Set(0...9), "tenths reached: \(tenths.sorted())")
    }

    @Test("both bounds can be drawn")
    func boundsAreInclusive() throws {
        let lab = try Self.lab(
            """
              - id: kill
                at: {between: [10s, 10.000000001s]}
                powerOff: {node: worker-1}
              - at: 1s
                scale: {deployment: web, replicas: {between: [1, 3]}}
              - at: 2s
                loss: {percent: {between: [1%, 1.0001%]}, for: {between: [1s, 1.000000001s]}}

            """)
        var lab2 = lab
        try lab2.change(
            "- file: service.yaml\n",
            """
            - file: service.yaml
              - apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec: {replicas: 1, selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: web, image: nginx}]}}}

            """)
        let loaded = try lab2.load()
        var ats: Set<Int64> = []
        var replicas: Set<Int> = []
        var ppms: Set<UInt32> = []
        var spans: Set<Int64> = []
        for seed in UInt64(1)...64 {
            var scenario = loaded
            scenario.seed = seed
            ats.insert(try Self.entry(scenario, "kill").at.nanoseconds)
            for entry in scenario.timeline {
                if case .scale(_, _, let count) = entry.action { replicas.insert(count) }
                if case .loss(let ppm, let span) = entry.action {
                    ppms.insert(ppm)
                    spans.insert(span.nanoseconds)
                }
            }
        }
        #expect(ats == [10_000_000_000, 10_000_000_001])
        #expect(replicas == [1, 2, 3])
        #expect(ppms == [10_000, 10_001])
        #expect(spans == [1_000_000_000, 1_000_000_001])
    }

    @Test("equal bounds always give that value")
    func equalBounds() throws {
        for seed in UInt64(1)...20 {
            let scenario = try Self.scenario(
                """
                  - id: kill
                    at: {between: [5s, 5s]}
                    powerOff: {node: worker-1}

                """, seed: seed)
            #expect(try Self.entry(scenario, "kill").at == .seconds(5))
        }
    }

    @Test("oneOf draws every choice, for names and booleans, and records what it drew in order")
    func oneOfCoversEveryChoice() throws {
        let lab = try Self.lab(
            """
              - id: stop
                at: 3s
                stopSpeaker: {node: {oneOf: [worker-1, worker-2]}, graceful: {oneOf: [true, false]}}

            """)
        let loaded = try lab.load()
        var seen: Set<String> = []
        for seed in UInt64(1)...64 {
            var scenario = loaded
            scenario.seed = seed
            let entry = try Self.entry(scenario, "stop")
            guard case .stopSpeaker(let node, let graceful) = entry.action else {
                Issue.record("not a stopSpeaker: \(entry.action)")
                continue
            }
            #expect(
                entry.drawn == [
                    DrawnField(field: "node", value: .name(node)),
                    DrawnField(field: "graceful", value: .flag(graceful)),
                ])
            #expect(entry.at == .seconds(3))
            seen.insert("\(node) \(graceful)")
        }
        #expect(seen == ["worker-1 true", "worker-1 false", "worker-2 true", "worker-2 false"])
    }

    /// The label is part of the contract: changing it would change every old sweep's draws.
    @Test("each draw comes from the stream timeline/<id or position>/<field> of the root seed")
    func streamLabel() throws {
        let scenario = try Self.scenario(
            Self.ranged + """
                  - at: {between: [1s, 2s]}
                    powerOn: {node: worker-1}

                """, seed: 12345)
        var kill = RandomStream(rootSeed: 12345, subsystem: "timeline/kill/at")
        #expect(try Self.entry(scenario, "kill").at.nanoseconds == kill.uniform(in: 10_000_000_000...20_000_000_000))
        var second = RandomStream(rootSeed: 12345, subsystem: "timeline/1/at")
        let powerOn = try #require(scenario.timeline.first { $0.action.name == "powerOn" })
        #expect(powerOn.at.nanoseconds == second.uniform(in: 1_000_000_000...2_000_000_000))
    }

    @Test("an entry with an id keeps its draw when entries are added before it")
    func idLabelsSurviveInsertions() throws {
        let extra = """
              - at: {between: [1s, 2s]}
                powerOn: {node: worker-2}

            """
        for seed in UInt64(1)...10 {
            let plain = try Self.scenario(Self.ranged, seed: seed)
            let inserted = try Self.scenario(extra + Self.ranged, seed: seed)
            #expect(try Self.entry(plain, "kill").at == Self.entry(inserted, "kill").at)
        }
    }

    @Test("a timeline without draws is the same whatever the seed, and has nothing to redraw")
    func noDrawsNoChange() throws {
        let text = """
              - at: 5s
                powerOff: {node: worker-1}
              - at: 2s
                stopSpeaker: {node: worker-2, graceful: false}

            """
        let base = try Self.lab(text).load()
        #expect(base.drawPlan == nil)
        #expect(!base.hasDraws)
        var other = base
        other.seed = 999
        #expect(other.timeline.map { "\($0.at) \($0.action)" } == base.timeline.map { "\($0.at) \($0.action)" })
        #expect(base.timeline.map(\.at) == [.seconds(2), .seconds(5)], "sorted by time as before")
        #expect(other.timeline.allSatisfy { $0.drawn.isEmpty })
    }

    @Test("drawn times reorder the timeline; entries at equal times keep their written order")
    func drawnTimesAreSorted() throws {
        let lab = try Self.lab(
            """
              - at: {between: [1s, 9s]}
                powerOff: {node: worker-1}
              - at: 5s
                powerOff: {node: worker-2}
              - at: 5s
                powerOn: {node: worker-2}

            """)
        let loaded = try lab.load()
        var before = 0
        var after = 0
        for seed in UInt64(1)...40 {
            var scenario = loaded
            scenario.seed = seed
            let times = scenario.timeline.map(\.at)
            #expect(times == times.sorted())
            let order = scenario.timeline.map(\.index)
            #expect(order.firstIndex(of: 1)! < order.firstIndex(of: 2)!, "equal times keep the written order: \(order)")
            if order[0] == 0 { before += 1 } else { after += 1 }
        }
        #expect(before > 0 && after > 0, "the drawn entry should land on both sides of 5s")
    }

    // MARK: expectations that follow the draws

    @Test("timeOf sets at, during, failover.after and clientARP.by from the drawn time, with plus and minus")
    func timeReferences() throws {
        let expect = """
              - at: {timeOf: kill, minus: 1s}
                owner: {ip: 10.200.200.120, node: worker-1}
              - during: [{timeOf: kill, plus: 1s}, 30s]
                owner: {ip: 10.200.200.120, node: worker-2}
              - failover: {ip: 10.200.200.120, after: {timeOf: kill}, within: 5s}
              - clientARP: {client: outside, ip: 10.200.200.120, node: worker-2, by: {timeOf: kill, plus: 4s}}

            """
        for seed in UInt64(1)...20 {
            var lab = try Self.lab(Self.ranged, expect: expect)
            try lab.change("duration: 10s", "duration: 40s")
            var scenario = try lab.load()
            scenario.seed = seed
            let kill = try Self.entry(scenario, "kill").at
            let added = Array(scenario.expectations.prefix(4))
            #expect(added[0].time == .at(kill - .seconds(1)))
            #expect(added[1].time == .during(kill + .seconds(1), .seconds(30)))
            guard case .failover(_, let after, _, _) = added[2].kind,
                case .clientARP(_, _, _, _, let by) = added[3].kind
            else {
                Issue.record("unexpected kinds: \(added.map(\.kind.name))")
                continue
            }
            #expect(after == kill)
            #expect(by == kill + .seconds(4))
        }
    }

    @Test("the report lists what was drawn; a scenario without draws has no such field")
    func reportRecordsDraws() throws {
        let drawn = try Self.scenario(
            """
              - id: kill
                at: {between: [3s, 4s]}
                stopSpeaker: {node: {oneOf: [worker-1, worker-2]}, graceful: false}

            """, seed: 3)
        let report = try ScenarioRunner.run(drawn, output: OutputOptions(directory: nil))
        let entry = try Self.entry(drawn, "kill")
        guard case .stopSpeaker(let node, _) = entry.action else { throw HarnessFailure("not a stopSpeaker") }
        let root = try #require(
            try JSONSerialization.jsonObject(with: Data(report.json.serialized().utf8)) as? [String: Any])
        let list = try #require(root["drawn"] as? [[String: Any]], "\(root.keys.sorted())")
        #expect(list.count == 1)
        let item = try #require(list.first)
        #expect(item["entry"] as? String == "kill")
        #expect(item["action"] as? String == "stopSpeaker")
        #expect((item["location"] as? String)?.hasPrefix("lab/scenario.yaml:") == true)
        // Times keep their nanoseconds: the number's text is the exact seconds.
        #expect(report.json.serialized().contains("\"t\": \(entry.at.secondsText),"), "\(report.json.serialized())")
        let values = try #require(item["values"] as? [String: Any])
        #expect(Set(values.keys) == ["at", "node"])
        #expect(values["node"] as? String == node)
        #expect((values["at"] as? NSNumber)?.doubleValue == Double(entry.at.secondsText))
        #expect(
            report.humanView.contains { $0.contains("drawn: kill (stopSpeaker): at \(entry.at), node \(node)") },
            "\(report.humanView)")

        let plain = try Self.scenario(
            """
              - at: 3s
                stopSpeaker: {node: worker-1, graceful: false}

            """, seed: 3)
        let plainJSON = try ScenarioRunner.run(plain, output: OutputOptions(directory: nil)).json.serialized()
        #expect(!plainJSON.contains("drawn"))
    }

    @Test("every drawable argument of every action takes a drawn value")
    func everyDrawableFieldApplies() {
        let samples: [TimelineAction] = [
            .movePod(pod: "p", to: "a"), .scale(kind: .deployment, name: "d", replicas: 1),
            .setPodReady(pod: "p", ready: true),
            .powerOff(node: "a"), .powerOn(node: "a"), .startSpeaker(node: "a"),
            .stopSpeaker(node: "a", graceful: true),
            .linkDown(node: "a", interface: nil), .linkUp(node: "a", interface: "eth1"),
            .ifDown(node: "a", interface: "eth1"), .ifUp(node: "a", interface: nil),
            .loss(ppm: 1, for: .seconds(1)),
            .label(node: "a", key: "k", value: "v"), .unlabel(node: "a", key: "k"),
            .setCondition(node: "a", type: "T", status: "True"),
        ]
        // Two values per field, both different from the samples': each must show in the result.
        let values: [String: (DrawnValue, DrawnValue)] = [
            "to": (.name("b"), .name("c")), "node": (.name("b"), .name("c")), "replicas": (.integer(7), .integer(8)),
            "ready": (.flag(false), .flag(true)), "graceful": (.flag(false), .flag(true)),
            "percent": (.percent(ppm: 42), .percent(ppm: 43)), "for": (.duration(.seconds(9)), .duration(.seconds(8))),
        ]
        #expect(Set(samples.map(\.name)) == Set(TimelineAction.drawableFields.keys))
        for action in samples {
            for field in TimelineAction.drawableFields[action.name] ?? [] {
                let (one, two) = values[field]!
                let first = action.replacing(field, with: one).map { "\($0)" }
                let second = action.replacing(field, with: two).map { "\($0)" }
                #expect(first != nil && second != nil, "\(action.name).\(field)")
                #expect(
                    first != "\(action)" && first != second,
                    "\(action.name).\(field): \(String(describing: first)), \(String(describing: second))")
                // A value of the wrong type is not taken.
                #expect(
                    action.replacing(field, with: field == "node" || field == "to" ? .flag(true) : .name("b")) == nil)
            }
            #expect(action.replacing("nonsense", with: .name("b")) == nil)
        }
    }

    // MARK: bad input

    struct BadCase: Sendable, CustomStringConvertible {
        var timeline: String
        var expect = ""
        /// The text the error should point at (its first occurrence after the timeline starts).
        var at: String
        var occurrence = 1
        var fragments: [String]
        var description: String { fragments.joined(separator: " ") }
    }

    static let badCases: [BadCase] = [
        BadCase(
            timeline: "  - at: {between: [20s, 10s]}\n    powerOff: {node: worker-1}\n",
            at: "[20s, 10s]", fragments: ["timeline[0].at.between", "must not be more than"]),
        BadCase(
            timeline: "  - at: {between: [10s]}\n    powerOff: {node: worker-1}\n",
            at: "[10s]", fragments: ["two bounds"]),
        BadCase(
            timeline: "  - at: {between: [1s, soon]}\n    powerOff: {node: worker-1}\n",
            at: "soon", fragments: ["timeline[0].at.between[1]", "duration"]),
        BadCase(
            timeline: "  - at: 1s\n    powerOff: {node: {oneOf: []}}\n",
            at: "[]", fragments: ["powerOff.node.oneOf", "at least one"]),
        BadCase(
            timeline: "  - at: 1s\n    powerOff: {node: {between: [worker-1, worker-2]}}\n",
            at: "{between", fragments: ["powerOff.node", "oneOf"]),
        BadCase(
            timeline: "  - at: 1s\n    powerOff: {node: {oneOf: [worker-1, worker-9]}}\n",
            at: "worker-9", fragments: ["no node named \"worker-9\""]),
        BadCase(
            timeline: "  - at: 1s\n    stopSpeaker: {node: worker-1, graceful: {oneOf: [true, maybe]}}\n",
            at: "maybe", fragments: ["stopSpeaker.graceful.oneOf[1]", "true or false"]),
        BadCase(
            timeline: "  - at: 1s\n    powerOff: {node: {oneof: [worker-1]}}\n",
            at: "oneof", fragments: ["oneOf", "between"]),
        BadCase(
            timeline: "  - at: {between: [1s, 2s]}\n    delete: {kind: Pod, name: nginx}\n",
            at: "{between", fragments: ["delete happens at a fixed time"]),
        BadCase(
            timeline: "  - at: 1s\n    loss: {percent: {between: [5%, 1%]}, for: 1s}\n",
            at: "[5%, 1%]", fragments: ["loss.percent.between", "5%", "1%"]),
        BadCase(
            timeline:
                "  - id: kill\n    at: 1s\n    powerOff: {node: worker-1}\n  - id: kill\n    at: 2s\n    powerOn: {node: worker-1}\n",
            at: "kill", occurrence: 2, fragments: ["\"kill\" is already used at lab/scenario.yaml:"]),
        BadCase(
            timeline: "  - id: kill me\n    at: 1s\n    powerOff: {node: worker-1}\n",
            at: "kill me", fragments: ["timeline[0].id"]),
        BadCase(
            timeline: "  - id: kill\n    at: 1s\n    powerOff: {node: worker-1}\n",
            expect: "  - failover: {ip: 10.200.200.120, after: {timeOf: kil}, within: 5s}\n",
            at: "kil}", fragments: ["failover.after.timeOf", "no timeline entry has id \"kil\"", "kill"]),
        BadCase(
            timeline: "  - id: kill\n    at: {between: [1s, 8s]}\n    powerOff: {node: worker-1}\n",
            expect: "  - during: [{timeOf: kill}, 5s]\n    owner: {ip: 10.200.200.120, node: worker-2}\n",
            at: "[{timeOf", fragments: ["T1 must not be after T2 for any drawn time"]),
        BadCase(
            timeline: "  - id: kill\n    at: {between: [1s, 8s]}\n    powerOff: {node: worker-1}\n",
            expect: "  - at: {timeOf: kill, minus: 2s}\n    owner: {ip: 10.200.200.120, node: worker-2}\n",
            at: "2s}", fragments: ["before the start"]),
        BadCase(
            timeline: "  - id: kill\n    at: 1s\n    powerOff: {node: worker-1}\n",
            expect: "  - at: {timeOf: kill, plus: 1s, minus: 1s}\n    owner: {ip: 10.200.200.120, node: worker-2}\n",
            at: "{timeOf", fragments: ["plus or minus, not both"]),
    ]

    @Test("bad draws and references are refused at their location", arguments: badCases)
    func badInput(_ bad: BadCase) throws {
        let lab = try Self.lab(bad.timeline, expect: bad.expect)
        let error = lab.error()
        let start = try #require(lab.scenario.range(of: "timeline:\n")).upperBound
        let tail = String(lab.scenario[start...])
        let inTail = try position(of: bad.at, in: tail, occurrence: bad.occurrence)
        let linesBefore = lab.scenario[..<start].filter { $0 == "\n" }.count
        expectLocation(error, file: Lab.scenarioPath, (inTail.line + linesBefore, inTail.column))
        for fragment in bad.fragments {
            #expect(
                error?.message.contains(fragment) == true, "expected \"\(fragment)\" in: \(String(describing: error))")
        }
    }
}

struct HarnessFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
