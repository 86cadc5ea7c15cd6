import Foundation
import Scenario
import TestSupport
import Testing

/// `sim inspect --json` output, as the tests read it.
struct InspectDocument {
    var json: [String: Any]

    /// Runs `sim inspect --json FILE` in `directory`; requires exit status 0.
    static func of(_ file: URL, in directory: URL, extra: [String] = []) throws -> InspectDocument {
        let result = try Sim.run(["inspect", "--json", file.path] + extra, in: directory)
        guard result.status == 0 else { throw HarnessError("sim inspect should exit 0: \(result)") }
        return try InspectDocument(parsing: result.stdout)
    }

    init(parsing text: String) throws {
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw HarnessError("sim inspect --json did not print a JSON object:\n\(text)")
        }
        json = object
    }

    var addresses: [[String: Any]] { json["addresses"] as? [[String: Any]] ?? [] }
    var frames: [String: Any] { json["frames"] as? [String: Any] ?? [:] }

    /// The untagged history of `ip`.
    func address(_ ip: String) -> [String: Any]? {
        addresses.first { $0["ip"] as? String == ip && ($0["vlans"] as? [Any])?.isEmpty == true }
    }

    /// Runs of claims of `ip`: MAC, first and last claim in nanoseconds.
    func runs(of ip: String) throws -> [(mac: String, from: Int64, to: Int64)] {
        let list = try #require(
            address(ip)?["claims"] as? [[String: Any]], "no claims for \(ip) in sim inspect's output")
        return try list.map { run in
            (
                try #require(run["mac"] as? String), try #require(nanoseconds(fromJSONSeconds: run["from"])),
                try #require(nanoseconds(fromJSONSeconds: run["to"]))
            )
        }
    }

    func conflicts(of ip: String) -> [[String: Any]] { address(ip)?["conflicts"] as? [[String: Any]] ?? [] }
}

/// Every MAC of every node of a scenario file, by MAC: the primary interface's and any
/// further NIC's, read with the scenario loader the way `sim run` reads them.
func nodeNamesByMAC(scenario path: String) throws -> [String: String] {
    let scenario = try ScenarioLoader().load(path)
    var names: [String: String] = [:]
    for node in scenario.world.nodes {
        names[node.mac.description] = node.name
        for interface in node.extraInterfaces { names[interface.mac.description] = node.name }
    }
    return names
}
