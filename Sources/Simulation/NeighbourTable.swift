import Engine
import Wire

/// A model of the Linux IPv4 neighbour cache (net/core/neighbour.c with net/ipv4/arp.c) for one
/// interface: what a client on the segment believes the MAC of each IP is, and the ARP it
/// sends to find out.
///
/// Sans-IO like the protocol code: calls take the time and return what to transmit and when
/// to be called back (`TimerRequest`); the owning host schedules those.
public struct NeighbourTable: Sendable {
    public struct Entry: Sendable, Hashable {
        public var state: NeighbourState
        public var mac: MACAddress?
        /// Last effective change (`neigh->updated`): the locktime window starts here.
        var updated: SimTime
        /// Last reachability confirmation (`neigh->confirmed`).
        var confirmed: SimTime
        /// Last time a packet was sent through the entry (`neigh->used`).
        var used: SimTime
        /// Solicitations counted toward the state's limit (`neigh->probes`).
        var probes: Int
        /// Bumped whenever the entry's timer is re-armed, so stale timers are ignored.
        var timerGeneration: UInt64
    }

    /// What the table wants sent: an ARP request for `ip`, broadcast or unicast to a known MAC.
    public struct Solicitation: Sendable, Hashable {
        public var ip: IPv4Address
        public var unicastTo: MACAddress?
    }

    /// A request to be called back at `time` for `ip`'s timer of generation `generation`.
    public struct TimerRequest: Sendable, Hashable {
        public var ip: IPv4Address
        public var time: SimTime
        public var generation: UInt64
    }

    /// The outcome of one call: frames to send, a timer to arm, and whether queued packets for
    /// the entry can now go out (it became valid) or must be dropped (it failed).
    public struct Effects: Sendable {
        public var solicitations: [Solicitation] = []
        public var timer: TimerRequest?
        public var releaseQueue = false
        public var dropQueue = false
    }

    public let parameters: NeighbourParameters
    public private(set) var entries: [IPv4Address: Entry] = [:]
    /// The table-wide reachable time, redrawn from `baseReachableTime` every 300 s.
    public private(set) var reachableTime: SimDuration
    private var reachableTimeDrawnAt: SimTime = .zero
    private var random: RandomStream

    public init(parameters: NeighbourParameters, random: RandomStream) {
        self.parameters = parameters
        self.random = random
        self.reachableTime = .zero
        self.reachableTime = drawReachableTime()
    }

    public func entry(for ip: IPv4Address) -> Entry? { entries[ip] }

    private mutating func drawReachableTime() -> SimDuration {
        let base = parameters.baseReachableTime.nanoseconds
        guard base > 0 else { return .zero }
        return SimDuration(nanoseconds: base / 2 + random.uniform(in: 0...(base - 1)))
    }

    private mutating func refreshReachableTime(now: SimTime) {
        if now - reachableTimeDrawnAt >= .seconds(300) {
            reachableTime = drawReachableTime()
            reachableTimeDrawnAt = now
        }
    }

    // MARK: sending

    /// A packet is about to go to `ip` (`neigh_event_send`). Returns the MAC to send it to when
    /// the entry is usable now, or nil when the packet must wait in the entry's queue.
    public mutating func resolve(_ ip: IPv4Address, now: SimTime, effects: inout Effects) -> MACAddress? {
        refreshReachableTime(now: now)
        var entry = entries[ip] ?? newEntry(now: now)
        entry.used = now
        switch entry.state {
        case .reachable, .delay, .probe:
            entries[ip] = entry
            return entry.mac
        case .stale:
            entry.state = .delay
            entry.updated = now
            arm(&entry, ip: ip, at: now + parameters.delayFirstProbeTime, effects: &effects)
            entries[ip] = entry
            return entry.mac
        case .failed:
            // A new entry, or a failed one being used again: INCOMPLETE, broadcast at once;
            // with no broadcast probes allowed at all it fails on the spot and the packet is dropped.
            guard parameters.mcastSolicit > 0 else {
                entry.updated = now
                entries[ip] = entry
                effects.dropQueue = true
                return nil
            }
            entry.state = .incomplete
            entry.updated = now
            entry.probes = parameters.ucastSolicit
            arm(&entry, ip: ip, at: now + parameters.retransTime, effects: &effects)
            solicit(&entry, ip: ip, effects: &effects)
            entries[ip] = entry
            return nil
        case .incomplete:
            entries[ip] = entry
            return nil
        }
    }

    /// Upper-layer proof that the neighbour is reachable (TCP saw its SYN-ACK: `dst_confirm`).
    public mutating func confirm(_ ip: IPv4Address, now: SimTime) {
        guard var entry = entries[ip] else { return }
        entry.confirmed = now
        entries[ip] = entry
    }

    // MARK: timers

    /// The entry's timer fired (`neigh_timer_handler`).
    public mutating func timerFired(_ ip: IPv4Address, generation: UInt64, now: SimTime, effects: inout Effects) {
        guard var entry = entries[ip], entry.timerGeneration == generation else { return }
        refreshReachableTime(now: now)
        var next = now + parameters.retransTime
        switch entry.state {
        case .reachable:
            if now <= entry.confirmed + reachableTime {
                next = entry.confirmed + reachableTime
            } else if now <= entry.used + parameters.delayFirstProbeTime {
                entry.state = .delay
                entry.updated = now
                next = now + parameters.delayFirstProbeTime
            } else {
                entry.state = .stale
                entry.updated = now
            }
        case .delay:
            if now <= entry.confirmed + parameters.delayFirstProbeTime {
                entry.state = .reachable
                entry.updated = now
                next = entry.confirmed + reachableTime
            } else {
                entry.state = .probe
                entry.updated = now
                entry.probes = 0
            }
        case .probe, .incomplete:
            break
        case .stale, .failed:
            entries[ip] = entry
            return
        }
        if entry.state == .incomplete || entry.state == .probe, entry.probes >= maxProbes(entry.state) {
            entry.state = .failed
            entry.updated = now
            entry.timerGeneration &+= 1
            effects.dropQueue = true
            entries[ip] = entry
            return
        }
        if entry.state != .stale {
            // The kernel never re-arms sooner than HZ/100 from now: a REACHABLE entry whose
            // deadline is exactly now would otherwise fire at the same instant forever.
            arm(&entry, ip: ip, at: max(next, now + .milliseconds(10)), effects: &effects)
        }
        if entry.state == .incomplete || entry.state == .probe {
            solicit(&entry, ip: ip, effects: &effects)
        }
        entries[ip] = entry
    }

    /// `neigh_max_probes`: unicast + broadcast solicitations for INCOMPLETE, unicast (and no
    /// multicast re-probes, `mcast_resolicit` 0) for PROBE.
    private func maxProbes(_ state: NeighbourState) -> Int {
        parameters.ucastSolicit + (state == .probe ? 0 : parameters.mcastSolicit)
    }

    /// `arp_solicit`: while `probes` is below `ucast_solicit` the request is unicast to the
    /// cached MAC, after that it is broadcast. INCOMPLETE starts counting at `ucast_solicit`,
    /// which is why a fresh entry broadcasts from the first request.
    private func solicit(_ entry: inout Entry, ip: IPv4Address, effects: inout Effects) {
        let unicast = entry.probes < parameters.ucastSolicit ? entry.mac : nil
        entry.probes += 1
        effects.solicitations.append(Solicitation(ip: ip, unicastTo: unicast))
    }

    private func arm(_ entry: inout Entry, ip: IPv4Address, at time: SimTime, effects: inout Effects) {
        entry.timerGeneration &+= 1
        effects.timer = TimerRequest(ip: ip, time: time, generation: entry.timerGeneration)
    }

    // MARK: receiving

    /// An ARP frame arrived (`arp_process`): it may update the entry for its sender. With
    /// `arp_accept` 0 no entry is created here. `unicastToUs` is PACKET_HOST: only a unicast
    /// reply proves reachability; broadcast replies and requests leave the entry STALE.
    public mutating func arpReceived(_ packet: ARPPacket, unicastToUs: Bool, now: SimTime, effects: inout Effects) {
        let ip = packet.senderProtocolAddress
        // Gratuitous: sender IP equals target IP, and for a reply also target MAC equals sender MAC.
        var isGratuitous = packet.senderProtocolAddress == packet.targetProtocolAddress
        if isGratuitous && packet.operation == .reply {
            isGratuitous = packet.targetHardwareAddress == packet.senderHardwareAddress
        }
        // arp_accept 1 lets an unsolicited gratuitous ARP or reply create the entry.
        if entries[ip] == nil, parameters.arpAccept, isGratuitous || packet.operation == .reply, ip != .any {
            entries[ip] = newEntry(now: now)
        }
        guard var entry = entries[ip] else { return }
        let override = now > entry.updated + parameters.locktime || isGratuitous
        let newState: NeighbourState = (packet.operation == .reply && unicastToUs) ? .reachable : .stale
        update(&entry, ip: ip, mac: packet.senderHardwareAddress, newState: newState,
               override: override, now: now, effects: &effects)
        entries[ip] = entry
    }

    /// A request for one of our own addresses (`neigh_event_ns`): the sender's entry is created
    /// whatever `arp_accept` says and set STALE with override, locktime or not.
    public mutating func requestForUsReceived(_ packet: ARPPacket, now: SimTime, effects: inout Effects) {
        let ip = packet.senderProtocolAddress
        guard ip != .any else { return }
        var entry = entries[ip] ?? newEntry(now: now)
        update(&entry, ip: ip, mac: packet.senderHardwareAddress, newState: .stale, override: true, now: now,
               effects: &effects)
        entries[ip] = entry
    }

    /// A fresh entry (NUD_NONE, modelled as FAILED with no address).
    private func newEntry(now: SimTime) -> Entry {
        Entry(state: .failed, mac: nil, updated: now, confirmed: now - parameters.baseReachableTime * 2,
              used: now, probes: 0, timerGeneration: 0)
    }

    /// `__neigh_update` for an update carrying a link-layer address.
    private mutating func update(_ entry: inout Entry, ip: IPv4Address, mac: MACAddress, newState: NeighbourState,
                                 override: Bool, now: SimTime, effects: inout Effects) {
        let old = entry.state
        var new = newState
        if new == .reachable { entry.confirmed = now }
        let changesAddress = !old.isValid || entry.mac != mac
        if old.isValid {
            if entry.mac != mac && !override { return }
            if entry.mac == mac && new == .stale { new = old }
        }
        if new != old || changesAddress { entry.updated = now }
        if new != old {
            entry.timerGeneration &+= 1
            if new == .probe { entry.probes = 0 }
            if new == .reachable {
                arm(&entry, ip: ip, at: now + reachableTime, effects: &effects)
            } else if new == .delay || new == .probe || new == .incomplete {
                arm(&entry, ip: ip, at: now, effects: &effects)
            }
            entry.state = new
        }
        if changesAddress {
            entry.mac = mac
            if new != .reachable { entry.confirmed = now - parameters.baseReachableTime * 2 }
        }
        if !old.isValid && new.isValid { effects.releaseQueue = true }
    }
}
