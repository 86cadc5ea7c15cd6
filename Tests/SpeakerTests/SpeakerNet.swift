import Engine
import Layer2
import Membership
import OrderedCollections
import Speaker
import Wire

/// A few `Speaker`s on one simulated LAN, driven through the speaker's public entry points
/// only (smoltcp's `tests/netsim.rs` in miniature): datagrams reach their destination after
/// `latency` unless the sender or the receiver is cut off, timers fire at their time, and
/// everything happens in (time, arming order) order. What the speakers record is kept per
/// node, so a test states outcomes ("node-b announces 10.0.0.1 from 6.1 s"), not internals.
struct SpeakerNet {
    enum Event {
        case timer(node: Int, generation: Int, SpeakerTimer)
        case datagram(to: IPv4Address, from: IPv4Address, port: UInt16, payload: [UInt8])
    }

    var speakers: [Speaker?]
    var generations: [Int]
    let configurations: [SpeakerConfiguration]
    var queue: [(time: Int64, sequence: Int, event: Event)] = []
    var sequence = 0
    var now: Int64 = 0
    /// Nodes whose traffic is dropped both ways (powered off, or cut off).
    var isolated: Set<Int> = []
    var latency: Int64 = 50_000
    /// (time, node, record) for everything the speakers recorded.
    var records: [(time: Int64, node: String, record: SpeakerRecord)] = []
    var transmitted: [(time: Int64, node: String, frame: SpeakerFrame)] = []
    /// (time, node, timer, for when) for every timer a speaker armed.
    var armed: [(time: Int64, node: String, timer: SpeakerTimer, at: Int64)] = []

    static let second: Int64 = 1_000_000_000

    /// `count` nodes named node-0..., at 192.0.2.10... on eth0, all running a speaker with
    /// memberlist's LAN profile, started at t = 0.
    init(count: Int, rules: SpeakerController.Rules, membership: MembershipConfig? = .lan) {
        let addresses = (0..<count).map { IPv4Address(192, 0, 2, UInt8(10 + $0)) }
        configurations = (0..<count).map { index in
            SpeakerConfiguration(
                node: "node-\(index)", address: addresses[index],
                interfaces: [L2Interface(name: "eth0", hardwareAddress: MACAddress(2, 0, 0, 0, 0, UInt8(index + 1)))],
                rules: rules, membership: membership, speakerAddresses: addresses)
        }
        speakers = Array(repeating: nil, count: count)
        generations = Array(repeating: 0, count: count)
        for index in 0..<count { start(index) }
    }

    /// Starts (or restarts) node `index`'s speaker now, its informers listing `informer`.
    mutating func start(_ index: Int, resync: Bool = false, informer: OrderedDictionary<String, ServiceView> = [:]) {
        generations[index] += 1
        speakers[index] = Speaker(
            configuration: configurations[index],
            generator: RandomStream(seed: UInt64(index * 1000 + generations[index])),
            now: now, informer: informer, resyncWhenInformersSync: resync)
        carryOut(index)
    }

    func node(_ name: String) -> Int { configurations.firstIndex { $0.node == name }! }

    /// Runs `body` on node `index`'s speaker, then carries out its outputs.
    mutating func drive(_ index: Int, _ body: (inout Speaker, Int64) -> Void) {
        guard speakers[index] != nil else { return }
        body(&speakers[index]!, now)
        carryOut(index)
    }

    /// Every running speaker's informers deliver `views`.
    mutating func deliver(_ views: [(String, ServiceView?)]) {
        for index in speakers.indices { drive(index) { $0.handleServices(views, now: $1) } }
    }

    mutating func carryOut(_ index: Int) {
        let name = configurations[index].node
        while let output = speakers[index]?.poll() {
            switch output {
            case .transmit(let frame):
                transmitted.append((now, name, frame))
            case .datagram(let datagram):
                guard !isolated.contains(index) else { continue }
                schedule(
                    .datagram(
                        to: datagram.destination, from: configurations[index].address,
                        port: datagram.port, payload: datagram.payload), at: now + latency)
            case .record(let record):
                records.append((now, name, record))
            case .arm(let timer, let time):
                armed.append((now, name, timer, time))
                schedule(.timer(node: index, generation: generations[index], timer), at: time)
            case .exited:
                speakers[index] = nil
            }
        }
    }

    mutating func schedule(_ event: Event, at time: Int64) {
        queue.append((time, sequence, event))
        sequence += 1
    }

    /// Runs every event up to `end` included.
    mutating func run(until end: Int64) {
        while let next = queue.indices.min(by: {
            (queue[$0].time, queue[$0].sequence) < (queue[$1].time, queue[$1].sequence)
        }),
            queue[next].time <= end
        {
            let (time, _, event) = queue.remove(at: next)
            now = time
            switch event {
            case .timer(let index, let generation, let timer):
                guard generation == generations[index] else { continue }
                drive(index) { $0.handleTimeout(timer, now: $1) }
            case .datagram(let destination, let source, let port, let payload):
                guard let index = configurations.firstIndex(where: { $0.address == destination }),
                    !isolated.contains(index)
                else { continue }
                drive(index) { $0.handleDatagram(payload, from: source, port: port, now: $1) }
            }
        }
        now = end
    }

    /// The nodes announcing `ip` now, from the speakers' own records.
    func announcers(of ip: IPAddress) -> [String] {
        var current: [String] = []
        for (_, node, record) in records {
            switch record {
            case .startedAnnouncing(ip): current.append(node)
            case .stoppedAnnouncing(ip): current.removeAll { $0 == node }
            default: break
            }
        }
        return current
    }

    /// When `node` started announcing `ip` last.
    func startTime(of node: String, announcing ip: IPAddress) -> Int64? {
        records.last { $0.node == node && $0.record == .startedAnnouncing(ip) }?.time
    }

    static func view(
        _ ip: String, endpoints: [String], rules: SpeakerController.Rules,
        nodes: [String]
    ) -> ServiceView {
        let address = IPAddress.v4(IPv4Address(ip)!)
        let name = "default/svc-\(ip)"
        return ServiceView(
            name: name, isLoadBalancer: true, ingress: [address], poolProtocol: .layer2,
            readyEndpointNodes: endpoints, eligibleNodes: nodes)
    }
}
