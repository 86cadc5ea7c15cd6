import Engine
import Foundation
import Pcap
import Simulation

/// Where a run writes its files.
public struct OutputOptions: Sendable {
    /// The output folder (created if missing); nil writes nothing.
    public var directory: String?
    /// Where the JSON report goes (default: `report.json` in the folder).
    public var reportPath: String?

    public init(directory: String?, reportPath: String? = nil) {
        self.directory = directory
        self.reportPath = reportPath
    }
}

/// A failure to write outputs (a folder that cannot be created, a full disk).
public struct OutputError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

/// Runs a loaded scenario: builds the world, simulates it, checks the expectations, writes the
/// captures and the report.
public enum ScenarioRunner {
    public static func run(_ scenario: Scenario, output: OutputOptions) throws(OutputError) -> RunReport {
        var trace: PcapTrace?
        var finalFiles: [String] = []
        if let directory = output.directory {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw OutputError(
                    description: "cannot create output folder \(directory): \(error.localizedDescription)")
            }
            var interfacePaths: [Int: String] = [:]
            if scenario.output.perNode {
                for (node, interface, port) in scenario.world.nodePorts {
                    interfacePaths[port] = directory + "/trace-\(node)-\(interface).pcap"
                }
            }
            do {
                let filter = try scenario.output.filter.map { expression throws(PcapError) in try BPFFilter(expression)
                }
                trace = try PcapTrace(
                    segmentPath: scenario.output.pcap.map { directory + "/" + $0 },
                    interfacePaths: interfacePaths, filter: filter)
            } catch {
                throw OutputError(description: "cannot write captures: \(error)")
            }
        }

        let world = ScenarioWorld.build(scenario, trace: trace)
        let end = SimTime.zero + scenario.duration
        world.run(until: end)
        trace?.close()

        let results = scenario.expectations.map { ExpectationChecker.check($0, world: world, runEnd: end) }
        let invariants = world.checkInvariants()
        let json = ReportBuilder.json(scenario, world: world, results: results, invariants: invariants, runEnd: end)
        var report = RunReport(
            scenario: scenario, results: results, invariants: invariants, json: json,
            humanView: HumanView.lines(scenario, world: world),
            framesOnSegment: world.recorder.framesOnSegment, events: world.eventCount, files: [],
            timeline: TimelineChart(scenario, world: world, runEnd: end))

        // Everything ran: now, and only now, replace earlier outputs.
        var moves = trace?.files ?? []
        let reportPath = output.reportPath ?? output.directory.map { $0 + "/report.json" }
        if let reportPath {
            moves.append(try OutputFile.writePartial(Data(json.serialized().utf8), for: reportPath, what: "report"))
        }
        if let directory = output.directory {
            let svg = Data(TimelineSVG.render(report.timeline).utf8)
            moves.append(try OutputFile.writePartial(svg, for: directory + "/timeline.svg", what: "timeline"))
        }
        for (temporary, final) in moves {
            try OutputFile.move(temporary, to: final)
            finalFiles.append(final)
        }
        report.files = finalFiles
        return report
    }
}
