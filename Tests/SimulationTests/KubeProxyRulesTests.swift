import Cluster
import Testing
import Wire

@testable import Simulation

/// kube-proxy's lookup, as the simulated nodes make it for every SYN: the LoadBalancer service
/// that owns the destination address and exposes the port and protocol, either family, and
/// its Ready endpoints; and nothing stale after the objects change.
@Suite("KubeProxyRules")
struct KubeProxyRulesTests {
    static func cluster(ingress: [IPAddress]) -> ClusterState {
        var cluster = ClusterState()
        let selector = LabelSelector(["app": "web"])
        var loadBalancer = Service(
            meta: ObjectMeta(name: "nginx"), type: .loadBalancer,
            ports: [ServicePort(port: 80)], selector: selector)
        loadBalancer.ingress = ingress
        // The same address on a ClusterIP service is no LoadBalancer rule.
        var clusterOnly = Service(
            meta: ObjectMeta(name: "internal"), type: .clusterIP,
            ports: [ServicePort(port: 81)], selector: selector)
        clusterOnly.ingress = ingress
        cluster.services[loadBalancer.key] = loadBalancer
        cluster.services[clusterOnly.key] = clusterOnly
        for (index, ready) in [true, false, true].enumerated() {
            let pod = Pod(
                meta: ObjectMeta(name: "web-\(index)", labels: ["app": "web"]), nodeName: "node-\(index)", ready: ready)
            cluster.pods[pod.key] = pod
        }
        return cluster
    }

    @Test func findsTheServiceByAddressPortAndProtocolInBothFamilies() {
        let v4 = IPAddress("10.200.200.120")!
        let v6 = IPAddress("2001:db8::120")!
        let cluster = Self.cluster(ingress: [v4, v6])
        var rules = KubeProxyRules()
        for address in [v4, v6] {
            #expect(rules.service(forIngress: address, port: 80, protocol: "TCP", in: cluster)?.key == "default/nginx")
            #expect(rules.service(forIngress: address, port: 80, protocol: "UDP", in: cluster) == nil)
            #expect(rules.service(forIngress: address, port: 81, protocol: "TCP", in: cluster) == nil)
        }
        #expect(rules.service(forIngress: IPAddress("10.200.200.121")!, port: 80, protocol: "TCP", in: cluster) == nil)
    }

    @Test func endpointsAreTheReadyPodsInPodOrderAndLocalOnesByNode() {
        let cluster = Self.cluster(ingress: [IPAddress("10.200.200.120")!])
        var rules = KubeProxyRules()
        let service = cluster.services["default/nginx"]!
        #expect(
            rules.readyEndpoints(of: service, onNode: nil, in: cluster, fromSlices: true).map(\.meta.name) == [
                "web-0", "web-2",
            ])
        #expect(
            rules.readyEndpoints(of: service, onNode: "node-2", in: cluster, fromSlices: true).map(\.meta.name) == [
                "web-2"
            ])
        #expect(rules.readyEndpoints(of: service, onNode: "node-1", in: cluster, fromSlices: true).isEmpty)
    }

    @Test func invalidationForgetsWhatChanged() {
        var cluster = Self.cluster(ingress: [IPAddress("10.200.200.120")!])
        var rules = KubeProxyRules()
        let service = cluster.services["default/nginx"]!
        #expect(rules.readyEndpoints(of: service, onNode: nil, in: cluster, fromSlices: true).count == 2)
        cluster.pods["default/web-1"]?.ready = true
        cluster.services["default/nginx"]?.ingress = [IPAddress("10.200.200.121")!]
        rules.invalidate()
        #expect(rules.readyEndpoints(of: service, onNode: nil, in: cluster, fromSlices: true).count == 3)
        #expect(rules.service(forIngress: IPAddress("10.200.200.120")!, port: 80, protocol: "TCP", in: cluster) == nil)
        #expect(rules.service(forIngress: IPAddress("10.200.200.121")!, port: 80, protocol: "TCP", in: cluster) != nil)
    }
}
