import Engine
import Layer2
import Simulation
import TestSupport
import Testing
import Wire

@testable import Scenario

/// current's controller compares a Service's addresses with the requested ones through
/// `isEqualIPs` (controller/service.go), which sorts both lists by their text in place; the
/// status is then written in that order, on the reconcile that follows the controller's own
/// status update. For a dual-stack service that can put the IPv6 address first, and the
/// first address is the election's key.
@Suite("current: requested addresses end up in text order in the status")
struct IngressOrderTests {
    static func scenario(annotation: String) -> String {
        """
        name: ingress order
        duration: 5s
        metallb: {version: current, memberlist: lan}
        nodes:
          - {name: node-a, mac: "02:00:00:00:00:0a", ip: 203.0.113.1}
          - {name: node-b, mac: "02:00:00:00:00:0b", ip: 203.0.113.2}
          - {name: node-c, mac: "02:00:00:00:00:0c", ip: 203.0.113.3}
        manifests:
          - apiVersion: metallb.io/v1beta1
            kind: IPAddressPool
            metadata: {name: dual, namespace: metallb-system}
            spec: {addresses: [203.0.113.10/32, "2001:db8::10/128"]}
          - apiVersion: metallb.io/v1beta1
            kind: L2Advertisement
            metadata: {name: all, namespace: metallb-system}
          - apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              replicas: 3
              selector: {matchLabels: {app: web}}
              template: {metadata: {labels: {app: web}}, spec: {containers: [{name: web, image: nginx}]}}
          - apiVersion: v1
            kind: Service
            metadata:
              name: web
              annotations: {metallb.io/loadBalancerIPs: "\(annotation)"}
            spec: {type: LoadBalancer, ipFamilyPolicy: RequireDualStack, ipFamilies: [IPv4, IPv6],
                   selector: {app: web}, ports: [{port: 80}]}
        """
    }

    @Test("\"203.0.113.10,2001:db8::10\" is written back as 2001:db8::10 first, which keys the election")
    func textOrderWins() throws {
        let world = try runLabScenario(Self.scenario(annotation: "203.0.113.10,2001:db8::10"), until: .seconds(5))
        let v4 = IPAddress("203.0.113.10")!
        let v6 = IPAddress("2001:db8::10")!
        #expect(world.cluster.services["default/web"]?.ingress == [v6, v4])
        let winner = Election.order(candidates: ["node-a", "node-b", "node-c"], key: v6.description).first!
        #expect(world.recorder.announcers(of: v4, at: .seconds(5)) == [winner])
        #expect(world.recorder.announcers(of: v6, at: .seconds(5)) == [winner])
    }

    @Test("without requested addresses the allocation's order stays")
    func allocationOrderStays() throws {
        var text = Self.scenario(annotation: "")
        text = try replacingOnce(text, "      annotations: {metallb.io/loadBalancerIPs: \"\"}\n", "")
        let world = try runLabScenario(text, until: .seconds(5))
        #expect(
            world.cluster.services["default/web"]?.ingress == [IPAddress("203.0.113.10")!, IPAddress("2001:db8::10")!])
    }
}
