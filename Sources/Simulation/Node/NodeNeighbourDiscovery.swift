import Engine
import Wire

/// A node kernel's Neighbor Discovery state: one table per interface, as Linux keys `nd_tbl`
/// entries by address and device, each the full neighbour state machine the clients run
/// (`NeighbourCache`, Linux's defaults), and the frames each entry holds while it resolves.
///
/// The node's IPv6 traffic is Neighbor Discovery only: MetalLB's answers, which leave through
/// this table, and the kernel's own answers for its link-local addresses. Unlike the node's
/// ARP cache for memberlist (`NodeNeighbours`), its entries age: a client is heard from only
/// when it solicits a service address again, so the entry that resolved it goes STALE, and
/// the next answer to it is followed by a NUD probe, as on a real node.
struct NodeNeighbourDiscovery {
    /// An entry: the interface's table and the address.
    struct Key: Hashable {
        var interface: Int
        var address: IPv6Address
    }

    var tables: [NDNeighbourTable]
    private var queues: [Key: [PendingFrame]] = [:]

    /// One table per interface, each with a reachable time drawn from its own stream.
    init(interfaceCount: Int, random: RandomStream) {
        tables = (0..<interfaceCount).map {
            NDNeighbourTable(parameters: NeighbourParameters(), random: random.split("interface\($0)"))
        }
    }

    /// Holds `frame` until the entry resolves. Past `NodeNeighbours.queueLength` frames the
    /// oldest is dropped, as `__neigh_event_send` drops from the head of a full queue.
    mutating func hold(_ frame: PendingFrame, for key: Key) {
        queues[key, default: []].append(frame)
        if queues[key]!.count > NodeNeighbours.queueLength { queues[key]!.removeFirst() }
    }

    /// The source of the frame queued last on the entry, for `LinuxNDP.solicitationSource`.
    func lastQueuedSource(for key: Key) -> IPv6Address? { queues[key]?.last?.source }

    /// Takes the entry's queue: it became usable, or it failed and its frames are dropped.
    mutating func takeQueue(for key: Key) -> [PendingFrame] { queues.removeValue(forKey: key) ?? [] }

    /// The interface went down (`ndisc_netdev_event`: `neigh_ifdown` when taken down,
    /// `neigh_carrier_down` on carrier loss with `ndisc_evict_nocarrier` at its default 1):
    /// its entries and their queues go.
    mutating func interfaceWentDown(_ interface: Int) {
        tables[interface].removeAll()
        queues = queues.filter { $0.key.interface != interface }
    }

    /// The machine went off: every table starts empty at the next boot.
    mutating func flush() {
        for index in tables.indices { interfaceWentDown(index) }
    }
}
