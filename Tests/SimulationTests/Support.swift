import Cluster
import Engine
import IPAM
import Testing
import Wire

@testable import Simulation

// Addresses used throughout: documentation space only (RFC 5737 192.0.2.0/24, and locally
// administered MACs), so nothing here can be mistaken for a real network.

let clientIP = IPv4Address(192, 0, 2, 100)
let clientMAC = MACAddress(0x02, 0x00, 0x00, 0x00, 0x01, 0x00)
let peerIP = IPv4Address(192, 0, 2, 50)
let macA = MACAddress(0x02, 0x00, 0x00, 0x00, 0x00, 0x0a)
let macB = MACAddress(0x02, 0x00, 0x00, 0x00, 0x00, 0x0b)
let vip = IPv4Address(192, 0, 2, 200)
let unannouncedIP = IPv4Address(192, 0, 2, 201)

extension SimTime {
    /// An instant given in milliseconds since the start of the run.
    static func ms(_ ms: Int64) -> SimTime { SimTime(nanoseconds: ms * 1_000_000) }
}

// MARK: ARP packets as the various senders build them

/// A plain ARP reply from `ip`/`mac` to the client (Linux or MetalLB answering a request).
func reply(from ip: IPv4Address, mac: MACAddress) -> ARPPacket {
    ARPPacket(
        operation: .reply, senderHardwareAddress: mac, senderProtocolAddress: ip,
        targetHardwareAddress: clientMAC, targetProtocolAddress: clientIP)
}

/// An ARP request from `ip`/`mac` asking for some other address (not the client's).
func request(from ip: IPv4Address, mac: MACAddress, asking target: IPv4Address = IPv4Address(192, 0, 2, 1)) -> ARPPacket
{
    ARPPacket(
        operation: .request, senderHardwareAddress: mac, senderProtocolAddress: ip,
        targetHardwareAddress: .zero, targetProtocolAddress: target)
}

/// A gratuitous request: spa == tpa.
func gratuitousRequest(for ip: IPv4Address, mac: MACAddress) -> ARPPacket {
    ARPPacket(
        operation: .request, senderHardwareAddress: mac, senderProtocolAddress: ip,
        targetHardwareAddress: .broadcast, targetProtocolAddress: ip)
}

/// A gratuitous-looking reply with spa == tpa and the given target hardware address:
/// MetalLB sends tha = ff:ff:ff:ff:ff:ff, arping -A sends tha = sha.
func gratuitousReply(for ip: IPv4Address, mac: MACAddress, tha: MACAddress) -> ARPPacket {
    ARPPacket(
        operation: .reply, senderHardwareAddress: mac, senderProtocolAddress: ip,
        targetHardwareAddress: tha, targetProtocolAddress: ip)
}

// MARK: driving a NeighbourTable the way a host does

/// Drives one `NeighbourTable` as `ClientHost` and `World` do: every timer request is kept and
/// fired in (time, request order), stale generations included (the table must ignore them).
/// Everything the table asks for is logged with its time. Generic over the table's address
/// family: `NeighbourDriver` drives the ARP table, `NDDriver` the Neighbor Discovery one.
typealias NeighbourDriver = CacheDriver<IPv4Address>
typealias NDDriver = CacheDriver<IPv6Address>

struct CacheDriver<Address: NeighbourAddress> {
    struct Sent: Hashable {
        var time: SimTime
        var solicitation: NeighbourCache<Address>.Solicitation
    }

    struct Transition: Hashable {
        var time: SimTime
        var state: NeighbourState
    }

    var table: NeighbourCache<Address>
    let ip: Address
    private var timers: [(request: NeighbourCache<Address>.TimerRequest, order: Int)] = []
    private var order = 0
    private(set) var sent: [Sent] = []
    private(set) var transitions: [Transition] = []
    private(set) var released: [SimTime] = []
    private(set) var dropped: [SimTime] = []
    /// Set when a timer re-armed itself for the instant it fired at: a host would loop forever.
    private(set) var loopedAt: SimTime?

    init(ip: Address, parameters: NeighbourParameters = NeighbourParameters(), seed: UInt64 = 1) {
        self.ip = ip
        table = NeighbourCache<Address>(parameters: parameters, random: RandomStream(seed: seed))
    }

    var state: NeighbourState? { table.entry(for: ip)?.state }
    var mac: MACAddress? { table.entry(for: ip)?.mac }
    /// The time of the latest armed timer, whatever its generation.
    var lastTimer: NeighbourCache<Address>.TimerRequest? { timers.max { $0.order < $1.order }?.request }

    @discardableResult
    mutating func resolve(at time: SimTime) -> (mac: MACAddress?, effects: NeighbourCache<Address>.Effects) {
        advance(to: time, inclusive: false)
        var effects = NeighbourCache<Address>.Effects()
        let mac = table.resolve(ip, now: time, effects: &effects)
        absorb(effects, at: time)
        return (mac, effects)
    }

    mutating func confirm(at time: SimTime) {
        advance(to: time, inclusive: false)
        table.confirm(ip, now: time)
    }

    /// Fires every timer due up to `end` (included unless `inclusive` is false), in order.
    mutating func advance(to end: SimTime, inclusive: Bool = true) {
        var firedAtSameInstant = 0
        var lastFire: SimTime?
        while let next = timers.indices.min(by: { lhs, rhs in
            let l = timers[lhs]
            let r = timers[rhs]
            return l.request.time != r.request.time ? l.request.time < r.request.time : l.order < r.order
        }), inclusive ? timers[next].request.time <= end : timers[next].request.time < end {
            let timer = timers.remove(at: next).request
            if timer.time == lastFire { firedAtSameInstant += 1 } else { firedAtSameInstant = 0 }
            lastFire = timer.time
            if firedAtSameInstant > 100 {
                // The table keeps re-arming for `now`: a host's event loop would never get past it.
                loopedAt = timer.time
                timers.removeAll()
                return
            }
            var effects = NeighbourCache<Address>.Effects()
            table.timerFired(timer.ip, generation: timer.generation, now: timer.time, effects: &effects)
            absorb(effects, at: timer.time)
        }
    }

    mutating func absorb(_ effects: NeighbourCache<Address>.Effects, at time: SimTime) {
        for solicitation in effects.solicitations { sent.append(Sent(time: time, solicitation: solicitation)) }
        if let timer = effects.timer {
            timers.append((timer, order))
            order += 1
        }
        if effects.releaseQueue { released.append(time) }
        if effects.dropQueue { dropped.append(time) }
        if let state, transitions.last?.state != state { transitions.append(Transition(time: time, state: state)) }
    }
}

extension CacheDriver where Address == IPv4Address {
    init(parameters: NeighbourParameters = NeighbourParameters(), seed: UInt64 = 1) {
        self.init(ip: peerIP, parameters: parameters, seed: seed)
    }

    @discardableResult
    mutating func receive(_ packet: ARPPacket, unicast: Bool, at time: SimTime) -> NeighbourTable.Effects {
        advance(to: time, inclusive: false)
        var effects = NeighbourTable.Effects()
        table.arpReceived(packet, unicastToUs: unicast, now: time, effects: &effects)
        absorb(effects, at: time)
        return effects
    }

    /// Brings the entry to REACHABLE with `mac` at `time`: resolve, then a unicast reply.
    mutating func makeReachable(mac: MACAddress, at time: SimTime) {
        resolve(at: time)
        receive(reply(from: ip, mac: mac), unicast: true, at: time)
    }

    /// Brings the entry to STALE with `mac` at `time`: resolve, then a broadcast reply.
    mutating func makeStale(mac: MACAddress, at time: SimTime) {
        resolve(at: time)
        receive(reply(from: ip, mac: mac), unicast: false, at: time)
    }
}

// MARK: recording what the world puts on the wire

/// A `TraceSink` that keeps every frame in memory.
final class RecordingTrace: TraceSink {
    struct Frame: Hashable {
        var time: SimTime
        var bytes: [UInt8]
    }

    struct PortFrame: Hashable {
        var port: Int
        var time: SimTime
        var bytes: [UInt8]
    }

    let wantsInterfaceFrames: Bool
    private(set) var segment: [Frame] = []
    private(set) var interface: [PortFrame] = []

    init(wantsInterfaceFrames: Bool = true) { self.wantsInterfaceFrames = wantsInterfaceFrames }

    func segmentFrame(_ frame: [UInt8], at time: SimTime) { segment.append(Frame(time: time, bytes: frame)) }

    func interfaceFrame(port: Int, _ frame: [UInt8], at time: SimTime) {
        interface.append(PortFrame(port: port, time: time, bytes: frame))
    }

    /// Frames seen on `port` whose Ethernet source is not `mac`: what the host there received.
    func received(on port: Int, notFrom mac: MACAddress) -> [PortFrame] {
        interface.filter { $0.port == port && Segment.source(of: $0.bytes) != mac }
    }
}

/// Decoded ARP packets of a list of frames, with their Ethernet header.
func arpPackets(_ frames: [RecordingTrace.Frame]) -> [(time: SimTime, ethernet: EthernetHeader, arp: ARPPacket)] {
    frames.compactMap { frame in
        guard let decoded = try? EthernetFrame.decode(frame.bytes), case .arp(let packet) = decoded.payload else {
            return nil
        }
        return (frame.time, decoded.ethernet, packet)
    }
}

/// A frame of an EtherType no host understands (IEEE local experimental 0x88B5): hosts ignore
/// it, so only the switch acts on it.
func inertFrame(to destination: MACAddress, from source: MACAddress, tag: UInt8 = 0) -> [UInt8] {
    var frame: [UInt8] = []
    frame += destination.octets
    frame += source.octets
    frame += [0x88, 0xB5, tag]
    frame += [UInt8](repeating: 0, count: EthernetFrame.minimumLength - frame.count)
    return frame
}

// MARK: worlds

func nodeSpec(_ index: Int) -> WorldConfig.NodeSpec {
    let letter = Character(UnicodeScalar(UInt8(ascii: "a") + UInt8(index)))
    return WorldConfig.NodeSpec(
        name: "node-\(letter)", mac: MACAddress(0x02, 0x00, 0x00, 0x00, 0x00, UInt8(0x10 + index)),
        ip: IPv4Address(192, 0, 2, UInt8(11 + index)))
}

func clientSpec(
    _ index: Int, probe: WorldConfig.ProbeSpec? = nil,
    neighbour: NeighbourParameters = NeighbourParameters()
) -> WorldConfig.ClientSpec {
    WorldConfig.ClientSpec(
        name: "client-\(index)", mac: MACAddress(0x02, 0x00, 0x00, 0x00, 0x01, UInt8(index)),
        ip: IPv4Address(192, 0, 2, UInt8(100 + index)), probe: probe, neighbour: neighbour)
}

/// A world of `nodeCount` nodes and one client probing `probeTarget` on port 80, with a
/// MetalLB pool holding only the VIP, one LoadBalancer service `default/web` on port 80 and
/// one Ready pod on node-a.
func clusterWorld(
    seed: UInt64 = 7, nodeCount: Int = 1, probeTarget: IPv4Address? = vip,
    probeEvery: SimDuration = .seconds(1), latency: SimDuration = .microseconds(50),
    lossPPM: UInt32 = 0, trace: TraceSink? = nil
) throws -> World {
    let probe = probeTarget.map { WorldConfig.ProbeSpec(target: $0, port: 80, every: probeEvery) }
    let config = WorldConfig(
        seed: seed, duration: .seconds(60), latency: latency, lossPPM: lossPPM,
        nodes: (0..<nodeCount).map(nodeSpec), clients: [clientSpec(0, probe: probe)])
    let world = World(config: config, trace: trace)
    try world.applyMetalLBConfig([AddressPool(name: "pool", cidrs: [IPv4CIDR(network: vip, prefixLength: 32)])])
    applyWebService(to: world)
    return world
}

/// A world without a cluster: `clients` clients (no probes) and `nodes` nodes, for switch tests.
/// Memberlist is off, so the only frames are the ones a test injects.
func bareWorld(
    seed: UInt64 = 1, nodes: Int = 0, clients: Int, latency: SimDuration = .microseconds(50),
    lossPPM: UInt32 = 0, fdbAging: SimDuration = .seconds(300), trace: TraceSink? = nil
) -> World {
    let config = WorldConfig(
        seed: seed, duration: .seconds(60), latency: latency, lossPPM: lossPPM,
        fdbAging: fdbAging, membership: nil, nodes: (0..<nodes).map(nodeSpec),
        clients: (0..<clients).map { clientSpec($0) })
    return World(config: config, trace: trace)
}

extension World {
    /// Puts `frame` on the wire from `port` at `time` (through the world's own event queue).
    func inject(_ frame: [UInt8], from port: Int32, at time: SimTime) {
        at(time) { world in world.transmit(frame, from: port) }
    }
}

// MARK: IPv6

let clientIPv6 = IPv6Address("2001:db8::100")!
let peerIPv6 = IPv6Address("2001:db8::50")!
let vip6 = IPv6Address("2001:db8::200")!

/// A Neighbor Advertisement for `target` with the given flags and Target Link-Layer Address.
func advertisement(for target: IPv6Address = peerIPv6, solicited: Bool, override: Bool, mac: MACAddress?) -> NDPMessage
{
    .neighborAdvertisement(
        router: false, solicited: solicited, override: override, target: target,
        options: mac.map { [.targetLinkLayerAddress($0)] } ?? [])
}

extension CacheDriver where Address == IPv6Address {
    init(parameters: NeighbourParameters = NeighbourParameters(), seed: UInt64 = 1) {
        self.init(ip: peerIPv6, parameters: parameters, seed: seed)
    }

    @discardableResult
    mutating func receive(_ message: NDPMessage, at time: SimTime) -> NDNeighbourTable.Effects {
        advance(to: time, inclusive: false)
        var effects = NDNeighbourTable.Effects()
        table.advertisementReceived(message, now: time, effects: &effects)
        absorb(effects, at: time)
        return effects
    }

    /// Resolve, then a solicited advertisement (what MetalLB's responder sends): REACHABLE.
    mutating func makeReachable(mac: MACAddress, at time: SimTime) {
        resolve(at: time)
        receive(advertisement(solicited: true, override: false, mac: mac), at: time)
    }
}

/// Like `clusterWorld`, for IPv6: the pool holds only `vip6`, `default/web` is an IPv6
/// service on port 80, and client-0 (with `clientIPv6`) probes `[vip6]:80` every `probeEvery`.
/// With another `probePort` the SYNs match no kube-proxy rule and go unanswered.
/// Without `probing`, client-0 sends nothing of its own: only what a test injects, and its
/// kernel's answers.
func clusterWorldIPv6(
    nodeCount: Int = 1, probePort: UInt16 = 80, probeEvery: SimDuration = .milliseconds(100),
    probing: Bool = true, duration: SimDuration = .seconds(120), trace: TraceSink? = nil
) throws -> World {
    let probe = WorldConfig.ProbeSpec(target: .v6(vip6), port: probePort, every: probeEvery)
    var client = clientSpec(0, probe: probing ? probe : nil)
    client.ipv6 = clientIPv6
    let config = WorldConfig(seed: 7, duration: duration, nodes: (0..<nodeCount).map(nodeSpec), clients: [client])
    let world = World(config: config, trace: trace)
    try world.applyMetalLBConfig([AddressPool(name: "pool", cidrs: [.v6(IPv6CIDR(network: vip6, prefixLength: 128))])])
    world.applyService(
        Service(
            meta: ObjectMeta(name: "web"), type: .loadBalancer, ports: [ServicePort(port: 80)],
            selector: LabelSelector(["app": "web"]), ipFamilies: [.ipv6]))
    world.applyPod(
        Pod(meta: ObjectMeta(name: "web-1", labels: ["app": "web"]), nodeName: "node-a", ready: true),
        startsReady: true)
    return world
}

/// A Neighbor Solicitation for `target` from `source`, sent by `mac` (also in its Source
/// Link-Layer Address option, unless `withOption` is false) to `destination` (the target's
/// solicited-node group unless given, at its multicast MAC or `ethernetDestination`), with the
/// hop limit and ICMPv6 code given and a correct checksum unless `badChecksum`.
func solicitationFrame(
    for target: IPv6Address, from source: IPv6Address, mac: MACAddress, to destination: IPv6Address? = nil,
    ethernetDestination: MACAddress? = nil, withOption: Bool = true, hopLimit: UInt8 = 255, code: UInt8 = 0,
    badChecksum: Bool = false
) -> [UInt8] {
    let destination = destination ?? target.solicitedNodeMulticast
    var frame = EthernetFrame.ndp(
        .neighborSolicitation(target: target, options: withOption ? [.sourceLinkLayerAddress(mac)] : []),
        destination: ethernetDestination ?? destination.multicastMAC, source: mac, ipSource: source,
        ipDestination: destination)
    let body = EthernetHeader.length + IPv6Header.length
    frame[EthernetHeader.length + 7] = hopLimit
    frame[body + 1] = code
    frame[body + 2] = 0
    frame[body + 3] = 0
    let length = frame.count - body
    let checksum = frame.withUnsafeBytes {
        InternetChecksum.checksum(
            UnsafeRawBufferPointer(rebasing: $0[body...]),
            initial: InternetChecksum.pseudoHeaderSum(
                source: source, destination: destination, protocol: .icmpv6, length: length))
    }
    frame[body + 2] = UInt8(checksum >> 8)
    frame[body + 3] = UInt8(checksum & 0xFF) ^ (badChecksum ? 0x01 : 0)
    return frame
}

/// Decoded Neighbor Discovery messages of a list of frames, with their Ethernet and IPv6 headers.
func ndpMessages(_ frames: [RecordingTrace.Frame]) -> [(
    time: SimTime, ethernet: EthernetHeader, ip: IPv6Header, message: NDPMessage
)] {
    frames.compactMap { frame in
        guard let decoded = try? EthernetFrame.decode(frame.bytes), case .ipv6NDP(let ip, let message) = decoded.payload
        else { return nil }
        return (frame.time, decoded.ethernet, ip, message)
    }
}

/// One node (`node-0`'s spec) with `extra` as its second NIC, one client probing the VIP every
/// `probeEvery`, the VIP's /32 pool, an L2Advertisement naming `interfaces`, and `default/web`:
/// the world of the tests about a node's NICs.
func twoNICWorld(
    extra: WorldConfig.InterfaceSpec, interfaces: [String], duration: SimDuration, probeEvery: SimDuration,
    trace: TraceSink? = nil
) -> World {
    var node = nodeSpec(0)
    node.extraInterfaces = [extra]
    let config = WorldConfig(
        seed: 9, duration: duration, version: .current, nodes: [node],
        clients: [clientSpec(0, probe: .init(target: vip, port: 80, every: probeEvery))])
    let world = World(config: config, trace: trace)
    var resources = MetalLBResources()
    resources.ipAddressPools["pool"] = (
        AddressPool(name: "pool", cidrs: [IPv4CIDR(network: vip, prefixLength: 32)]), [:]
    )
    resources.l2Advertisements["l2"] = L2Advertisement(name: "l2", interfaces: interfaces)
    world.applyMetalLBResources(resources)
    applyWebService(to: world)
    return world
}

/// The one service the simulation tests use: `default/web`, a LoadBalancer on port 80, with
/// one Ready pod `web-1` on `node`.
func applyWebService(to world: World, podNode node: String = "node-a") {
    world.applyService(
        Service(
            meta: ObjectMeta(name: "web"), type: .loadBalancer, ports: [ServicePort(port: 80)],
            selector: LabelSelector(["app": "web"])))
    world.applyPod(
        Pod(meta: ObjectMeta(name: "web-1", labels: ["app": "web"]), nodeName: node, ready: true),
        startsReady: true)
}
