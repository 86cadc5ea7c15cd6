import IPAM
import Wire

/// MetalLB's controller: gives LoadBalancer services addresses from the pools and writes them
/// to their status, recording the Events MetalLB records. Pure logic: the caller passes the
/// time and decides when to call (MetalLB reprocesses every service after a config change or
/// a service deletion, and one service when it changes).
///
/// Each pass starts from the Service's status, as MetalLB's `convergeBalancer` does: the
/// addresses already written there are re-assigned (which re-checks them against the current
/// pools and sharing rules), cleared when they no longer fit, and only then is anything new
/// allocated.
public struct ServiceIPController: Sendable {
    public let version: MetalLBVersion
    public private(set) var allocator: Allocator

    public init(
        version: MetalLBVersion, pools: [AddressPool],
        namespaces: [String: [String: String]] = [:]
    ) throws(PoolConfigError) {
        self.version = version
        self.allocator = try Allocator(
            pools: pools, semantics: version == .v0_9_4 ? .v0_9_4 : .current,
            namespaces: namespaces)
    }

    /// Installs a new configuration. v0.9.4 throws `orphansAssignment` (and keeps the old
    /// configuration) when an assigned address would be left without a pool; current never
    /// refuses a valid configuration.
    public mutating func setPools(_ pools: [AddressPool], namespaces: [String: [String: String]] = [:])
        throws(PoolConfigError)
    {
        try allocator.setPools(pools, namespaces: namespaces)
    }

    /// Reconciles one service: allocates, keeps, or releases its addresses. Returns true when
    /// the service's status changed (speakers then re-sync it).
    @discardableResult
    public mutating func reconcile(_ key: String, in cluster: inout ClusterState, now: Int64) -> Bool {
        guard var service = cluster.services[key] else {
            allocator.unassign(key)
            return false
        }
        // Another implementation's Service: never reconciled, so no address and no event.
        guard service.isHandled(by: version) else { return false }
        let before = service.ingress
        var events: [ObjectEvent] = []
        func emit(_ type: ObjectEvent.Kind, _ reason: String, _ message: String) {
            events.append(ObjectEvent(time: now, type: type, reason: reason, message: message))
        }
        switch version {
        case .v0_9_4: service.ingress = convergeV094(service, emit: emit)
        case .current: service.ingress = convergeCurrent(service, emit: emit)
        }
        cluster.services[key] = service
        for event in events { cluster.record(event, for: key) }
        return before != service.ingress
    }

    /// Whether reconciling `key` just now (`before` is what the allocator held for it before)
    /// asks MetalLB's controller to reprocess every service. current's `SetBalancer`
    /// (controller/main.go) asks when a deleted Service had an allocation, when the allocation
    /// key (backend key and sharing key) changed, and when a Service that held addresses holds
    /// none now while those addresses are still in a pool: either may have freed room for a
    /// pending one. v0.9.4 asks only on deletion, always.
    public func asksToReprocessAll(_ key: String, before: Assignment?, deleted: Bool) -> Bool {
        switch version {
        case .v0_9_4:
            return deleted
        case .current:
            if deleted { return before != nil }
            let after = allocator.assignment(of: key)
            if Self.allocationKey(before) != Self.allocationKey(after) { return true }
            if let held = before?.ips.first, after == nil, allocator.pool(containing: held) != nil { return true }
            return false
        }
    }

    /// The allocator's `AllocationKey`: backend key then sharing key; empty when unallocated.
    private static func allocationKey(_ assignment: Assignment?) -> String {
        assignment.map { $0.sharing.backend + $0.sharing.sharing } ?? ""
    }

    /// The pool a held address belongs to (what the speaker checks before announcing).
    public func pool(for ip: IPAddress) -> AddressPool? { allocator.pool(containing: ip) }

    public func assignment(of service: String) -> Assignment? { allocator.assignment(of: service) }

    // MARK: v0.9.4

    private mutating func convergeV094(_ service: Service, emit: (ObjectEvent.Kind, String, String) -> Void)
        -> [IPAddress]
    {
        let key = service.key
        guard service.type == .loadBalancer else {
            allocator.unassign(key)
            return []
        }
        let claim = service.claim(version: version)
        let annotations = ServiceAnnotations(service, version: version)
        var current: IPAddress? = service.ingress.count == 1 ? service.ingress[0] : nil
        if let ip = current, ip.family != service.ipFamilies[0] { current = nil }
        if let ip = current {
            // v0.9.4 clears silently (a log line, no event) when the address no longer fits.
            if (try? allocator.assign(claim, [ip])) == nil { current = nil }
            if current != nil, let pool = annotations.pool, allocator.assignment(of: key)?.pool != pool {
                current = nil
            }
        }
        if let requested = service.loadBalancerIP, requested != current { current = nil }
        if let ip = current { return [ip] }
        allocator.unassign(key)
        do {
            let ip: IPAddress
            if let requested = service.loadBalancerIP {
                guard requested.family == service.ipFamilies[0] else {
                    throw AllocationError.request(
                        "requested spec.loadBalancerIP \"\(requested)\" does not match the ipFamily of the service")
                }
                ip = try allocator.assign(claim, [requested]).ips[0]
            } else if let pool = annotations.pool {
                ip = try allocator.allocate(claim, fromPool: pool)[0]
            } else {
                ip = try allocator.allocate(claim)[0]
            }
            emit(.normal, "IPAllocated", "Assigned IP \"\(ip)\"")
            return [ip]
        } catch {
            emit(.warning, "AllocationFailed", "Failed to allocate IP for \"\(key)\": \(error)")
            return []
        }
    }

    // MARK: current

    private mutating func convergeCurrent(_ service: Service, emit: (ObjectEvent.Kind, String, String) -> Void)
        -> [IPAddress]
    {
        let key = service.key
        guard service.type == .loadBalancer, !allocator.pools.isEmpty else {
            allocator.unassign(key)
            return []
        }
        let claim = service.claim(version: version)
        let annotations = ServiceAnnotations(service, version: version)
        var ips = service.ingress
        if ips.isEmpty {
            allocator.unassign(key)
        } else if familyChanged(ips, claim) {
            allocator.unassign(key)
            ips = []
        }
        if !ips.isEmpty {
            do {
                try allocator.assign(claim, ips)
            } catch {
                emit(
                    .normal, "ClearAssignment",
                    "current IP for \"\(key)\" not allowed by config, will attempt for new IP assignment: \(error)")
                allocator.unassign(key)
                ips = []
            }
            if !ips.isEmpty, let pool = annotations.pool, allocator.assignment(of: key)?.pool != pool {
                allocator.unassign(key)
                ips = []
            }
            let desired: [IPAddress]
            switch requestedIPs(service, annotations) {
            case .success(let list): desired = list.ips
            case .failure(let error):
                emit(.warning, "LoadBalancerFailed", "invalid requested loadbalancer IPs: \(error)")
                return ips
            }
            // controller/service.go `isEqualIPs` sorts both lists by their text, in place, so
            // the status is written back in that order (for a dual-stack service, the
            // election's first address may change with it).
            if !desired.isEmpty {
                ips.sort { $0.description < $1.description }
                if desired.sorted(by: { $0.description < $1.description }) != ips {
                    allocator.unassign(key)
                    ips = []
                }
            }
        }
        if ips.count == 1 && service.ipFamilyPolicy == .preferDualStack, let pool = allocator.assignment(of: key)?.pool
        {
            do {
                let added = try allocator.allocateAdditionalFamily(claim, keeping: ips[0], fromPool: pool)
                ips.append(added)
                emit(.normal, "IPAllocated", "Assigned additional IP \"\(added)\"")
            } catch {
                emit(.normal, "AdditionalAssignFailed", "cannot assign additional IP in PreferDualStack: \(error)")
            }
        }
        if ips.isEmpty {
            do {
                ips = try allocateCurrent(service, claim, annotations)
                emit(.normal, "IPAllocated", "Assigned IP \(goQuoted(ips))")
            } catch {
                emit(.warning, "AllocationFailed", "Failed to allocate IP for \"\(key)\": \(error)")
                return []
            }
        }
        return ips
    }

    /// MetalLB's `serviceFamilyChanged`: the status addresses no longer match the Service's
    /// families (PreferDualStack may hold fewer).
    private func familyChanged(_ ips: [IPAddress], _ claim: ServiceClaim) -> Bool {
        guard case .success(let held) = ServiceIPFamily.of(ips) else { return true }
        if held == claim.family { return false }
        return !(claim.family == .dualStack && claim.familyPolicy == .preferDualStack)
    }

    private mutating func allocateCurrent(
        _ service: Service, _ claim: ServiceClaim,
        _ annotations: ServiceAnnotations
    ) throws(AllocationError) -> [IPAddress] {
        let requested = try requestedIPs(service, annotations).get()
        if !requested.ips.isEmpty {
            if requested.family != claim.family {
                throw .request(
                    "requested loadBalancer IP(s) \(goQuoted(requested.ips)) does not match the ipFamily of the service"
                )
            }
            try allocator.assign(claim, requested.ips)
            if let pool = annotations.pool, allocator.assignment(of: claim.key)?.pool != pool {
                allocator.unassign(claim.key)
                throw .request(
                    "requested loadBalancer IP(s) \(goQuoted(requested.ips)) is not compatible with requested address pool \(pool)"
                )
            }
            return requested.ips
        }
        if let pool = annotations.pool { return try allocator.allocate(claim, fromPool: pool) }
        return try allocator.allocate(claim)
    }

    /// The addresses the user asked for: the `loadBalancerIPs` annotation (comma-separated,
    /// at most one per family) or `spec.loadBalancerIP`, never both.
    private func requestedIPs(_ service: Service, _ annotations: ServiceAnnotations)
        -> Result<(ips: [IPAddress], family: ServiceIPFamily?), AllocationError>
    {
        let text = annotations.loadBalancerIPs
        switch (text.isEmpty, service.loadBalancerIP) {
        case (true, nil): return .success(([], nil))
        case (false, .some):
            return .failure(
                .request("service can not have both metallb.io/loadBalancerIPs and svc.Spec.LoadBalancerIP"))
        case (true, .some(let ip)): return .success(([ip], ServiceIPFamily(ip.family)))
        case (false, nil):
            var ips: [IPAddress] = []
            for part in text.split(separator: ",", omittingEmptySubsequences: false) {
                guard let ip = IPAddress(part.trimmingWhitespace) else {
                    return .failure(.request("invalid metallb.io/loadBalancerIPs: \"\(text)\""))
                }
                ips.append(ip)
            }
            return ServiceIPFamily.of(ips).map { (ips, $0) }
        }
    }
}
