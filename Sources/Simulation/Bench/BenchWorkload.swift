import Cluster
import Engine
import IPAM
import Wire

/// The shared L2 ARP-failover workload of `sim bench` (and of the ns-3 and SimPy peers in
/// shared/bench-peers): N hosts on one segment; host 0 broadcasts "who-has VIP" every 10 ms;
/// hosts 1...N-1 run the real speaker code and parse every ARP frame; only the owner (host 1)
/// answers. At 30 s the owner's link goes down; at 32 s host 2 takes over (here: the service's
/// pod moves to host 2 and becomes ready, so the speakers elect it) and sends MetalLB's
/// gratuitous rounds. 60 s simulated. The peers model no memberlist, so neither does this.
///
/// The segment's one-way delay is 1012 ns, the ns-3 CSMA channel's 512 ns of transmission of a
/// 64-byte frame at 1 Gb/s plus 500 ns of propagation, so the client's switch time matches the
/// peers' 32.000001012 s.
public enum BenchWorkload {
    public static let vip = IPv4Address(192, 168, 100, 1)

    public static func config(hosts: Int) -> WorldConfig {
        precondition(hosts >= 3, "the workload needs a client and two speakers")
        func mac(_ index: Int) -> MACAddress { MACAddress(rawValue: UInt64(index + 1)) }
        let nodes = (1..<hosts).map { index in
            WorldConfig.NodeSpec(
                name: "node-\(index)", mac: mac(index),
                ip: IPv4Address(rawValue: IPv4Address(10, 0, 0, 0).rawValue + UInt32(index + 1)))
        }
        let client = WorldConfig.ClientSpec(
            name: "client", mac: mac(0), ip: IPv4Address(10, 0, 0, 1),
            arping: .init(target: vip, every: .milliseconds(10), start: .milliseconds(1)))
        return WorldConfig(
            seed: 1, duration: .seconds(60), version: .v0_9_4, interfaceName: "eth0",
            latency: .nanoseconds(1012), watchDelay: .zero, podReadyDelay: .seconds(2),
            membership: nil, nodes: nodes, clients: [client])
    }

    /// Builds the world with its cluster objects and the fault schedule.
    public static func world(hosts: Int, trace: TraceSink?) -> World {
        let world = World(config: config(hosts: hosts), trace: trace)
        try! world.applyMetalLBConfig([AddressPool(name: "bench", cidrs: [IPv4CIDR(network: vip, prefixLength: 32)])])
        let selector = LabelSelector(["app": "vip"])
        world.applyService(
            Service(
                meta: ObjectMeta(name: "vip"), type: .loadBalancer,
                ports: [ServicePort(port: 80)], selector: selector))
        world.applyPod(
            Pod(meta: ObjectMeta(name: "backend", labels: ["app": "vip"]), nodeName: "node-1", ready: true),
            startsReady: true)
        world.at(.seconds(30)) { world in
            world.setLink(node: "node-1", up: false)
            // Re-created on node-2, ready 2 s later: node-2 wins the election at 32 s.
            world.movePod("default/backend", to: "node-2")
        }
        return world
    }
}
