import Wire

/// One node's speaker deciding, service by service, whether to announce (MetalLB v0.9.4's
/// `speaker/main.go` SetBalancer path and `layer2_controller.go`), driving its `Announcer`.
public struct SpeakerController: Sendable {
    /// Which MetalLB's election rules this speaker follows.
    public enum Rules: Sendable, Hashable {
        /// Candidates: nodes with a ready endpoint (and a live speaker); key `namespace/name`.
        // swift-format-ignore: AlwaysUseLowerCamelCase
        // (MetalLB's version name: the underscores stand for its dots.)
        case v0_9_4
        /// Candidates: live speakers on eligible nodes (only endpoint nodes for
        /// externalTrafficPolicy Local), nobody when no endpoint is ready; key: the ingress IP.
        case current

        /// What the election hashes with each node name: v0.9.4 the service's `namespace/name`,
        /// current its first ingress address in canonical text (nil: it has none yet). The one
        /// rule for both the speaker's own sort and the simulator's precomputed rankings.
        public func electionKey(service name: String, firstIngress: IPAddress?) -> String? {
            self == .v0_9_4 ? name : firstIngress?.description
        }
    }

    /// This speaker's node name.
    public let node: String
    public let rules: Rules
    public private(set) var announcer: Announcer
    /// The addresses each service was last announced with (`svcIP`), to notice a change.
    private var announcedIP: [String: [IPAddress]] = [:]
    /// v0.9.4: the pools this process took from the ConfigMap, which a service's address is
    /// looked up in (`SpeakerPoolConfig`). nil: the pool the service view carries decides.
    public var ownConfig: SpeakerPoolConfig?
    /// The `announceFailed` events the syncs so far have posted, oldest first, until the
    /// driver takes them (`takeAnnounceFailures`).
    public private(set) var announceFailures: [AnnounceFailure] = []

    public init(node: String, rules: Rules, announcer: Announcer) {
        self.node = node
        self.rules = rules
        self.announcer = announcer
    }

    /// The outcome of one sync: announce (with the frames of any immediate gratuitous round), or
    /// not, with MetalLB's reason.
    public enum Decision: Sendable, Hashable {
        case announce([IPAddress])
        case withdraw(reason: WithdrawReason)
        /// current: this node won, but the advertisement's interfaces are not among those its
        /// scan listed (`AnnounceFailure`). Whatever it announced before stays announced.
        case announceFailed([IPAddress])
    }

    /// Syncs one service. `usableSpeakers` is this speaker's memberlist view (nil when
    /// memberlist is off: every endpoint node counts). Returns the decision and frames to send.
    public mutating func sync(
        _ service: ServiceView, usableSpeakers: Set<String>?,
        now: Int64
    ) -> (decision: Decision, frames: [OutgoingFrame]) {
        guard service.isLoadBalancer else { return withdraw(service.name, .notLoadBalancer) }
        // v0.9.4 knows one address per service; current one per family (dual-stack).
        let addresses = service.ingress
        guard let ip = addresses.first,
            rules == .v0_9_4
                ? addresses.count == 1
                : addresses.count == 1 || (addresses.count == 2 && addresses[0].family != addresses[1].family)
        else {
            return withdraw(service.name, .noIPAllocated)
        }
        guard let proto = ownConfig.map({ $0.announcement(of: ip) }) ?? service.poolProtocol else {
            return withdraw(service.name, .ipNotAllowed)
        }
        guard proto == .layer2 else { return withdraw(service.name, .notLayer2) }
        if let previous = announcedIP[service.name], previous != addresses {
            _ = withdraw(service.name, .loadBalancerIPChanged)
        }
        if rules == .current, service.hasActiveEndpoint, service.sharedIPWithServiceSelector {
            return withdraw(service.name, .sharedIPWithServiceSelector)
        }
        if rules == .current, service.hasActiveEndpoint, let advertising = service.advertisingNodes,
            !advertising.contains(node)
        {
            return withdraw(service.name, .noMatchingAdvertisement)
        }
        guard winner(of: service, ip: ip, usableSpeakers: usableSpeakers) == node else {
            return withdraw(service.name, .notOwner)
        }
        // current: the winner checks the advertisement's interfaces against the names its last
        // scan listed, down interfaces included (speaker/layer2_controller.go, `SetBalancer`).
        // With none listed it posts announceFailed for each address, leaves the announcer as it
        // was, and still counts the service as handled. It stays a candidate: the others see it
        // win, so nobody announces what it did not already.
        let names = service.announceInterfaces[node]
        announcedIP[service.name] = addresses
        if let names, !announcer.listedInterfaces.contains(where: names.contains) {
            announceFailures += addresses.map { AnnounceFailure(service: service.name, ip: $0, node: node) }
            return (.announceFailed(addresses), [])
        }
        // The same node announces both families: the election ran once, on the first address.
        var frames: [OutgoingFrame] = []
        for address in addresses {
            frames += announcer.setBalancer(service: service.name, ip: address, interfaceNames: names, now: now)
        }
        return (.announce(addresses), frames)
    }

    /// A service this speaker announces whose address `config` has in no pool: what makes
    /// v0.9.4's `SetConfig` refuse the config. (Dual-stack is current-only: v0.9.4 announces
    /// one address per service.)
    public func orphan(under config: SpeakerPoolConfig) -> (service: String, ip: IPAddress)? {
        for (service, addresses) in announcedIP.sorted(by: { $0.key < $1.key }) {
            if let ip = addresses.first(where: { config.announcement(of: $0) == nil }) { return (service, ip) }
        }
        return nil
    }

    /// The nodes this speaker believes may announce the service.
    public func candidates(for service: ServiceView, usableSpeakers: Set<String>?) -> [String] {
        var candidates: [String]
        switch rules {
        case .v0_9_4:
            candidates = service.readyEndpointNodes
        case .current:
            guard service.hasActiveEndpoint else { return [] }
            candidates =
                service.externalTrafficPolicyLocal
                ? service.eligibleNodes.filter { service.readyEndpointNodes.contains($0) }
                : service.eligibleNodes
        }
        if let usableSpeakers { candidates = candidates.filter { usableSpeakers.contains($0) } }
        return candidates
    }

    /// The node this speaker believes announces the service: the first candidate in the
    /// view's ranking when it has one, else the first of `Election.order` over the candidates.
    public func winner(of service: ServiceView, ip: IPAddress, usableSpeakers: Set<String>?) -> String? {
        guard let ranking = service.ranking else {
            return Election.order(
                candidates: candidates(for: service, usableSpeakers: usableSpeakers),
                key: electionKey(service, ip: ip), scores: service.preferenceScores
            ).first
        }
        return ranking.first { isCandidate($0, for: service, usableSpeakers: usableSpeakers) }
    }

    /// Whether `node` is among `candidates(for:usableSpeakers:)`, without building the list.
    func isCandidate(_ node: String, for service: ServiceView, usableSpeakers: Set<String>?) -> Bool {
        if let usableSpeakers, !usableSpeakers.contains(node) { return false }
        switch rules {
        case .v0_9_4:
            return service.readyEndpointNodeSet.contains(node)
        case .current:
            guard service.hasActiveEndpoint, service.eligibleNodeSet.contains(node) else { return false }
            return !service.externalTrafficPolicyLocal || service.readyEndpointNodeSet.contains(node)
        }
    }

    /// v0.9.4 hashes `namespace/name`; current hashes the first ingress IP's canonical text.
    public func electionKey(_ service: ServiceView, ip: IPAddress) -> String {
        rules.electionKey(service: service.name, firstIngress: ip)!
    }

    /// Hands over the `announceFailed` events posted since the last call.
    public mutating func takeAnnounceFailures() -> [AnnounceFailure] {
        defer { announceFailures = [] }
        return announceFailures
    }

    /// The service is gone from the API server.
    public mutating func delete(service name: String) {
        _ = withdraw(name, .serviceDeleted)
    }

    /// The kernel's interfaces changed (see `Announcer.kernelChanged`).
    public mutating func kernelChanged(_ interfaces: [L2Interface]) { announcer.kernelChanged(interfaces) }

    /// Runs the announcer's interface scan (see `Announcer.scan`).
    public mutating func scanInterfaces() { announcer.scan() }

    /// Runs the gratuitous ticker (see `Announcer.tick`).
    public mutating func tick(now: Int64) -> [OutgoingFrame] { announcer.tick(now: now) }

    /// Answers an ARP request that arrived on `interface`.
    public func respond(to frame: [UInt8], on interface: Int) -> OutgoingFrame? {
        announcer.respond(to: frame, on: interface)
    }

    /// Answers an already parsed Neighbor Solicitation.
    public func respond(to message: NDPMessage, in header: IPv6Header, on interface: Int) -> OutgoingFrame? {
        announcer.respond(to: message, in: header, on: interface)
    }

    /// Answers an already parsed ARP request.
    public func respond(to request: ARPPacket, ethernetDestination: MACAddress, on interface: Int) -> OutgoingFrame? {
        announcer.respond(to: request, ethernetDestination: ethernetDestination, on: interface)
    }

    /// A crashed or restarted speaker remembers nothing.
    public mutating func reset() {
        announcer.reset()
        announcedIP = [:]
    }

    private mutating func withdraw(_ name: String, _ reason: WithdrawReason) -> (
        decision: Decision, frames: [OutgoingFrame]
    ) {
        if announcer.isAnnouncing(service: name) { announcer.deleteBalancer(service: name) }
        announcedIP[name] = nil
        return (.withdraw(reason: reason), [])
    }
}
