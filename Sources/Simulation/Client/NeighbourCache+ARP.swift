import Engine
import Wire

/// How ARP frames feed the IPv4 table (`arp_process` in net/ipv4/arp.c).
extension NeighbourCache where Address == IPv4Address {
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
        update(
            &entry, ip: ip, mac: packet.senderHardwareAddress, newState: newState,
            override: override, now: now, effects: &effects)
        entries[ip] = entry
    }

    /// A request for one of our own addresses (`neigh_event_ns`): the sender's entry is created
    /// whatever `arp_accept` says and set STALE with override, locktime or not.
    public mutating func requestForUsReceived(_ packet: ARPPacket, now: SimTime, effects: inout Effects) {
        let ip = packet.senderProtocolAddress
        guard ip != .any else { return }
        var entry = entries[ip] ?? newEntry(now: now)
        update(
            &entry, ip: ip, mac: packet.senderHardwareAddress, newState: .stale, override: true, now: now,
            effects: &effects)
        entries[ip] = entry
    }
}
