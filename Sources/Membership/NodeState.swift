import Wire

/// One member in a node's list (memberlist's `nodeState`): what `Member` shows, plus the
/// protocol versions that decide whether it is sent nacks and CRCs.
struct NodeState: Sendable, Hashable {
    var name: String
    var address: IPv4Address
    var port: UInt16
    var meta: [UInt8]
    var incarnation: UInt32
    var state: MemberState
    var stateChange: Int64
    /// pmin, pmax, pcur, dmin, dmax, dcur as the member's alive message gave them.
    var vsn: [UInt8]

    /// The highest protocol version the member understands (PMax): 4 and up answer
    /// indirect probes with nacks, 5 and up take packets with a CRC.
    var protocolMax: UInt8 { vsn.count > 1 ? vsn[1] : 0 }

    var member: Member {
        Member(
            name: name, address: address, port: port, incarnation: incarnation, state: state,
            stateChange: stateChange, meta: meta)
    }

    var pushState: PushNodeState {
        PushNodeState(
            name: name, address: address, port: port, meta: meta, incarnation: incarnation,
            state: state, vsn: vsn)
    }
}
