import Engine
import Simulation
import Testing

@testable import Scenario

/// Nodes carry the labels the kubelet and kubeadm give them, so published manifests'
/// selectors match as on a real cluster (ingress-nginx's and MetalLB's controller Deployments
/// select `kubernetes.io/os: linux`).
@Suite("Nodes carry the kubelet's standard labels")
struct StandardNodeLabelTests {
    static func world(nodeSelector: String) throws -> World {
        let text = """
            name: selector
            duration: 10s
            metallb: {version: current}
            nodes:
              - {name: cp, mac: "02:00:00:00:00:01", ip: 192.0.2.10, roles: [control-plane]}
              - {name: node-a, mac: "02:00:00:00:00:0a", ip: 192.0.2.11}
            manifests:
              - apiVersion: metallb.io/v1beta1
                kind: IPAddressPool
                metadata: {name: p, namespace: metallb-system}
                spec: {addresses: [192.0.2.200/32]}
              - apiVersion: metallb.io/v1beta1
                kind: L2Advertisement
                metadata: {name: p, namespace: metallb-system}
              - apiVersion: apps/v1
                kind: Deployment
                metadata: {name: controller, namespace: default}
                spec:
                  replicas: 1
                  selector: {matchLabels: {app: c}}
                  template:
                    metadata: {labels: {app: c}}
                    spec:
                      nodeSelector: \(nodeSelector)
                      containers: [{name: c, image: c, ports: [{containerPort: 80}]}]
              - apiVersion: v1
                kind: Service
                metadata: {name: c, namespace: default}
                spec: {type: LoadBalancer, selector: {app: c}, ports: [{port: 80, targetPort: 80}]}
            """
        return try runLabScenario(text, until: .seconds(5))
    }

    @Test(
        "a Deployment selecting kubernetes.io/os: linux is scheduled and its service announced (kubelet_node_status.go initialNode)"
    )
    func osSelectorMatches() throws {
        let world = try Self.world(nodeSelector: "{kubernetes.io/os: linux}")
        #expect(world.cluster.pods.values.map(\.nodeName) == ["node-a"])
        #expect(world.recorder.announcements.contains { $0.action == .start })
    }

    @Test("kubeadm's empty control-plane role label is there, and arch is amd64")
    func roleAndArchLabels() throws {
        let world = try Self.world(nodeSelector: "{kubernetes.io/arch: amd64}")
        #expect(world.cluster.nodes["cp"]?.meta.labels["node-role.kubernetes.io/control-plane"] == "")
        #expect(world.cluster.nodes["node-a"]?.meta.labels["node-role.kubernetes.io/control-plane"] == nil)
        #expect(world.cluster.pods.values.map(\.nodeName) == ["node-a"])
    }

    @Test("a selector no node matches still leaves the pod Pending and nothing announced")
    func unmatchedSelector() throws {
        let world = try Self.world(nodeSelector: "{kubernetes.io/os: windows}")
        #expect(world.cluster.pods.values.allSatisfy { $0.nodeName == nil })
        #expect(!world.recorder.announcements.contains { $0.action == .start })
    }
}
