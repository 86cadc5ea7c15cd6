import Engine
import Foundation
import Scenario
import Simulation
import Wire

/// `sim bench --workload cluster`: the large-cluster speaker benchmark, at several sizes.
struct ClusterBench {
    var sizes: [Int]
    var services: Int
    var duration: SimDuration
    var repeats: Int
    /// Writes the segment trace of the last run of each size here, when set.
    var traceDir: String?

    func run() throws {
        print(
            "nodes  services  sim_s  build_s  run_s    events     events/s    frames     peak_MiB  failed_over  max_failover_s"
        )
        for nodes in sizes {
            var samples: [Sample] = []
            for _ in 0..<repeats { samples.append(try measure(nodes: nodes)) }
            let median = samples.sorted { $0.seconds < $1.seconds }[samples.count / 2]
            print(
                String(
                    format: "%-6d %-9d %-6.0f %-8.3f %-8.3f %-10llu %-11.0f %-10llu %-9.1f %-12@ %@",
                    nodes, services, Double(duration.nanoseconds) / 1e9, median.build, median.seconds, median.events,
                    Double(median.events) / median.seconds, median.frames, peakMiB(),
                    "\(median.failedOver)/\(median.affected)", median.maxFailover))
        }
    }

    struct Sample {
        var build: Double
        var seconds: Double
        var events: UInt64
        var frames: UInt64
        var affected: Int
        var failedOver: Int
        var maxFailover: String
    }

    private func measure(nodes: Int) throws -> Sample {
        let built = DispatchTime.now().uptimeNanoseconds
        let trace = try traceDir.map {
            try PcapTrace(segmentPath: $0 + "/lbsim-cluster-\(nodes).pcap", interfacePaths: [:], filter: nil)
        }
        let world = ClusterBenchWorkload.world(nodes: nodes, services: services, duration: duration, trace: trace)
        let started = DispatchTime.now().uptimeNanoseconds
        world.run(until: .zero + duration)
        let finished = DispatchTime.now().uptimeNanoseconds
        trace?.close()
        try trace?.commit()
        // Services whose announcer powered off, and when each got a new one.
        let failure = ClusterBenchWorkload.failureAt
        var affected = 0
        var failedOver = 0
        var longest: SimDuration?
        let records = world.recorder.announcements
        var owners: [IPAddress: Set<String>] = [:]
        var index = 0
        while index < records.count && records[index].time < failure {
            let record = records[index]
            if record.action == .start {
                owners[record.ip, default: []].insert(record.node)
            } else {
                owners[record.ip]?.remove(record.node)
            }
            index += 1
        }
        let dead = Set(world.nodes.filter { !$0.powered }.map(\.name))
        for (ip, current) in owners where !current.isDisjoint(with: dead) {
            affected += 1
            if let next = records[index...].first(where: {
                $0.ip == ip && $0.action == .start && !dead.contains($0.node)
            }) {
                failedOver += 1
                let took = next.time - failure
                if longest == nil || took > longest! { longest = took }
            }
        }
        return Sample(
            build: Double(started - built) / 1e9, seconds: Double(finished - started) / 1e9,
            events: world.eventCount, frames: world.recorder.framesOnSegment,
            affected: affected, failedOver: failedOver,
            maxFailover: longest.map { $0.secondsText } ?? "-")
    }
}
