import ArgumentParser
import Engine
import Foundation
import Scenario
import Simulation

/// `sim bench`: the shared L2 ARP-failover workload at several sizes, timed.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time the shared L2 ARP-failover workload (see shared/bench-peers), or a large cluster.",
        discussion: """
            Build with -c release for meaningful numbers: swift run -c release sim bench.

            --workload arp (default): the peers' workload at N = 10, 100, 1000 hosts. Prints, per N \
            and with and without the pcap trace, the wall time of the event loop (median of --repeat \
            runs), events per second, frames delivered per second, peak resident memory, and the \
            client's switch time (when it first saw the new owner's MAC), which must be 32.000001012 s.

            --workload cluster: N = 50, 100, 200 nodes running memberlist at packet level, 1000 \
            services (--services) backed by two-replica Deployments, 600 s simulated with a tenth of \
            the workers powered off at 300 s. Prints wall time, events per second, peak memory and \
            how the affected services failed over.
            """)

    enum Workload: String, ExpressibleByArgument { case arp, cluster }

    @Option(help: "Which workload: arp (the peers' workload) or cluster.")
    var workload: Workload = .arp

    @Option(name: .customLong("n"), parsing: .upToNextOption, help: "Host counts (arp) or node counts (cluster).")
    var sizes: [Int] = []

    @Option(help: "Services in the cluster workload.")
    var services: Int = 1000

    @Option(help: "Simulated time of the cluster workload, in seconds.")
    var seconds: Int = 600

    @Option(help: "Cluster workload: write each size's segment trace (lbsim-cluster-N.pcap) into this folder.")
    var clusterTrace: String?

    @Option(help: "Runs per configuration; the median is printed.")
    var `repeat`: Int = 3

    @Option(help: "Folder for the trace files of the runs with trace on.")
    var traceDir: String = NSTemporaryDirectory()

    func validate() throws {
        if sizes.contains(where: { $0 < (workload == .arp ? 3 : 4) }) {
            throw ValidationError("--n values must be at least \(workload == .arp ? 3 : 4)")
        }
        if `repeat` < 1 { throw ValidationError("--repeat must be at least 1") }
        if services < 1 || services > 4000 {
            throw ValidationError("--services must be between 1 and 4000 (the pool is a /20)")
        }
        if seconds < 1 { throw ValidationError("--seconds must be at least 1") }
    }

    func run() throws {
        switch workload {
        case .arp: try runARP(sizes: sizes.isEmpty ? [10, 100, 1000] : sizes)
        case .cluster:
            try ClusterBench(
                sizes: sizes.isEmpty ? [50, 100, 200] : sizes, services: services,
                duration: .seconds(Int64(seconds)), repeats: `repeat`, traceDir: clusterTrace
            ).run()
        }
    }

    private func runARP(sizes: [Int]) throws {
        print("N      trace  run_s     events     events/s     frames  deliveries  deliveries/s  peak_MiB  switch_s")
        for hosts in sizes {
            for withTrace in [false, true] {
                var samples: [Sample] = []
                for _ in 0..<`repeat` { samples.append(try measure(hosts: hosts, trace: withTrace)) }
                let median = samples.sorted { $0.seconds < $1.seconds }[samples.count / 2]
                print(
                    String(
                        format: "%-6d %@ %-9.3f %-10llu %-12.0f %-7llu %-11llu %-13.0f %-9.1f %@",
                        hosts, withTrace ? "on    " : "off   ", median.seconds, median.events,
                        Double(median.events) / median.seconds, median.frames, median.deliveries,
                        Double(median.deliveries) / median.seconds, peakMiB(), median.switchTime))
            }
        }
    }

    struct Sample {
        var seconds: Double
        var events: UInt64
        var frames: UInt64
        var deliveries: UInt64
        var switchTime: String
    }

    private func measure(hosts: Int, trace withTrace: Bool) throws -> Sample {
        var trace: PcapTrace?
        let path = traceDir + "/lbsim-bench-\(hosts).pcap"
        if withTrace { trace = try PcapTrace(segmentPath: path, interfacePaths: [:], filter: nil) }
        let world = BenchWorkload.world(hosts: hosts, trace: trace)
        let started = DispatchTime.now().uptimeNanoseconds
        world.run(until: .zero + world.config.duration)
        trace?.close()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        try trace?.commit()
        let switchTime = world.recorder.arping.first { $0.time > .seconds(30) }?.time.secondsText ?? "never"
        return Sample(
            seconds: seconds, events: world.eventCount, frames: world.recorder.framesOnSegment,
            deliveries: world.recorder.framesDelivered, switchTime: switchTime)
    }

}

/// The process's peak resident memory so far, in MiB.
func peakMiB() -> Double {
    var usage = rusage()
    getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_maxrss) / 1024  // Linux reports KiB
}
