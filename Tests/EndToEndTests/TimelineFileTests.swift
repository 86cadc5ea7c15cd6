import Foundation
import Testing
import XMLCheck

@testable import Scenario

@Suite("sim-out/timeline.svg and the invariants, from the seed run")
struct TimelineFileTests {
    static func timeline() throws -> XMLTree {
        let run = try SeedRun.get()
        return try XMLTree.parse(String(decoding: try Data(contentsOf: run.output("timeline.svg")), as: UTF8.self))
    }

    /// The x coordinate the chart gives an instant, from the report's own times.
    static func x(_ nanoseconds: Int64, duration: Int64) -> Double {
        Double(TimelineScale.plotLeft) + Double(TimelineScale.plotWidth) * Double(nanoseconds) / Double(duration)
    }

    @Test("one block for the service IP with one lane per node, in the scenario's order")
    func lanes() throws {
        let svg = try Self.timeline()
        #expect(svg.name == "svg")
        let blocks = svg.all("g").filter { $0["class"] == "block" }
        #expect(blocks.map { $0["data-ip"] } == [SeedCluster.vip])
        let lanes = try #require(blocks.first).children("g").filter { $0["class"] == "lane" }
        #expect(lanes.map { $0["data-node"] } == SeedCluster.nodes.map(Optional.some))
        #expect(lanes.map { $0.children("text").first?.text } == SeedCluster.nodes.map(Optional.some))
    }

    @Test("each node's bars start and end where the report's announcements say")
    func barsMatchAnnouncements() throws {
        let run = try SeedRun.get()
        let report = try run.report()
        let duration = try #require(nanoseconds(fromJSONSeconds: report["duration"]))
        let records = try announcements(in: report).filter { $0.ip == SeedCluster.vip }
        #expect(records.contains { $0.node == "worker-1" } && records.contains { $0.node == "worker-3" })
        let lanes = try Self.timeline().all("g").filter { $0["class"] == "lane" }
        for node in SeedCluster.nodes {
            var spans: [(Int64, Int64)] = []
            var since: Int64?
            for record in records where record.node == node {
                if record.action == "start", since == nil { since = record.time }
                if record.action == "stop", let start = since {
                    spans.append((start, record.time))
                    since = nil
                }
            }
            if let start = since { spans.append((start, duration)) }
            let lane = try #require(lanes.first { $0["data-node"] == node })
            let bars = lane.children("rect").filter { $0["class"] == "bar" }
            try #require(bars.count == spans.count, "\(node): \(bars.count) bars for \(spans.count) announcements")
            for (bar, span) in zip(bars, spans) {
                let x = try #require(bar["x"].flatMap(Double.init))
                let width = try #require(bar["width"].flatMap(Double.init))
                #expect(abs(x - Self.x(span.0, duration: duration)) <= 0.01, "\(node) starts at \(span.0) ns: x \(x)")
                #expect(abs(x + width - Self.x(span.1, duration: duration)) <= 0.02, "\(node) stops at \(span.1) ns")
            }
        }
    }

    @Test("each node's gratuitous ticks are its gratuitous ARP replies in trace.pcap")
    func ticksMatchTheTrace() throws {
        let run = try SeedRun.get()
        let duration = try #require(nanoseconds(fromJSONSeconds: try run.report()["duration"]))
        let replies = try Tcpdump.arp(run.trace).filter { $0.isGratuitousReply(for: SeedCluster.vip) }
        #expect(!replies.isEmpty)
        let lanes = try Self.timeline().all("g").filter { $0["class"] == "lane" }
        for node in SeedCluster.nodes {
            let sent = replies.filter { $0.source == SeedCluster.mac(node) }.map { Self.x($0.time, duration: duration) }
            let lane = try #require(lanes.first { $0["data-node"] == node })
            let ticks = lane.children("line").filter { $0["class"] == "garp" }.compactMap {
                $0["x1"].flatMap(Double.init)
            }
            #expect(ticks.count == sent.count, "\(node): \(ticks.count) ticks, \(sent.count) gratuitous replies")
            for (tick, x) in zip(ticks, sent) { #expect(abs(tick - x) <= 0.01, "\(node)") }
        }
    }

    @Test("the movePod action is a labelled marker at its time")
    func marker() throws {
        let run = try SeedRun.get()
        let duration = try #require(nanoseconds(fromJSONSeconds: try run.report()["duration"]))
        let markers = try Self.timeline().all("g").filter { $0["class"] == "marker" && !$0.children("text").isEmpty }
        #expect(markers.map { $0.children("text").first?.text } == ["movePod nginx to worker-3"])
        let x = try #require(markers.first?.children("line").first?["x1"].flatMap(Double.init))
        #expect(abs(x - Self.x(20_000_000_000, duration: duration)) <= 0.01)
    }

    @Test("the report lists the three invariants, each checked and held; sim prints them")
    func invariants() throws {
        let run = try SeedRun.get()
        let list = try #require(try run.report()["invariants"] as? [[String: Any]])
        #expect(list.map { $0["name"] as? String } == ["sharingRules", "announcedInPool", "clientMACsOnSegment"])
        for invariant in list {
            #expect(invariant["passed"] as? Bool == true, "\(invariant)")
            #expect((invariant["checked"] as? NSNumber)?.intValue ?? 0 > 0, "\(invariant)")
            #expect((invariant["violations"] as? [Any])?.isEmpty == true)
            #expect(invariant["rule"] is String)
        }
        let printed = run.result.stdoutLines.filter { $0.hasPrefix("PASS invariant ") }
        #expect(printed.count == 3, "\(run.result)")
        #expect(printed.first?.hasPrefix("PASS invariant sharingRules: held at every allocation change (") == true)
    }
}
