import Engine
import Wire

/// A protocol address a neighbour cache is keyed by: IPv4 for ARP, IPv6 for Neighbor Discovery.
public protocol NeighbourAddress: Hashable, Sendable {
    /// The address as either family, for what hosts keep of both (queues, records, timers).
    var ipAddress: IPAddress { get }
}
extension IPv4Address: NeighbourAddress {
    public var ipAddress: IPAddress { .v4(self) }
}
extension IPv6Address: NeighbourAddress {
    public var ipAddress: IPAddress { .v6(self) }
}

/// Linux's ARP table (`arp_tbl`, net/ipv4/arp.c): what the IPv4 model and its tests call the
/// neighbour table.
public typealias NeighbourTable = NeighbourCache<IPv4Address>
/// Linux's Neighbor Discovery table (`nd_tbl`, net/ipv6/ndisc.c). A separate table, as in the
/// kernel: its own entries, its own reachable time drawn from its own `neigh_parms`.
public typealias NDNeighbourTable = NeighbourCache<IPv6Address>

/// A model of one Linux neighbour table (net/core/neighbour.c) for one interface: what a
/// client on the segment believes the MAC of each address is, and the solicitations it sends
/// to find out. The state machine is the protocol-independent one both ARP and NDP share
/// (INCOMPLETE, REACHABLE, STALE, DELAY, PROBE, FAILED); how received frames feed it lives in
/// `NeighbourCache+ARP.swift` (`arp_process`) and `NeighbourCache+NDP.swift` (`ndisc_recv_na`).
///
/// Sans-IO like the protocol code: calls take the time and return what to transmit and when
/// to be called back (`TimerRequest`); the owning host schedules those.
public struct NeighbourCache<Address: NeighbourAddress>: Sendable {
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
        /// The generation of the entry's armed timer: a timer that fires with another one was
        /// superseded (re-armed or cancelled) and is ignored.
        var timerGeneration: UInt64
    }

    /// What the table wants sent: an ARP request or Neighbor Solicitation for `ip`, to every
    /// host (broadcast; for NDP the solicited-node group) or unicast to a known MAC.
    public struct Solicitation: Sendable, Hashable {
        public var ip: Address
        public var unicastTo: MACAddress?
    }

    /// A request to be called back at `time` for `ip`'s timer of generation `generation`.
    public struct TimerRequest: Sendable, Hashable {
        public var ip: Address
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
    public internal(set) var entries: [Address: Entry] = [:]
    /// The table-wide reachable time, redrawn from `baseReachableTime` every 300 s.
    public private(set) var reachableTime: SimDuration
    private var reachableTimeDrawnAt: SimTime = .zero
    private var random: RandomStream
    /// The last timer generation handed out. Table-wide, so that a timer armed for an entry
    /// that has since been removed (`removeAll`) never matches the entry that replaces it.
    private var lastTimerGeneration: UInt64 = 0

    public init(parameters: NeighbourParameters, random: RandomStream) {
        self.parameters = parameters
        self.random = random
        self.reachableTime = .zero
        self.reachableTime = drawReachableTime()
    }

    public func entry(for ip: Address) -> Entry? { entries[ip] }

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
    public mutating func resolve(_ ip: Address, now: SimTime, effects: inout Effects) -> MACAddress? {
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
    public mutating func confirm(_ ip: Address, now: SimTime) {
        guard var entry = entries[ip] else { return }
        entry.confirmed = now
        entries[ip] = entry
    }

    // MARK: timers

    /// The entry's timer fired (`neigh_timer_handler`).
    public mutating func timerFired(_ ip: Address, generation: UInt64, now: SimTime, effects: inout Effects) {
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
            cancelTimer(&entry)
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
    private func solicit(_ entry: inout Entry, ip: Address, effects: inout Effects) {
        let unicast = entry.probes < parameters.ucastSolicit ? entry.mac : nil
        entry.probes += 1
        effects.solicitations.append(Solicitation(ip: ip, unicastTo: unicast))
    }

    private mutating func arm(_ entry: inout Entry, ip: Address, at time: SimTime, effects: inout Effects) {
        cancelTimer(&entry)
        effects.timer = TimerRequest(ip: ip, time: time, generation: entry.timerGeneration)
    }

    /// Gives the entry a generation no armed timer has, so whatever timer it had is ignored.
    private mutating func cancelTimer(_ entry: inout Entry) {
        lastTimerGeneration &+= 1
        entry.timerGeneration = lastTimerGeneration
    }

    /// Every entry goes (the interface went down or the machine rebooted: `neigh_ifdown`,
    /// `neigh_carrier_down`); the host drops what waited in their queues. Timers armed for
    /// them are ignored when they fire.
    public mutating func removeAll() { entries = [:] }

    /// A fresh entry (NUD_NONE, modelled as FAILED with no address).
    func newEntry(now: SimTime) -> Entry {
        Entry(
            state: .failed, mac: nil, updated: now, confirmed: now - parameters.baseReachableTime * 2,
            used: now, probes: 0, timerGeneration: 0)
    }

    /// `__neigh_update` for an update carrying a link-layer address. `override` is
    /// NEIGH_UPDATE_F_OVERRIDE: a different address may replace the cached one.
    /// `weakOverride` is NEIGH_UPDATE_F_WEAK_OVERRIDE, which only NDP passes: a different
    /// address without override does not replace the cached one, but turns a REACHABLE
    /// (NUD_CONNECTED) entry STALE, so it gets re-checked before being trusted further.
    mutating func update(
        _ entry: inout Entry, ip: Address, mac: MACAddress, newState: NeighbourState,
        override: Bool, weakOverride: Bool = false, now: SimTime, effects: inout Effects
    ) {
        let old = entry.state
        var new = newState
        var mac = mac
        // The kernel stamps `confirmed` for a REACHABLE update before it looks at the address.
        if new == .reachable { entry.confirmed = now }
        if old.isValid, let cached = entry.mac {
            if cached != mac && !override {
                guard weakOverride, old == .reachable else { return }
                mac = cached
                new = .stale
            } else if cached == mac && new == .stale {
                new = old
            }
        }
        let changesAddress = !old.isValid || entry.mac != mac
        if new != old || changesAddress { entry.updated = now }
        if new != old {
            cancelTimer(&entry)
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
