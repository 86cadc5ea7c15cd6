import Membership
import Wire

/// The speaker's memberlist (MetalLB's `speakerlist`): joining the other speakers, the minute
/// rejoin, leaving on a graceful stop, and ForceSync on every membership event, as
/// `memberlistWatchEvents` does.
///
/// Joining follows MetalLB: the speaker joins the speakers' addresses that are not live
/// members yet, once when its informers first sync, again every minute, and when a Node
/// changes (see `handleNodeChanged`). That minute decides how long a healed partition stays
/// split when the two sides have already forgotten each other.
extension Speaker {
    /// A UDP datagram for the memberlist port arrived from `source`:`sourcePort`.
    public mutating func handleDatagram(
        _ payload: [UInt8], from source: IPv4Address, port sourcePort: UInt16,
        now: Int64
    ) {
        guard !hasExited, memberlist != nil else { return }
        let output = memberlist!.receive(payload, from: source, port: sourcePort, now: now)
        handle(output, now: now)
    }

    /// A memberlist message read off a TCP connection (a live driver; the simulator carries
    /// push/pulls as datagrams). `dialed` false: the other side connected, and the returned
    /// message (unframed) is written back on that connection; `dialed` true: the answer to a
    /// push/pull this speaker started (a `.stream` datagram). See `Memberlist.receiveStream`.
    public mutating func handleStream(
        _ message: [UInt8], from source: IPv4Address, port sourcePort: UInt16,
        dialed: Bool, now: Int64
    ) -> [UInt8]? {
        guard !hasExited, memberlist != nil else { return nil }
        let (reply, output) = memberlist!.receiveStream(
            message, from: source, port: sourcePort, dialed: dialed,
            now: now)
        handle(output, now: now)
        return reply
    }

    /// A join's push/pull as it would be written now (see `Memberlist.joinPayload`).
    public mutating func joinPayload(now: Int64) -> [UInt8]? {
        guard !hasExited, memberlist != nil else { return nil }
        return memberlist!.joinPayload(now: now)
    }

    /// MetalLB's `mlJoin`: a join through every speaker address that is not a live member.
    mutating func joinMissingSpeakers(now: Int64) {
        guard memberlist != nil, leaveDeadline == nil else { return }
        let known = Set(memberlist!.liveMembers.map(\.address))
        let port = configuration.memberlistPort
        let seeds = configuration.speakerAddresses
            .filter { $0 != configuration.address && !known.contains($0) }
            .map { ($0, port) }
        guard !seeds.isEmpty else { return }
        let output = memberlist!.join(seeds, now: now)
        handle(output, now: now)
    }

    /// Sends what memberlist produced, passes its events on (records, the live set, one
    /// ForceSync per instant; v0.9.4 one rate-limited ForceSync per event), and finishes a
    /// pending leave.
    mutating func handle(_ output: MembershipOutput, now: Int64) {
        for datagram in output.datagrams { outbox.append(.datagram(datagram)) }
        if !output.events.isEmpty {
            applyToUsableSpeakers(output.events)
            for event in output.events { outbox.append(.record(.member(event))) }
            if controller.rules == .v0_9_4 {
                // One ForceSync per event, each through the rate limiter.
                for _ in output.events { requeueAllRateLimited(now: now) }
            } else if !forceSyncQueued {
                forceSyncQueued = true
                arm(.forceSync, at: now)
            }
        }
        if leaveDeadline != nil, memberlist?.leaveBroadcastFinished == true { return exit() }
        armMembershipWakeup(now: now)
    }

    /// Follows the live set through memberlist's events instead of rebuilding it: a join makes
    /// a member live, a leave (dead or left) takes it out, an update changes neither. At 200
    /// nodes the rebuild, once per event burst on every node, was a twentieth of a run. Debug
    /// builds (the tests) check the result against the rebuild.
    mutating func applyToUsableSpeakers(_ events: [MemberEvent]) {
        guard let memberlist else { return }
        guard usableSpeakers != nil else {
            usableSpeakers = Set(memberlist.liveMembers.map(\.name))
            return
        }
        for event in events {
            switch event.kind {
            case .join: usableSpeakers!.insert(event.member.name)
            case .leave: usableSpeakers!.remove(event.member.name)
            case .update: break
            }
        }
        assert(
            usableSpeakers == Set(memberlist.liveMembers.map(\.name)),
            "\(configuration.node): the live set followed through events differs from memberlist's members")
    }

    mutating func armMembershipWakeup(now: Int64) {
        guard let wakeup = memberlist?.nextWakeup else { return }
        let time = max(wakeup, now)
        if let scheduled = scheduledMembershipWakeup, scheduled <= time, scheduled >= now { return }
        scheduledMembershipWakeup = time
        arm(.memberlist, at: time)
    }
}
