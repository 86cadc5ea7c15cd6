import Engine
import Simulation
import Testing

@testable import Scenario

/// `spec.loadBalancerClass` hands a Service to another implementation: current MetalLB leaves
/// it alone entirely (internal/k8s/controllers/service_controller.go,
/// `filterByLoadBalancerClass`, with `--lb-class` unset), while v0.9.4, which predates the
/// field, allocates and announces as for any LoadBalancer Service.
@Suite("Services of another loadBalancerClass")
struct LoadBalancerClassTests {
    static func world(version: String, serviceClass: String?) throws -> World {
        let pool =
            version == "current"
            ? """
              - apiVersion: metallb.io/v1beta1
                kind: IPAddressPool
                metadata: {name: p, namespace: metallb-system}
                spec: {addresses: [192.0.2.200/32]}
              - apiVersion: metallb.io/v1beta1
                kind: L2Advertisement
                metadata: {name: p, namespace: metallb-system}
            """
            : """
              - apiVersion: v1
                kind: ConfigMap
                metadata: {name: config, namespace: metallb-system}
                data:
                  config: |
                    address-pools:
                    - {name: p, protocol: layer2, addresses: [192.0.2.200/32]}
            """
        let classLine = serviceClass.map { ", loadBalancerClass: \($0)" } ?? ""
        let text = """
            name: class
            duration: 10s
            metallb: {version: \(version)}
            nodes:
              - {name: node-a, mac: "02:00:00:00:00:0a", ip: 192.0.2.11}
            manifests:
            \(pool)
              - apiVersion: v1
                kind: Pod
                metadata: {name: web, labels: {app: web}}
                spec: {nodeName: node-a, containers: [{name: web, image: nginx}]}
              - apiVersion: v1
                kind: Service
                metadata: {name: web}
                spec: {type: LoadBalancer, selector: {app: web}, ports: [{port: 80}]\(classLine)}
            """
        return try runLabScenario(text, until: .seconds(5))
    }

    @Test(
        "which versions allocate and announce a Service of another class",
        arguments: [
            ("current", nil, true), ("current", "example.com/other", false), ("v0.9.4", "example.com/other", true),
        ] as [(String, String?, Bool)])
    func handled(version: String, serviceClass: String?, handled: Bool) throws {
        let world = try Self.world(version: version, serviceClass: serviceClass)
        #expect(world.cluster.services["default/web"]?.ingress.isEmpty == !handled)
        #expect(world.recorder.announcements.contains { $0.action == .start } == handled)
        // Another implementation's Service gets no MetalLB event either (not even AllocationFailed).
        #expect((world.cluster.events["default/web"] ?? []).isEmpty == !handled)
    }
}
