import IPAM
import Wire

@testable import Cluster

func ip(_ text: String) -> IPv4Address {
    guard let address = IPv4Address(text) else { fatalError("bad test address \(text)") }
    return address
}

/// The same text as an address of either family, where a Service's addresses are expected.
func ip(_ text: String) -> IPAddress {
    guard let address = IPAddress(text) else { fatalError("bad test address \(text)") }
    return address
}

func cidr(_ text: String) -> IPv4CIDR {
    guard let prefix = IPv4CIDR(text) else { fatalError("bad test prefix \(text)") }
    return prefix
}

func node(
    _ name: String, roles: [String] = [], labels: [String: String] = [:], ready: Bool = true,
    address: String = "192.168.1.10"
) -> Node {
    Node(name: name, internalIP: ip(address), ready: ready, roles: roles, labels: labels)
}

func pod(
    _ name: String, on nodeName: String?, labels: [String: String] = ["app": "web"],
    namespace: String = "default", ready: Bool = true
) -> Pod {
    Pod(meta: ObjectMeta(name: name, namespace: namespace, labels: labels), nodeName: nodeName, ready: ready)
}

func service(
    _ name: String, type: ServiceType = .loadBalancer, selector: [String: String] = ["app": "web"],
    namespace: String = "default", annotations: [String: String] = [:],
    loadBalancerIP: String? = nil
) -> Service {
    Service(
        meta: ObjectMeta(name: name, namespace: namespace, annotations: annotations), type: type,
        ports: [ServicePort(port: 80)], selector: LabelSelector(selector),
        loadBalancerIP: loadBalancerIP.map(ip))
}

extension ClusterState {
    mutating func add(_ node: Node) { nodes[node.name] = node }
    mutating func add(_ pod: Pod) { pods[pod.key] = pod }
    mutating func add(_ service: Service) { services[service.key] = service }
}
