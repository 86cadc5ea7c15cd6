import Cluster
import Engine
import IPAM
import Membership
import Speaker
import Wire

/// A node's speaker started or stopped answering for an address.
public struct AnnouncementRecord: Sendable, Hashable {
    public enum Action: String, Sendable { case start, stop }
    public var time: SimTime
    public var ip: IPAddress
    public var node: String
    public var action: Action
    /// A warm start's history left this node announcing the address at time 0: it began before
    /// the run (and its gratuitous rounds with it).
    public var inherited = false
}

/// A client's neighbour entry for an address changed its MAC or its state.
/// IPv4 entries come from the ARP table, IPv6 ones from the Neighbor Discovery table; the
/// report lists both under `arp`, the format's fixed name.
public struct ClientARPRecord: Sendable, Hashable {
    public var time: SimTime
    public var client: String
    public var ip: IPAddress
    /// nil when the entry is gone, incomplete or failed: nothing to send to.
    public var mac: MACAddress?
    public var state: NeighbourState
}

/// An `arping` client saw a different MAC answer for its target.
public struct ArpingRecord: Sendable, Hashable {
    public var time: SimTime
    public var client: String
    public var ip: IPv4Address
    public var mac: MACAddress
}

/// One TCP SYN probe and its fate.
public struct ProbeRecord: Sendable, Hashable {
    public var client: String
    public var target: IPAddress
    public var port: UInt16
    public var sentAt: SimTime
    /// When the SYN-ACK came back within the probe's timeout, if it did.
    public var answeredAt: SimTime?
    /// The node whose MAC answered.
    public var answeredBy: MACAddress?
}

/// A speaker's memberlist told it that a member joined, left (dead or gone) or changed.
public struct MembershipRecord: Sendable, Hashable {
    public var time: SimTime
    /// The node whose speaker saw the change.
    public var observer: String
    public var event: MemberEvent
}

/// A Node's Ready condition or taints changed in the API server.
public struct NodeConditionRecord: Sendable, Hashable {
    public var time: SimTime
    public var node: String
    /// What changed, as `kubectl describe node` would phrase it: `NotReady`, `Ready`,
    /// `NetworkUnavailable=True`, `evicted default/nginx`...
    public var change: String
}

/// A timeline action that found nothing to act on (the node was already off, its speaker
/// already running, or the speaker DaemonSet has no pod there): on a real cluster the command
/// would have failed or done nothing too, and the run says so rather than pass in silence.
public struct SkippedActionRecord: Sendable, Hashable {
    public var time: SimTime
    /// The action as the timeline writes it (`startSpeaker`).
    public var action: String
    public var node: String
    public var reason: String
}

/// v0.9.4: a speaker refused a new ConfigMap because an address it announces (`ip`, of
/// `service`) is in none of its pools, and kept its old config (`Speaker.handleConfig`).
public struct SpeakerConfigRefusal: Sendable, Hashable {
    public var time: SimTime
    public var node: String
    public var service: String
    public var ip: IPAddress
}

/// A speaker's interface scan opened or closed a responder on one of its node's interfaces
/// (the scans after the first; what the first opens is every speaker's starting point).
public struct ResponderRecord: Sendable, Hashable {
    public var time: SimTime
    public var node: String
    public var change: ResponderChange
}

/// A Kubernetes Event about a pod (FailedScheduling), as it was recorded.
public struct PodEventRecord: Sendable, Hashable {
    public var time: SimTime
    public var pod: String
    /// The workload that created the pod (`Workload.id`), if one did.
    public var owner: String?
    public var event: ObjectEvent
}

/// What happened during a run, for reports, expectations and the human view. Records are
/// appended in time order; the one exception is a probe's answer: the client keeps its probes
/// in flight itself and hands the answered record back (`probeUpdated`), which replaces the
/// one logged when the probe was sent, so a probe stays one record, in send order.
public final class Recorder {
    public private(set) var announcements: [AnnouncementRecord] = []
    public private(set) var clientARP: [ClientARPRecord] = []
    public private(set) var probes: [ProbeRecord] = []
    public private(set) var arping: [ArpingRecord] = []
    public private(set) var membership: [MembershipRecord] = []
    public private(set) var nodeConditions: [NodeConditionRecord] = []
    public private(set) var allocations: [AllocationRecord] = []
    public private(set) var poolConfigs: [PoolConfigRecord] = []
    public private(set) var gratuitous: [GratuitousRecord] = []
    public private(set) var podEvents: [PodEventRecord] = []
    public private(set) var skippedActions: [SkippedActionRecord] = []
    public private(set) var apiViews: [APIViewRecord] = []
    public private(set) var configRefusals: [SpeakerConfigRefusal] = []
    public private(set) var responders: [ResponderRecord] = []
    /// What each service was last recorded holding, so that only changes are recorded.
    private var lastAllocation: [String: Assignment] = [:]
    /// Frames that entered the switch.
    public internal(set) var framesOnSegment: UInt64 = 0
    /// Frames handed to a host's interface (each receiver of a flood counts).
    public internal(set) var framesDelivered: UInt64 = 0

    init() {}

    func announced(_ record: AnnouncementRecord) { announcements.append(record) }
    func arpChanged(_ record: ClientARPRecord) { clientARP.append(record) }
    func arpingChanged(_ record: ArpingRecord) { arping.append(record) }
    func memberEvent(_ record: MembershipRecord) { membership.append(record) }
    func nodeChanged(_ record: NodeConditionRecord) { nodeConditions.append(record) }
    func poolsInstalled(_ record: PoolConfigRecord) { poolConfigs.append(record) }
    func gratuitousSent(_ record: GratuitousRecord) { gratuitous.append(record) }
    func podEvent(_ record: PodEventRecord) { podEvents.append(record) }
    func skipped(_ record: SkippedActionRecord) { skippedActions.append(record) }
    func apiViewChanged(_ record: APIViewRecord) { apiViews.append(record) }

    /// What a node's speaker process reported.
    func speakerRecord(_ record: SpeakerRecord, node: String, at time: SimTime) {
        switch record {
        case .startedAnnouncing(let ip):
            announced(AnnouncementRecord(time: time, ip: ip, node: node, action: .start))
        case .stoppedAnnouncing(let ip):
            announced(AnnouncementRecord(time: time, ip: ip, node: node, action: .stop))
        case .gratuitousRound(let ip, let frames):
            gratuitousSent(GratuitousRecord(time: time, node: node, ip: ip, frames: frames))
        case .member(let event):
            memberEvent(MembershipRecord(time: time, observer: node, event: event))
        case .configRefused(let service, let ip):
            configRefusals.append(SpeakerConfigRefusal(time: time, node: node, service: service, ip: ip))
        case .responder(let change):
            responders.append(ResponderRecord(time: time, node: node, change: change))
        case .announceFailed:
            // A Service event: the node posts it to the API server (`NodeHost.flushSpeaker`).
            break
        }
    }

    /// Records what `service` holds now, if that differs from what was last recorded.
    func allocation(of service: String, is assignment: Assignment?, at time: SimTime) {
        guard lastAllocation[service] != assignment else { return }
        lastAllocation[service] = assignment
        allocations.append(AllocationRecord(time: time, service: service, assignment: assignment))
    }

    /// The services last recorded holding addresses, sorted.
    var servicesHoldingAddresses: [String] { lastAllocation.keys.sorted() }

    /// Logs a probe as sent and returns its number in the run's probe log (in send order,
    /// across every client).
    func probeSent(_ record: ProbeRecord) -> Int {
        probes.append(record)
        return probes.count - 1
    }

    /// The client's newer record of probe `number` (answered) replaces the logged one.
    func probeUpdated(_ number: Int, to record: ProbeRecord) {
        probes[number] = record
    }

    /// The end of a warm start's history (`WarmStart`): what happened before `time` is replaced
    /// by the state it left, stamped `time`: the addresses being announced (in the order their
    /// announcers started), what each service holds, the pools in force, and the pod events
    /// (a pod that never scheduled is still Pending). Memberlist's formation, gratuitous rounds
    /// and Node changes of the history are dropped, and the frame counts restart. Clients only
    /// begin at 0, so their records are untouched.
    func keepOnlyState(at time: SimTime) {
        var announcing: [(ip: IPAddress, node: String)] = []
        for record in announcements {
            switch record.action {
            case .start:
                if !announcing.contains(where: { $0.ip == record.ip && $0.node == record.node }) {
                    announcing.append((record.ip, record.node))
                }
            case .stop: announcing.removeAll { $0.ip == record.ip && $0.node == record.node }
            }
        }
        announcements = announcing.map {
            AnnouncementRecord(time: time, ip: $0.ip, node: $0.node, action: .start, inherited: true)
        }
        var lastRecordOf: [String: Int] = [:]
        for (index, record) in allocations.enumerated() { lastRecordOf[record.service] = index }
        allocations = lastRecordOf.values.sorted().compactMap { index in
            let record = allocations[index]
            return record.assignment.map { AllocationRecord(time: time, service: record.service, assignment: $0) }
        }
        poolConfigs = poolConfigs.last.map { [PoolConfigRecord(time: time, pools: $0.pools)] } ?? []
        podEvents = podEvents.map { PodEventRecord(time: time, pod: $0.pod, owner: $0.owner, event: $0.event) }
        membership = []
        apiViews = []
        configRefusals = []
        responders = []
        gratuitous = []
        nodeConditions = []
        framesOnSegment = 0
        framesDelivered = 0
    }

    public func announcers(of ip: IPv4Address, at time: SimTime) -> [String] { announcers(of: .v4(ip), at: time) }

    /// The nodes announcing `ip` just after every event at `time` has run.
    public func announcers(of ip: IPAddress, at time: SimTime) -> [String] {
        announcers(of: ip) { $0 <= time }
    }

    /// The nodes announcing `ip` just before anything at `time` happened (a fault at `time`
    /// has not struck yet).
    public func announcers(of ip: IPAddress, before time: SimTime) -> [String] {
        announcers(of: ip) { $0 < time }
    }

    private func announcers(of ip: IPAddress, upTo included: (SimTime) -> Bool) -> [String] {
        var current: [String] = []
        for record in announcements where record.ip == ip && included(record.time) {
            switch record.action {
            case .start: if !current.contains(record.node) { current.append(record.node) }
            case .stop: current.removeAll { $0 == record.node }
            }
        }
        return current
    }
}
