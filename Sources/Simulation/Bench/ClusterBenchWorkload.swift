import Cluster
import Engine
import IPAM
import Wire

/// The speaker benchmark of `sim bench --workload cluster`: a large cluster run with everything
/// on: `nodes` nodes (one control-plane) whose speakers run memberlist (LAN profile) at packet
/// level, `services` LoadBalancer services of current MetalLB from one pool, each backed by a
/// two-replica Deployment that the scheduler spreads over the workers, one outside client
/// probing the first service. At `failureAt` a tenth of the workers power off at once; the
/// survivors detect them through memberlist and fail the affected services over; the node
/// lifecycle controller marks them NotReady 40 s later and pulls their pods from endpoints.
public enum ClusterBenchWorkload {
    public static let failureAt = SimTime.seconds(300)

    public static func config(nodes count: Int, duration: SimDuration) -> WorldConfig {
        precondition(count >= 4, "the workload needs a control plane and at least three workers")
        let base = IPv4Address(10, 1, 0, 0).rawValue
        let nodes = (0..<count).map { (index: Int) -> WorldConfig.NodeSpec in
            let digits = String(index)
            let name = "node-" + String(repeating: "0", count: max(0, 3 - digits.count)) + digits
            let mac = MACAddress(rawValue: 0x0200_0000_0000 | UInt64(index + 1))
            let ip = IPv4Address(rawValue: base + UInt32(index + 10))
            return WorldConfig.NodeSpec(name: name, mac: mac, ip: ip, roles: index == 0 ? ["control-plane"] : [])
        }
        let client = WorldConfig.ClientSpec(
            name: "outside", mac: MACAddress(rawValue: 0x0200_0001_0000), ip: IPv4Address(10, 1, 255, 1),
            probe: .init(target: IPv4Address(10, 2, 0, 0), port: 80, every: .milliseconds(100)))
        return WorldConfig(
            seed: 1, duration: duration, version: .current, interfaceName: "eth0",
            membership: .lan, nodes: nodes, clients: [client])
    }

    /// Builds the world: the pool, the services and Deployments, and the power failures.
    public static func world(
        nodes count: Int, services: Int, duration: SimDuration = .seconds(600),
        trace: TraceSink? = nil
    ) -> World {
        let world = World(config: config(nodes: count, duration: duration), trace: trace)
        let pool = AddressPool(name: "bench", cidrs: [IPv4CIDR(network: IPv4Address(10, 2, 0, 0), prefixLength: 20)])
        try! world.applyMetalLBConfig([pool])
        for index in 0..<services {
            let name = "svc-\(index)"
            let labels = ["app": name]
            world.applyWorkload(
                Workload(
                    kind: .deployment, meta: ObjectMeta(name: name), replicas: 2, selector: LabelSelector(labels),
                    template: PodTemplate(labels: labels)),
                startsReady: true)
            world.applyService(
                Service(
                    meta: ObjectMeta(name: name), type: .loadBalancer,
                    ports: [ServicePort(port: 80)], selector: LabelSelector(labels)))
        }
        let workers = world.nodes.dropFirst().map(\.name)
        let failing = stride(from: 0, to: workers.count, by: 10).map { workers[$0] }
        world.at(failureAt) { world in
            for name in failing { world.powerOff(node: name) }
        }
        return world
    }
}
