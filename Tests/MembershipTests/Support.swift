import TestSupport
import Wire

@testable import Membership

let second: Int64 = 1_000_000_000
let millisecond: Int64 = 1_000_000

/// A tiny network for driving several `Memberlist`s: every datagram arrives a fixed latency
/// after it is sent, unless a blocking rule drops it at delivery time. Time advances to the
/// next delivery or wake-up; at one instant, deliveries go first (in send order), then
/// ticks (in node order).
struct TestNetwork {
    struct Sent: Equatable {
        var time: Int64
        var from: Int
        var destination: IPv4Address
        var port: UInt16
        var payload: [UInt8]
    }

    struct Delivery {
        var time: Int64
        var to: Int
        var from: Int
        var payload: [UInt8]
        var messages: [Message] { Packet.decode(payload).messages }
    }

    struct Recorded {
        var time: Int64
        var node: Int
        var event: MemberEvent
    }

    /// A change in how node `observer` sees the watched member.
    struct ViewChange {
        var time: Int64
        var observer: Int
        var state: MemberState?
        var incarnation: UInt32?
    }

    /// A probe `node` started (memberlist's probeNode), seen from the outside.
    struct ProbeStart: Equatable {
        var time: Int64
        var node: Int
        var target: String
        var seqNo: UInt32
    }

    var nodes: [Memberlist<SplitMix64>?] = []
    var names: [String] = []
    var now: Int64 = 0
    let latency: Int64
    private var inFlight: [(deliverAt: Int64, sequence: Int, from: Int, to: Int, payload: [UInt8])] = []
    private var sequence = 0
    /// Datagrams between these (from, to) node pairs are dropped.
    var blocked: Set<[Int]> = []
    var sent: [Sent] = []
    var delivered: [Delivery] = []
    var events: [Recorded] = []
    var discarded: [String] = []
    var watched: String?
    var viewChanges: [ViewChange] = []
    var probes: [ProbeStart] = []

    init(latency: Int64 = millisecond) {
        self.latency = latency
    }

    static func address(_ index: Int) -> IPv4Address { IPv4Address(192, 0, 2, UInt8(10 + index)) }
    static func name(_ index: Int) -> String { "node-" + String(UnicodeScalar(UInt8(97 + index))) }

    /// A cluster of `count` nodes, node i created at i × `stagger` and joining node 0.
    static func cluster(
        _ count: Int, config: MembershipConfig = .lan, seed: UInt64 = 1, stagger: Int64 = 37 * millisecond,
        watching: String? = nil
    ) -> TestNetwork {
        var network = TestNetwork()
        network.watched = watching
        for index in 0..<count {
            network.run(until: Int64(index) * stagger)
            network.start(index, config: config, seed: seed, joining: index == 0 ? [] : [0])
        }
        return network
    }

    /// Creates (or re-creates, after a crash) node `index` now, joining `seeds`.
    mutating func start(_ index: Int, config: MembershipConfig = .lan, seed: UInt64 = 1, joining seeds: [Int]) {
        while nodes.count <= index {
            nodes.append(nil)
            names.append(Self.name(nodes.count - 1))
        }
        nodes[index] = Memberlist(
            name: Self.name(index), address: Self.address(index), config: config,
            generator: SplitMix64(seed: seed &* 0x1_0000 &+ UInt64(index)), now: now)
        let output = nodes[index]!.join(seeds.map { (Self.address($0), UInt16(7946)) }, now: now)
        collect(output, from: index)
    }

    /// Stops node `index` for good (a crash, or MetalLB's shutdown after a leave).
    mutating func stop(_ index: Int) {
        nodes[index] = nil
    }

    mutating func block(_ index: Int) {
        for other in nodes.indices where other != index {
            blocked.insert([index, other])
            blocked.insert([other, index])
        }
    }

    mutating func unblock(_ index: Int) {
        blocked = blocked.filter { !$0.contains(index) }
    }

    func node(_ index: Int) -> Memberlist<SplitMix64> { nodes[index]! }

    func nodeIndex(of address: IPv4Address) -> Int? {
        nodes.indices.first { Self.address($0) == address }
    }

    /// The time of the next delivery or wake-up, if any.
    var nextTime: Int64? {
        let delivery = inFlight.map(\.deliverAt).min()
        let wakeup = nodes.compactMap { $0?.nextWakeup }.min()
        return [delivery, wakeup].compactMap { $0 }.min()
    }

    /// Runs until `time` (inclusive), then sets the clock to `time`.
    mutating func run(until time: Int64) {
        while let next = nextTime, next <= time {
            step(at: max(next, now))
        }
        now = max(now, time)
    }

    /// Runs until `condition` holds after a step, or `limit` passes. Returns whether it held.
    @discardableResult
    mutating func run(until limit: Int64, stoppingWhen condition: (TestNetwork) -> Bool) -> Bool {
        while let next = nextTime, next <= limit {
            step(at: max(next, now))
            if condition(self) { return true }
        }
        now = max(now, limit)
        return false
    }

    private mutating func step(at time: Int64) {
        now = time
        let due = inFlight.filter { $0.deliverAt <= time }.sorted { $0.sequence < $1.sequence }
        inFlight.removeAll { $0.deliverAt <= time }
        for datagram in due {
            guard nodes.indices.contains(datagram.to), nodes[datagram.to] != nil,
                !blocked.contains([datagram.from, datagram.to])
            else { continue }
            delivered.append(Delivery(time: time, to: datagram.to, from: datagram.from, payload: datagram.payload))
            let output = nodes[datagram.to]!.receive(
                datagram.payload, from: Self.address(datagram.from), port: 7946, now: time)
            collect(output, from: datagram.to)
        }
        for index in nodes.indices {
            guard let wakeup = nodes[index]?.nextWakeup, wakeup <= time else { continue }
            let before = nodes[index]!.probe
            let output = nodes[index]!.tick(now: time)
            if let probe = nodes[index]!.probe, probe.seqNo != before?.seqNo {
                probes.append(
                    ProbeStart(time: probe.startedAt, node: index, target: probe.target.name, seqNo: probe.seqNo))
            }
            collect(output, from: index)
        }
    }

    private mutating func collect(_ output: MembershipOutput, from index: Int) {
        for datagram in output.datagrams {
            sent.append(
                Sent(
                    time: now, from: index, destination: datagram.destination, port: datagram.port,
                    payload: datagram.payload))
            guard let to = nodeIndex(of: datagram.destination) else { continue }
            sequence += 1
            inFlight.append((now + latency, sequence, index, to, datagram.payload))
        }
        for event in output.events { events.append(Recorded(time: now, node: index, event: event)) }
        discarded += output.discarded.map { "\(names[index]): \($0)" }
        if let watched, let node = nodes[index] {
            let view = node.member(named: watched)
            let last = viewChanges.last { $0.observer == index }
            if last?.state != view?.state || last?.incarnation != view?.incarnation {
                viewChanges.append(
                    ViewChange(time: now, observer: index, state: view?.state, incarnation: view?.incarnation))
            }
        }
    }

    /// When `observer` first saw the watched member in `state` at or after `time`.
    func firstTime(_ observer: Int, sees state: MemberState, from time: Int64 = 0) -> Int64? {
        viewChanges.first { $0.observer == observer && $0.state == state && $0.time >= time }?.time
    }

    func events(of node: Int, about member: String) -> [Recorded] {
        events.filter { $0.node == node && $0.event.member.name == member }
    }
}
