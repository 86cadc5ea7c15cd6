import IPAM
import Wire

/// MetalLB's controller: gives LoadBalancer services an address from the pools and writes it
/// to their status, recording the Events MetalLB records. Pure logic: the caller passes the
/// time and applies nothing else.
public struct ServiceIPController: Sendable {
    public let version: MetalLBVersion
    public private(set) var allocator: Allocator

    public init(version: MetalLBVersion, pools: [AddressPool]) throws(PoolConfigError) {
        self.version = version
        self.allocator = try Allocator(pools: pools)
    }

    /// Reconciles one service: allocates, keeps, or releases its address. Returns true when
    /// the service's status changed (speakers then re-sync it).
    @discardableResult
    public mutating func reconcile(_ key: String, in cluster: inout ClusterState, now: Int64) -> Bool {
        guard var service = cluster.services[key] else {
            allocator.release(service: key)
            return false
        }
        let before = service.ingress
        if service.type != .loadBalancer {
            allocator.release(service: key)
            service.ingress = []
        } else {
            let request = AllocationRequest(service: key, requestedIP: service.loadBalancerIP,
                                            pool: service.requestedPool)
            do {
                let assignment = try allocator.assign(request)
                service.ingress = [assignment.ip]
                if before != service.ingress {
                    cluster.record(ServiceEvent(time: now, type: .normal, reason: "IPAllocated",
                                                message: assignedMessage(assignment.ip)), for: key)
                }
            } catch {
                service.ingress = []
                cluster.record(ServiceEvent(time: now, type: .warning, reason: "AllocationFailed",
                                            message: "Failed to allocate IP for \"\(key)\": \(error)"), for: key)
            }
        }
        cluster.services[key] = service
        return before != service.ingress
    }

    /// The pool a held address belongs to (what the speaker checks before announcing).
    public func pool(for ip: IPv4Address) -> AddressPool? { allocator.pool(containing: ip) }

    public func assignment(of service: String) -> Assignment? { allocator.assignment(of: service) }

    /// v0.9.4 quotes one IP (`Assigned IP "1.2.3.4"`); current quotes the list (`["1.2.3.4"]`).
    private func assignedMessage(_ ip: IPv4Address) -> String {
        switch version {
        case .v0_9_4: return "Assigned IP \"\(ip)\""
        case .current: return "Assigned IP [\"\(ip)\"]"
        }
    }
}
