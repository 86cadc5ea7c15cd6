import Engine
import Wire

/// A node kernel's ARP cache for the node's own traffic (memberlist's datagrams to other
/// speakers), reduced to what that traffic needs: resolve an address with a broadcast request,
/// hold datagrams while it resolves, learn from replies and from requests aimed at this node.
///
/// Unlike the clients' full neighbour-cache model, entries here do not age: nodes talk to each
/// other every second (memberlist probes), so Linux keeps their entries confirmed, and a peer
/// that dies keeps its MAC. What matters for failover, the datagrams that go unanswered, the
/// memberlist model handles itself.
struct NodeNeighbours {
    /// A datagram waiting for its next hop's MAC.
    /// A datagram of the node's own, held while its next hop resolves: UDP to
    /// `destinationPort`, or a TCP segment (`tcp`, carrying `payload`).
    struct Waiting {
        var destination: IPv4Address
        var destinationPort: UInt16
        var payload: [UInt8]
        var tcp: TCPHeader? = nil
    }

    struct Resolution {
        var lastRequest: SimTime
        var requests: Int
        var waiting: [Waiting]
    }

    /// Linux's `mcast_solicit`: broadcast requests before an unresolved entry fails.
    static let solicitations = 3
    /// Linux's `retrans_time`: how long each request is given.
    static let retransmitTime = SimDuration.seconds(1)
    /// Linux's `unres_qlen`: packets held per unresolved address; older ones are dropped.
    static let queueLength = 101

    private(set) var entries: [IPv4Address: MACAddress] = [:]
    private(set) var resolving: [IPv4Address: Resolution] = [:]

    func mac(of ip: IPv4Address) -> MACAddress? { entries[ip] }

    /// Holds a datagram until `ip` resolves. Returns true when a new request must go out now.
    mutating func hold(_ waiting: Waiting, now: SimTime) -> Bool {
        if var resolution = resolving[waiting.destination] {
            resolution.waiting.append(waiting)
            if resolution.waiting.count > Self.queueLength { resolution.waiting.removeFirst() }
            resolving[waiting.destination] = resolution
            return false
        }
        resolving[waiting.destination] = Resolution(lastRequest: now, requests: 1, waiting: [waiting])
        return true
    }

    /// The retransmission timer of an unresolved address fired: true when another request is
    /// due; false when the address failed (its queue is dropped) or already resolved.
    mutating func retransmitDue(_ ip: IPv4Address, now: SimTime) -> Bool {
        guard var resolution = resolving[ip], now >= resolution.lastRequest + Self.retransmitTime else { return false }
        guard resolution.requests < Self.solicitations else {
            resolving[ip] = nil
            return false
        }
        resolution.requests += 1
        resolution.lastRequest = now
        resolving[ip] = resolution
        return true
    }

    /// Records `ip` at `mac` and hands back what waited for it.
    mutating func learn(_ ip: IPv4Address, at mac: MACAddress) -> [Waiting] {
        entries[ip] = mac
        return resolving.removeValue(forKey: ip)?.waiting ?? []
    }

    /// A reboot empties the cache.
    mutating func flush() {
        entries = [:]
        resolving = [:]
    }
}
