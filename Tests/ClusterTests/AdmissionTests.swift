import Testing

@testable import Cluster

/// What the API server fills in on store: cluster IPs from 10.96.0.0/12 (never the network,
/// `kubernetes` or kube-dns addresses, never one in use), node ports from 30000-32767 for
/// NodePort and LoadBalancer Services, the status kept across a replace, pod IPs in creation
/// order.
@Suite("ClusterState admission")
struct AdmissionTests {
    /// Hands out the given values in turn, recording each bound asked for.
    final class Draws {
        var values: [UInt64]
        var bounds: [UInt64] = []
        init(_ values: [UInt64]) { self.values = values }
        func uniform(_ bound: UInt64) -> UInt64 {
            bounds.append(bound)
            return values.removeFirst()
        }
    }

    @Test("a new LoadBalancer Service: a cluster IP, then one node port per port")
    func newService() {
        var cluster = ClusterState()
        let draws = Draws([4, 7])
        let stored = cluster.admit(service("nginx"), uniform: draws.uniform)
        #expect(stored.clusterIP == "10.96.0.5")
        #expect(stored.ports.map(\.nodePort) == [30007])
        #expect(draws.bounds == [(1 << 20) - 2, 2768])
        #expect(cluster.services["default/nginx"] == stored)
    }

    @Test("the cluster IP is drawn again when it is kubernetes', kube-dns' or in use")
    func redrawsReservedAndUsed() {
        var cluster = ClusterState()
        _ = cluster.admit(service("a", type: .clusterIP), uniform: Draws([1]).uniform)
        let draws = Draws([0, 9, 1, 2])
        let stored = cluster.admit(service("b", type: .clusterIP), uniform: draws.uniform)
        #expect(stored.clusterIP == "10.96.0.3")
        #expect(stored.ports.map(\.nodePort) == [nil])
    }

    @Test("a replaced Service keeps its status, cluster IP and draws nothing for them")
    func replaceKeeps() {
        var cluster = ClusterState()
        _ = cluster.admit(service("nginx"), uniform: Draws([4, 7]).uniform)
        cluster.services["default/nginx"]?.ingress = [ip("192.168.1.240")]
        let draws = Draws([9])
        let stored = cluster.admit(service("nginx"), uniform: draws.uniform)
        #expect(stored.clusterIP == "10.96.0.5")
        #expect(stored.ingress == [ip("192.168.1.240")])
        #expect(draws.bounds == [2768])
    }

    @Test("pods get IPs from 10.244.0.0/16 in creation order")
    func podIPs() {
        var cluster = ClusterState()
        #expect(cluster.admit(pod("a", on: "node1")).podIP == "10.244.1.2")
        #expect(cluster.admit(pod("b", on: "node1")).podIP == "10.244.1.3")
        var named = pod("c", on: "node1")
        named.podIP = "10.0.0.9"
        #expect(cluster.admit(named).podIP == "10.0.0.9")
    }
}
