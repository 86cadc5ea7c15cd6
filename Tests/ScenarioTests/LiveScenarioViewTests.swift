import Foundation
import Layer2
import Speaker
import TestSupport
import Testing
import Wire

@testable import Scenario

/// What `sim live --scenario FILE --node NAME` hands the real speaker process: node NAME's
/// speaker configuration, and the services as the settled simulated cluster lists them.
@Suite("LiveScenarioView: a scenario's static API view for one node's speaker")
struct LiveScenarioViewTests {
    static func seed() throws -> Scenario {
        try ScenarioLoader(files: RecordingDisk()).load("Scenarios/seed-nginx-migration.yaml")
    }

    @Test(
        "the seed cluster: worker-2's speaker gets the nginx service with the address MetalLB's controller allocated and the pod's node as its only endpoint"
    )
    func seedView() throws {
        let view = try LiveScenarioView.of(try Self.seed(), node: "worker-2")
        #expect(view.configuration.node == "worker-2")
        #expect(view.configuration.address == IPv4Address(10, 200, 200, 12))
        #expect(view.configuration.rules == .v0_9_4)
        #expect(
            view.configuration.speakerAddresses.map(\.description)
                == ["10.200.200.10", "10.200.200.11", "10.200.200.12", "10.200.200.13"])
        let nginx = try #require(view.services.first { $0.0 == "default/nginx" }?.1)
        #expect(nginx.ingress == [.v4(IPv4Address(10, 200, 200, 120))])
        #expect(nginx.readyEndpointNodes == ["worker-1"])
        #expect(nginx.poolProtocol == .layer2)
    }

    @Test("a node the scenario does not have is refused, naming the nodes it has")
    func unknownNode() throws {
        let scenario = try Self.seed()
        let error = #expect(throws: LiveScenarioView.NoSuchNode.self) {
            try LiveScenarioView.of(scenario, node: "worker-9")
        }
        #expect(error?.description.contains("no node worker-9") == true)
        #expect(error?.description.contains(":1:1") == false, "no invented location")
        #expect(error?.description.contains("master, worker-1, worker-2, worker-3") == true)
    }
}
