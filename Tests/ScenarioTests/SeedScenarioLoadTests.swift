import Foundation
import TestSupport
import Testing

@testable import Scenario

/// A FileSource over the repository that records which files were read.
final class RecordingDisk: FileSource, @unchecked Sendable {
    private let lock = NSLock()
    private var paths: [String] = []

    var read: [String] { lock.withLock { paths } }

    func read(_ path: String) -> String? {
        lock.withLock { paths.append(path) }
        return FileManager.default.contents(atPath: Repository.root.appendingPathComponent(path).path)
            .map { String(decoding: $0, as: UTF8.self) }
    }

    func list(_ path: String) -> [String]? { nil }
}

@Suite("The seed scenario loads")
struct SeedScenarioLoadTests {
    static func checkSeed(_ scenario: Scenario) throws {
        #expect(scenario.version.rawValue == "v0.9.4")
        #expect(scenario.seed == 1)
        #expect(scenario.world.nodes.map(\.name) == ["master", "worker-1", "worker-2", "worker-3"])
        #expect(
            scenario.world.nodes.map(\.mac.description)
                == ["00:50:56:00:3b:10", "00:50:56:00:3b:6f", "00:50:56:00:3b:70", "00:50:56:00:3b:71"])
        #expect(
            scenario.world.nodes.map(\.ip.description) == [
                "10.200.200.10", "10.200.200.11", "10.200.200.12", "10.200.200.13",
            ])
        #expect(scenario.world.nodes[0].roles == ["control-plane"])
        #expect(scenario.world.clients.count == 1)
        let client = try #require(scenario.world.clients.first)
        #expect(
            client.name == "outside" && client.mac.description == "00:50:56:00:3b:99"
                && client.ip.description == "10.200.200.50")
        #expect(client.probe?.target.description == "10.200.200.120" && client.probe?.port == 8080)
        #expect(client.probe?.every.nanoseconds == 100_000_000)
        #expect(scenario.world.interfaceName == "ens192")

        var pools: [(name: String, cidrs: [String])] = []
        var services: [String] = []
        var pods: [(String, String?)] = []
        for located in scenario.manifests {
            switch located.object {
            case .metalLBConfigMap(let list): pools += list.map { ($0.pool.name, $0.pool.cidrs.map(\.description)) }
            case .service(let service): services.append(service.key)
            case .pod(let pod): pods.append((pod.key, pod.nodeName))
            default: break
            }
        }
        #expect(pools.count == 1)
        #expect(pools.first?.name == "default")
        #expect(
            pools.first?.cidrs == ["10.200.200.120/31", "10.200.200.122/32"],
            "v0.9.4 summarises 10.200.200.120-10.200.200.122 into CIDRs")
        #expect(services == ["default/nginx"])
        #expect(pods.map(\.0) == ["default/nginx"] && pods.first?.1 == "worker-1")

        let move = try #require(scenario.timeline.first { if case .movePod = $0.action { true } else { false } })
        #expect(move.at.nanoseconds == 20_000_000_000)
        if case .movePod(let pod, let to) = move.action { #expect(pod == "nginx" && to == "worker-3") }
        #expect(!scenario.expectations.isEmpty)
        #expect(scenario.output.pcap == "trace.pcap" && scenario.output.perNode)
        #expect(scenario.warnings.isEmpty, "\(scenario.warnings)")
    }

    @Test("BuiltInScenario.load(): 4 nodes, 1 client, the v0.9.4 pool as 10.200.200.120/31 and .122/32")
    func builtIn() throws {
        let scenario = try BuiltInScenario.load()
        #expect(scenario.file == "Scenarios/seed-nginx-migration.yaml")
        try Self.checkSeed(scenario)
    }

    @Test("the same from MemoryFiles holding the files on disk")
    func fromDiskTexts() throws {
        let seed = "Scenarios/seed-nginx-migration.yaml"
        let files = [
            seed: try Repository.text(seed),
            "Fixtures/manifests/metallb-v0.9.4-config.yaml": try Repository.text(
                "Fixtures/manifests/metallb-v0.9.4-config.yaml"),
            "Fixtures/manifests/nginx-service.yaml": try Repository.text("Fixtures/manifests/nginx-service.yaml"),
        ]
        try Self.checkSeed(try ScenarioLoader(files: MemoryFiles(files)).load(seed))
    }
}

@Suite("BuiltInScenario")
struct BuiltInScenarioTests {
    @Test("its files are byte for byte the files in Scenarios/ and Fixtures/manifests/")
    func filesMatchDisk() throws {
        for (path, text) in BuiltInScenario.files.sorted(by: { $0.key < $1.key }) {
            let disk = try Repository.data(path)
            let compiled = Data(text.utf8)
            if disk != compiled {
                let firstDifference = zip(disk, compiled).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                Issue.record(
                    """
                    BuiltInScenario.files[\"\(path)\"] differs from \(path) on disk: \(compiled.count) bytes compiled in, \
                    \(disk.count) on disk, first difference at byte \(firstDifference.map(String.init) ?? "\(min(disk.count, compiled.count)) (one is a prefix of the other)")
                    """)
            }
        }
    }

    @Test("it holds exactly the files the seed scenario reads")
    func holdsWhatTheSeedReads() throws {
        let disk = RecordingDisk()
        _ = try ScenarioLoader(files: disk).load(BuiltInScenario.path)
        #expect(Set(disk.read) == Set(BuiltInScenario.files.keys))
    }
}
