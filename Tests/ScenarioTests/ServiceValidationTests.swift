import Testing

@testable import Scenario

/// Services are validated as the API server validates them, so a manifest kubectl would
/// reject is rejected here too, at the offending field (pkg/apis/core/validation
/// ValidateService; the node port allocator).
@Suite("Services validated as the API server does")
struct ServiceValidationTests {
    static func load(_ services: String) throws(ScenarioError) -> Scenario {
        let text = """
            name: services
            duration: 1s
            metallb: {version: current}
            nodes:
              - {name: node-a, mac: "02:00:00:00:00:0a", ip: 192.0.2.11}
            manifests:
              - file: services.yaml
            """
        return try ScenarioLoader(files: MemoryFiles(["lab/s.yaml": text, "lab/services.yaml": services]))
            .load("lab/s.yaml")
    }

    static func service(_ name: String, _ spec: String) -> String {
        "apiVersion: v1\nkind: Service\nmetadata: {name: \(name)}\nspec: \(spec)\n---\n"
    }

    @Test(
        "each invalid Service is refused with the API server's reason, at the offending value",
        arguments: [
            ("{type: LoadBalancer, selector: {app: a}}", "spec.ports: Required value", "4:7"),
            ("{type: LoadBalancer, ports: [{port: 80, targetPort: 70000}]}", "must be between 1 and 65535", "4:59"),
            ("{type: LoadBalancer, ports: [{port: 80, targetPort: Http}]}", "Invalid value: \"Http\"", "4:59"),
            ("{type: LoadBalancer, ports: [{port: 80, targetPort: web-}]}", "Invalid value: \"web-\"", "4:59"),
            (
                "{type: NodePort, ports: [{port: 80, nodePort: 8080}]}", "The range of valid ports is 30000-32767",
                "4:53"
            ),
            (
                "{type: NodePort, ports: [{port: 80, nodePort: 30080}, {port: 81, nodePort: 30080}]}",
                "nodePort: Duplicate value: 30080", "4:82"
            ),
            (
                "{type: LoadBalancer, clusterIP: None, ports: [{port: 80}]}",
                "may not be set to 'None' for LoadBalancer", "4:39"
            ),
        ])
    func refused(spec: String, message: String, at position: String) {
        #expect {
            try Self.load(Self.service("s", spec))
        } throws: { error in
            let text = "\(error)"
            return text.contains(message) && text.hasPrefix("lab/services.yaml:\(position):")
        }
    }

    @Test("a node port already allocated to another Service is refused; a freed one may be reused")
    func nodePortsAreClusterWide() throws {
        #expect {
            try Self.load(
                Self.service("a", "{type: NodePort, ports: [{port: 80, nodePort: 30080}]}")
                    + Self.service("b", "{type: NodePort, ports: [{port: 81, nodePort: 30080}]}"))
        } throws: { error in
            "\(error)".contains("provided port is already allocated (to default/a)")
        }
    }

    @Test("a headless Service needs no ports and shows None; drawn node ports never repeat")
    func headlessAndDrawnPorts() throws {
        let scenario = try Self.load(
            Self.service("headless", "{clusterIP: None, selector: {app: a}}")
                + Self.service("fixed", "{type: NodePort, ports: [{port: 80, nodePort: 30000}]}")
                + Self.service("drawn", "{type: NodePort, ports: [{port: 80}, {port: 81}, {port: 82}]}"))
        let world = ScenarioWorld.build(scenario, trace: nil)
        world.run(until: .zero)
        #expect(world.cluster.services["default/headless"]?.clusterIP == "None")
        let nodePorts = world.cluster.services.values.flatMap { $0.ports.compactMap(\.nodePort) }
        #expect(nodePorts.count == 4 && Set(nodePorts).count == 4)
    }
}
