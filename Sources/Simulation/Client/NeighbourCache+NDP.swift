import Engine
import Wire

/// How Neighbor Discovery messages feed the IPv6 table: solicitations for one of our own
/// addresses create or refresh the sender's entry (`ndisc_recv_ns`, below), and advertisements
/// update the target's (`ndisc_recv_na` in net/ipv6/ndisc.c, then `__neigh_update` in
/// net/core/neighbour.c). For advertisements, RFC 4861 section 7.2.5 as Linux implements it:
///
/// - Only an existing entry is updated: with `accept_untracked_na` 0 (the default) an
///   advertisement for an address the host has not been resolving creates nothing, however
///   it is flagged. MetalLB's unsolicited advertisements therefore only move caches that
///   already hold the service address.
/// - A FAILED entry ignores advertisements (`ndisc_recv_na` returns early on NUD_FAILED): it
///   comes back only when the next packet starts a new resolution.
/// - The new state is REACHABLE for a solicited advertisement (S=1) and STALE otherwise.
/// - O=1 is NEIGH_UPDATE_F_OVERRIDE: a different link-layer address replaces the cached one.
///   With O=0 a different address is not taken; because NDP always passes
///   NEIGH_UPDATE_F_WEAK_OVERRIDE, a REACHABLE entry then turns STALE (keeping its address)
///   and any other state is left alone.
/// - The same address with S=0 leaves the state as it is (RFC 4861: "otherwise the state
///   remains unchanged"): `__neigh_update` keeps the old state for a STALE update that does
///   not change the address.
/// - There is no locktime: ARP's `locktime` is applied by `arp_process` when it computes its
///   override flag; `ndisc_recv_na` passes the O flag straight through, so an override is
///   honoured however recently the entry changed.
extension NeighbourCache where Address == IPv6Address {
    /// A Neighbor Advertisement arrived for `message.target`. Messages other than an
    /// advertisement are ignored. An advertisement without a Target Link-Layer Address option
    /// can only refresh a valid entry's state with its cached address.
    public mutating func advertisementReceived(_ message: NDPMessage, now: SimTime, effects: inout Effects) {
        guard case .neighborAdvertisement(_, let solicited, let override, let target, _) = message,
            var entry = entries[target], entry.state != .failed
        else { return }
        guard let mac = message.targetLinkLayerAddress ?? (entry.state.isValid ? entry.mac : nil) else { return }
        update(
            &entry, ip: target, mac: mac, newState: solicited ? .reachable : .stale, override: override,
            weakOverride: true, now: now, effects: &effects)
        entries[target] = entry
    }

    /// A valid Neighbor Solicitation for one of our own addresses arrived from `header.source`
    /// (not ::, which gets no entry), and `ndisc_recv_ns` updates the entry for its sender
    /// before answering. Returns whether it answers: only when that entry exists.
    ///
    /// - The entry is created when the solicitation was unicast, or carries a Source
    ///   Link-Layer Address option (`__neigh_lookup` with `creat = !inc || lladdr`); a
    ///   multicast one without the option, for a sender we have no entry for, gets no answer.
    ///   A unicast one without it leaves the new entry without an address: the answer's
    ///   resolution makes it (`resolve`, as the answer goes out).
    /// - With the option the entry goes STALE at that address, overriding a different one
    ///   (NEIGH_UPDATE_F_OVERRIDE); the same address leaves a valid entry's state alone.
    /// - Without it a valid entry keeps its address and state; an entry with no address stays
    ///   as it is, and the answer resolves the sender first.
    public mutating func solicitationForUsReceived(
        _ message: NDPMessage, in header: IPv6Header, now: SimTime, effects: inout Effects
    ) -> Bool {
        let sender = header.source
        let option = message.sourceLinkLayerAddress
        guard sender != .unspecified else { return false }
        guard var entry = entries[sender] ?? option.map({ _ in newEntry(now: now) }) else {
            return !header.destination.isMulticast
        }
        if let mac = option ?? (entry.state.isValid ? entry.mac : nil) {
            update(
                &entry, ip: sender, mac: mac, newState: .stale, override: true, weakOverride: true, now: now,
                effects: &effects)
        }
        entries[sender] = entry
        return true
    }
}
