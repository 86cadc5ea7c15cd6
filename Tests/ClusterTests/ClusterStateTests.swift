import Testing
import Wire

@testable import Cluster

/// Endpoints as the v0.9.4 speaker sees them (METALLB-SEMANTICS.md section 2): the nodes
/// holding a Ready pod that the service selects. Kubernetes only puts pods of the service's
/// own namespace into its Endpoints, and only Ready ones into `addresses`.
@Suite("ClusterState endpoints")
struct ClusterStateTests {
    static func threeNodeCluster() -> ClusterState {
        var cluster = ClusterState()
        for name in ["node1", "node2", "node3"] { cluster.add(node(name)) }
        return cluster
    }

    @Test("nodes with Ready selected pods come back in node order, not pod order")
    func nodeOrder() {
        var cluster = Self.threeNodeCluster()
        cluster.add(pod("web-3", on: "node3"))
        cluster.add(pod("web-1", on: "node1"))
        #expect(cluster.nodesWithReadyEndpoints(of: service("nginx")) == ["node1", "node3"])
    }

    @Test("not-ready pods are not endpoints")
    func notReadyIgnored() {
        var cluster = Self.threeNodeCluster()
        cluster.add(pod("web-1", on: "node1"))
        cluster.add(pod("web-2", on: "node2", ready: false))
        #expect(cluster.nodesWithReadyEndpoints(of: service("nginx")) == ["node1"])
        #expect(cluster.readyEndpoints(of: service("nginx")).map(\.meta.name) == ["web-1"])
    }

    @Test("pods in another namespace are ignored, even with matching labels")
    func otherNamespaceIgnored() {
        var cluster = Self.threeNodeCluster()
        cluster.add(pod("web-2", on: "node2", namespace: "staging"))
        cluster.add(pod("web-3", on: "node3"))
        #expect(cluster.nodesWithReadyEndpoints(of: service("nginx")) == ["node3"])
        #expect(cluster.nodesWithReadyEndpoints(of: service("nginx", namespace: "staging")) == ["node2"])
    }

    @Test("pods the selector does not match are ignored")
    func unselectedIgnored() {
        var cluster = Self.threeNodeCluster()
        cluster.add(pod("db-1", on: "node1", labels: ["app": "db"]))
        cluster.add(pod("web-2", on: "node2"))
        #expect(cluster.nodesWithReadyEndpoints(of: service("nginx")) == ["node2"])
    }

    @Test("a node with several endpoints is listed once")
    func nodeListedOnce() {
        var cluster = Self.threeNodeCluster()
        cluster.add(pod("web-a", on: "node2"))
        cluster.add(pod("web-b", on: "node2"))
        cluster.add(pod("web-c", on: "node1"))
        #expect(cluster.nodesWithReadyEndpoints(of: service("nginx")) == ["node1", "node2"])
    }

    @Test("an unscheduled pod is no endpoint")
    func unscheduledIgnored() {
        var cluster = Self.threeNodeCluster()
        cluster.add(pod("web-pending", on: nil))
        #expect(cluster.nodesWithReadyEndpoints(of: service("nginx")) == [])
        #expect(!cluster.readyEndpoints(of: service("nginx")).contains { $0.nodeName == "node1" })
    }

    @Test("a service with an empty selector has no endpoints")
    func emptySelectorNoEndpoints() {
        var cluster = Self.threeNodeCluster()
        cluster.add(pod("web-1", on: "node1"))
        #expect(cluster.nodesWithReadyEndpoints(of: service("headless", selector: [:])) == [])
        #expect(cluster.readyEndpoints(of: service("headless", selector: [:])).isEmpty)
    }

    @Test("the node order is creation order, not alphabetical")
    func creationOrderNotAlphabetical() {
        var cluster = ClusterState()
        for name in ["zeta", "alpha", "mid"] { cluster.add(node(name)) }
        for name in ["alpha", "mid", "zeta"] { cluster.add(pod("web-\(name)", on: name)) }
        #expect(cluster.nodesWithReadyEndpoints(of: service("nginx")) == ["zeta", "alpha", "mid"])
    }

    /// The simulator's index of many services' endpoint nodes gives what the one-service rule
    /// above gives, over random clusters: pods in other namespaces, not Ready, unscheduled, on
    /// nodes the API server does not know, with labels a selector may or may not match.
    @Test("EndpointIndex agrees with nodesWithReadyEndpoints")
    func endpointIndexAgrees() {
        var state: UInt64 = 7
        func draw(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33) % n
        }
        let apps = ["web", "db", "cache"]
        let namespaces = ["default", "staging"]
        for round in 0..<200 {
            var cluster = ClusterState()
            for name in ["n2", "n0", "n1"].prefix(1 + draw(3)) { cluster.add(node(name)) }
            for index in 0..<draw(12) {
                let nodeName: String? = draw(6) == 0 ? nil : ["n0", "n1", "n2", "gone"][draw(4)]
                var labels = ["app": apps[draw(3)]]
                if draw(2) == 0 { labels["tier"] = ["a", "b"][draw(2)] }
                cluster.add(
                    pod(
                        "p\(index)", on: nodeName, labels: labels, namespace: namespaces[draw(2)],
                        ready: draw(4) != 0))
            }
            let services = apps.flatMap { app in
                namespaces.flatMap { ns in
                    [
                        service(app, selector: ["app": app], namespace: ns),
                        service(app + "-a", selector: ["app": app, "tier": "a"], namespace: ns),
                    ]
                }
            }
            let index = EndpointIndex(cluster)
            for service in services {
                #expect(
                    index.nodesWithReadyEndpoints(of: service) == cluster.nodesWithReadyEndpoints(of: service),
                    "round \(round), \(service.key)")
            }
        }
    }

    @Test("events are kept per service in emission order")
    func eventsInOrder() {
        var cluster = ClusterState()
        let first = ObjectEvent(time: 1, type: .warning, reason: "AllocationFailed", message: "a")
        let second = ObjectEvent(time: 2, type: .normal, reason: "IPAllocated", message: "b")
        cluster.record(first, for: "default/x")
        cluster.record(second, for: "default/x")
        #expect(cluster.events["default/x"] == [first, second])
        #expect(cluster.events["default/y"] == nil)
    }
}

/// `spec.selector` of a Service, and the canonical text MetalLB compares as a backend key
/// when sharing an IP (METALLB-SEMANTICS.md section 1, "Sharing").
@Suite("LabelSelector")
struct LabelSelectorTests {
    @Test("canonical text sorts keys: app=x,tier=y")
    func canonicalSortsKeys() {
        #expect(LabelSelector(["tier": "y", "app": "x"]).canonical == "app=x,tier=y")
        #expect(LabelSelector(["z": "1", "a": "2", "m": "3"]).canonical == "a=2,m=3,z=1")
        #expect(LabelSelector(["app": "x"]).canonical == "app=x")
    }

    @Test("canonical text of an empty selector is empty")
    func canonicalEmpty() {
        #expect(LabelSelector([:]).canonical == "")
    }

    @Test("an empty selector selects nothing")
    func emptySelectsNothing() {
        #expect(!LabelSelector([:]).matches(["app": "web"]))
        #expect(!LabelSelector([:]).matches([:]))
    }

    @Test("a selector needs every one of its labels, and ignores extra pod labels")
    func matchesAllLabels() {
        let selector = LabelSelector(["app": "web", "tier": "front"])
        #expect(selector.matches(["app": "web", "tier": "front"]))
        #expect(selector.matches(["app": "web", "tier": "front", "pod-template-hash": "abc"]))
        #expect(!selector.matches(["app": "web"]))
        #expect(!selector.matches(["app": "web", "tier": "back"]))
    }

    @Test("ObjectMeta.key is namespace/name")
    func metaKey() {
        #expect(ObjectMeta(name: "nginx").key == "default/nginx")
        #expect(ObjectMeta(name: "speaker", namespace: "metallb-system").key == "metallb-system/speaker")
    }
}
