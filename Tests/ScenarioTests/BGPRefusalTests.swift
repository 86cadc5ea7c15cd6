import Testing

@testable import Scenario

/// current MetalLB's BGP objects are refused where they are written: a pool they advertise
/// would hold addresses that nothing here announces.
@Suite("BGP objects are refused, not skipped")
struct BGPRefusalTests {
    @Test(arguments: ["BGPPeer", "BGPAdvertisement"])
    func refused(kind: String) throws {
        let scenario = """
            name: bgp
            duration: 10s
            metallb: {version: current}
            nodes:
              - {name: node-a, mac: "02:00:00:00:00:0a", ip: 192.0.2.11}
            manifests:
              - apiVersion: metallb.io/v1beta2
                kind: \(kind)
                metadata: {name: upstream, namespace: metallb-system}
                spec: {}
            """
        let error = #expect(throws: ScenarioError.self) {
            try ScenarioLoader(files: MemoryFiles(["lab/s.yaml": scenario])).load("lab/s.yaml")
        }
        #expect(error?.description.contains("lab/s.yaml:7:") == true, "\(String(describing: error))")
        #expect(
            error?.description.contains("\(kind): BGP mode is not simulated yet") == true,
            "\(String(describing: error))")
    }
}
