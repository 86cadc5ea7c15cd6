import Engine
import Foundation
import TestSupport
import Testing
import Wire
import XMLCheck

@testable import Scenario

@Suite("timeline.svg")
struct TimelineSVGTests {
    static let minute = TimelineScale(runEnd: .seconds(60))

    @Test("time maps to x in exact hundredths of a pixel, clamped to the run")
    func scale() {
        #expect(Self.minute.x(.zero) == 17_000)
        #expect(Self.minute.x(.seconds(30)) == 67_000)
        #expect(Self.minute.x(.seconds(60)) == 117_000)
        #expect(Self.minute.x(.seconds(10)) == 33_666, "rounded down: 10/60 of 1000 px is 166.666... px")
        #expect(Self.minute.x(SimTime(nanoseconds: 11_100_000_000)) == 35_500)
        #expect(Self.minute.x(.seconds(61)) == 117_000)
        // Ten days in nanoseconds times the width in hundredths overflows 64 bits; x must not.
        let tenDays = TimelineScale(runEnd: .seconds(864_000))
        #expect(tenDays.x(.seconds(432_000)) == 67_000)
        #expect(tenDays.x(.seconds(864_000)) == 117_000)
        #expect(TimelineScale.text(17_000) == "170")
        #expect(TimelineScale.text(33_666) == "336.66")
        #expect(TimelineScale.text(28_110) == "281.1")
        #expect(TimelineScale.text(28_105) == "281.05")
    }

    @Test("axis ticks: at most ten steps of one unit each, from zero to the end")
    func ticks() {
        #expect(Self.minute.ticks.map(Self.minute.label) == ["0s", "10s", "20s", "30s", "40s", "50s", "60s"])
        let three = TimelineScale(runEnd: .seconds(180))
        #expect(
            three.ticks.map(three.label) == ["0s", "20s", "40s", "60s", "80s", "100s", "120s", "140s", "160s", "180s"])
        let short = TimelineScale(runEnd: SimTime(nanoseconds: 1_500_000_000))
        #expect(short.ticks.map(short.label) == ["0s", "0.2s", "0.4s", "0.6s", "0.8s", "1s", "1.2s", "1.4s"])
        let hour = TimelineScale(runEnd: .seconds(3_600))
        #expect(hour.ticks.map(hour.label) == ["0m", "10m", "20m", "30m", "40m", "50m", "60m"])
        let day = TimelineScale(runEnd: .seconds(86_400))
        #expect(day.ticks.map(day.label) == ["0h", "3h", "6h", "9h", "12h", "15h", "18h", "21h", "24h"])
    }

    /// A chart written by hand: every drawn coordinate can be worked out from it.
    static let chart = TimelineChart(
        title: "lab <1> & \"2\"", runEnd: .seconds(60),
        blocks: [
            TimelineChart.Block(
                ip: .v4(IPv4Address(192, 0, 2, 1)), services: ["ns/<svc>"],
                lanes: [
                    TimelineChart.Lane(
                        node: "node-a", announced: [.init(from: .seconds(10), to: .seconds(20))],
                        gratuitous: [.seconds(10), SimTime(nanoseconds: 11_100_000_000)]),
                    TimelineChart.Lane(node: "node-b&c", announced: [], gratuitous: []),
                ],
                clients: [
                    TimelineChart.ClientLane(
                        client: "outside", port: 80,
                        downtime: [.init(from: .seconds(12), to: .seconds(15))])
                ])
        ],
        markers: [
            TimelineChart.Marker(time: .seconds(10), label: "powerOff node-a"),
            TimelineChart.Marker(time: .seconds(10), label: "heal"),
            TimelineChart.Marker(time: .seconds(59), label: String(repeating: "x", count: 40)),
        ])

    @Test("the SVG parses, with a lane per node and bars, ticks and bands where the times say")
    func rendering() throws {
        let svg = TimelineSVG.render(Self.chart)
        let root = try XMLTree.parse(svg)
        #expect(root.name == "svg")
        #expect(root["viewBox"] == "0 0 1200 \(root["height"] ?? "?")")
        #expect(root.children("title").first?.text == "lab <1> & \"2\"")
        let block = try #require(root.all("g").first { $0["class"] == "block" })
        #expect(block["data-ip"] == "192.0.2.1")
        #expect(block.children("text").first.map { $0.text + $0.children.map(\.text).joined() } == "192.0.2.1ns/<svc>")
        let lanes = block.children("g").filter { $0["class"] == "lane" }
        #expect(lanes.map { $0["data-node"] } == ["node-a", "node-b&c"])

        let bars = lanes[0].children("rect").filter { $0["class"] == "bar" }
        #expect(bars.map { $0["x"] } == ["336.66"])
        #expect(bars.map { $0["width"] } == ["166.67"])
        #expect(bars.first?.children("title").first?.text == "node-a announces 192.0.2.1 from 10s to 20s")
        #expect(lanes[0].children("line").map { $0["x1"] } == ["336.66", "355"])
        #expect(lanes[1].children("rect").filter { $0["class"] == "bar" }.isEmpty)

        let client = try #require(block.children("g").first { $0["class"] == "client" })
        #expect(client["data-client"] == "outside")
        let downtime = client.children("rect")
        #expect(downtime.map { $0["class"] } == ["downtime-band", "downtime"])
        #expect(downtime.map { $0["x"] } == ["370", "370"])
        #expect(downtime.map { $0["width"] } == ["50", "50"])
        // The band covers both node lanes.
        #expect(downtime.first?["height"] == "40")
    }

    @Test("action labels never overlap: same instant, another row; near the right edge, left of the line")
    func labels() throws {
        let placed = TimelineLabels.place(Self.chart.markers, scale: Self.minute, width: TimelineSVG.width)
        #expect(placed.map(\.row) == [0, 1, 0])
        #expect(placed.map(\.anchorEnd) == [false, false, true])
        #expect(placed[2].textX < Self.minute.x(.seconds(59)))
        let root = try XMLTree.parse(TimelineSVG.render(Self.chart))
        // The legend's sample line is a marker group too, without a label.
        let markers = root.all("g").filter { $0["class"] == "marker" && !$0.children("text").isEmpty }
        #expect(
            markers.compactMap { $0.children("text").first?.text } == [
                "powerOff node-a", "heal", String(repeating: "x", count: 40),
            ])
        #expect(markers.compactMap { $0.children("line").first?["x1"] } == ["336.66", "336.66", "1153.33"])
        #expect(markers.last?.children("text").first?["text-anchor"] == "end")
    }

    @Test("a run's chart: a lane per node in scenario order, bars from the recorded announcements")
    func chartOfTheSeedScenario() throws {
        let path = Repository.root.appendingPathComponent("Scenarios/seed-nginx-migration.yaml").path
        let scenario = try ScenarioLoader().load(path)
        let report = try ScenarioRunner.run(scenario, output: OutputOptions(directory: nil))
        let chart = report.timeline
        try #require(chart.blocks.count == 1)
        let block = chart.blocks[0]
        #expect(block.ip == .v4(IPv4Address(10, 200, 200, 120)))
        #expect(block.services == ["default/nginx"])
        #expect(block.lanes.map(\.node) == scenario.world.nodes.map(\.name))
        #expect(block.clients.map(\.client) == ["outside"])
        // The same spans the JSON report's announcements give.
        guard case .object(let fields) = report.json,
            case .array(let announcements)? = fields.first(where: { $0.0 == "announcements" })?.1
        else {
            Issue.record("report.json has no announcements array")
            return
        }
        var starts: [String: [String]] = [:]
        for case .object(let entry) in announcements {
            let values = Dictionary(uniqueKeysWithValues: entry)
            guard case .string(let node)? = values["node"], case .number(let t)? = values["t"],
                case .string("start")? = values["action"]
            else { continue }
            starts[node, default: []].append(t)
        }
        for lane in block.lanes {
            #expect(lane.announced.map(\.from.secondsText) == starts[lane.node] ?? [], "\(lane.node)")
        }
        #expect(chart.markers.map(\.label) == scenario.timeline.map { TimelineChart.label($0.action) })
        #expect(chart.markers.map(\.label) == ["movePod nginx to worker-3"])
    }
}
