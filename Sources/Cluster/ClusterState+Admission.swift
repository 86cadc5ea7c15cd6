import Wire

/// What the API server fills in when it stores an object: a Service's cluster IP and node
/// ports, a Pod's IP. The draws come from a function the driver hands in (uniform below a
/// bound, from its own stream), in the API server's order: the cluster IP first, then each
/// port's node port.
extension ClusterState {
    /// Stores a created or replaced Service and returns it as stored. A replaced Service keeps
    /// its status (`ingress`) and, unless the new spec sets one, its cluster IP; a new one gets
    /// a cluster IP drawn from the default service CIDR. Every port of a NodePort or
    /// LoadBalancer Service without a node port gets one from 30000-32767.
    public mutating func admit(_ service: Service, uniform: (UInt64) -> UInt64) -> Service {
        var service = service
        if let existing = services[service.key] {
            service.ingress = existing.ingress
            if service.clusterIP == nil { service.clusterIP = existing.clusterIP }
        }
        // A headless Service (`clusterIP: None`) keeps "None": it gets no address.
        if service.clusterIP == nil { service.clusterIP = drawClusterIP(uniform: uniform) }
        // Node ports are cluster-wide: a drawn one never repeats one already allocated (the
        // API server's port allocator), explicit ones were checked when the scenario loaded.
        var used = Set(services.values.filter { $0.key != service.key }.flatMap { $0.ports.compactMap(\.nodePort) })
        used.formUnion(service.ports.compactMap(\.nodePort))
        for index in service.ports.indices where service.type != .clusterIP && service.ports[index].nodePort == nil {
            var port = 30000 + Int(uniform(2768))
            while used.contains(port) { port = 30000 + Int(uniform(2768)) }
            used.insert(port)
            service.ports[index].nodePort = port
        }
        services[service.key] = service
        return service
    }

    /// Stores a Pod, with an IP from the pod network when it has none.
    public mutating func admit(_ pod: Pod) -> Pod {
        var pod = pod
        if pod.podIP == nil {
            // Never reused while the run lasts: a re-created pod must not take a live pod's IP.
            pod.podIP = Self.podIP(index: podIPsIssued)
            podIPsIssued += 1
        }
        pods[pod.key] = pod
        return pod
    }

    /// A ClusterIP from the default service CIDR 10.96.0.0/12, drawn as the API server draws it:
    /// any free address but the network's, `kubernetes` (.1) and kube-dns (.10).
    private func drawClusterIP(uniform: (UInt64) -> UInt64) -> String {
        let used = Set(services.values.compactMap(\.clusterIP))
        while true {
            let offset = UInt32(uniform((1 << 20) - 2)) + 1
            let ip = IPv4Address(rawValue: IPv4Address(10, 96, 0, 0).rawValue + offset).description
            if !used.contains(ip) && ip != "10.96.0.1" && ip != "10.96.0.10" { return ip }
        }
    }

    /// Pod IPs from a 10.244.0.0/16 pod network, in creation order.
    static func podIP(index: Int) -> String {
        "10.244.\(1 + index / 250).\(2 + index % 250)"
    }
}
