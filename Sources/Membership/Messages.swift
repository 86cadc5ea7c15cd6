import Wire

// memberlist's message bodies (net.go), one struct each. go-msgpack writes a Go struct as a
// map whose keys are the field names sorted bytewise, leaving out `omitempty` fields that
// are zero; the encoders write the keys in that order so the bytes match memberlist's.
// Decoding follows go-msgpack too: keys may come in any order, unknown keys are skipped and
// missing ones leave the zero value. The codec lives beside: `Messages+Encoding.swift` and
// `Messages+Decoding.swift` (the streaming one the packets go through) and
// `Messages+ValueTree.swift` (the same rules over `MessagePackValue` trees).

/// `ping`: a direct probe. `node` names the intended target, so a restarted process under
/// another name does not answer for the old one.
public struct Ping: Hashable, Sendable {
    public var seqNo: UInt32
    public var node: String
    /// Where to send the ack (memberlist's `SourceAddr`/`SourcePort`/`SourceNode`, all
    /// omitempty); without them the ack goes to the packet's source.
    public var sourceAddress: IPv4Address?
    public var sourcePort: UInt16
    public var sourceNode: String

    public init(
        seqNo: UInt32, node: String, sourceAddress: IPv4Address? = nil, sourcePort: UInt16 = 0, sourceNode: String = ""
    ) {
        self.seqNo = seqNo
        self.node = node
        self.sourceAddress = sourceAddress
        self.sourcePort = sourcePort
        self.sourceNode = sourceNode
    }
}

/// `indirectPingReq`: asks a member to ping `target` on the sender's behalf and relay the
/// ack (with `seqNo`, the sender's), or a nack when `nack` is set and none came in time.
public struct IndirectPing: Hashable, Sendable {
    public var seqNo: UInt32
    public var target: IPv4Address
    public var port: UInt16
    public var node: String
    public var nack: Bool
    public var sourceAddress: IPv4Address?
    public var sourcePort: UInt16
    public var sourceNode: String

    public init(
        seqNo: UInt32, target: IPv4Address, port: UInt16, node: String, nack: Bool,
        sourceAddress: IPv4Address? = nil, sourcePort: UInt16 = 0, sourceNode: String = ""
    ) {
        self.seqNo = seqNo
        self.target = target
        self.port = port
        self.node = node
        self.nack = nack
        self.sourceAddress = sourceAddress
        self.sourcePort = sourcePort
        self.sourceNode = sourceNode
    }
}

/// `ackResp`. `payload` is what a ping delegate adds (MetalLB has none: nil on the wire).
public struct Ack: Hashable, Sendable {
    public var seqNo: UInt32
    public var payload: [UInt8]

    public init(seqNo: UInt32, payload: [UInt8] = []) {
        self.seqNo = seqNo
        self.payload = payload
    }
}

/// `nackResp`.
public struct Nack: Hashable, Sendable {
    public var seqNo: UInt32

    public init(seqNo: UInt32) { self.seqNo = seqNo }
}

/// `suspect`: `from` suspects `node` at `incarnation`.
public struct Suspect: Hashable, Sendable {
    public var incarnation: UInt32
    public var node: String
    public var from: String

    public init(incarnation: UInt32, node: String, from: String) {
        self.incarnation = incarnation
        self.node = node
        self.from = from
    }
}

/// `alive`: `node` is alive at `incarnation`, reachable at `address`:`port`. Also how a
/// node announces itself and how it refutes a suspicion.
public struct Alive: Hashable, Sendable {
    public var incarnation: UInt32
    public var node: String
    public var address: IPv4Address
    public var port: UInt16
    public var meta: [UInt8]
    /// Protocol versions: pmin, pmax, pcur, delegate dmin, dmax, dcur.
    public var vsn: [UInt8]

    public init(incarnation: UInt32, node: String, address: IPv4Address, port: UInt16, meta: [UInt8] = [], vsn: [UInt8])
    {
        self.incarnation = incarnation
        self.node = node
        self.address = address
        self.port = port
        self.meta = meta
        self.vsn = vsn
    }
}

/// `dead`: `from` declares `node` dead at `incarnation`. When `from == node` the node is
/// leaving on purpose, and receivers mark it left.
public struct Dead: Hashable, Sendable {
    public var incarnation: UInt32
    public var node: String
    public var from: String

    public init(incarnation: UInt32, node: String, from: String) {
        self.incarnation = incarnation
        self.node = node
        self.from = from
    }
}

/// One member in a push/pull (`pushNodeState`).
public struct PushNodeState: Hashable, Sendable {
    public var name: String
    public var address: IPv4Address
    public var port: UInt16
    public var meta: [UInt8]
    public var incarnation: UInt32
    public var state: MemberState
    public var vsn: [UInt8]

    public init(
        name: String, address: IPv4Address, port: UInt16, meta: [UInt8] = [], incarnation: UInt32,
        state: MemberState, vsn: [UInt8]
    ) {
        self.name = name
        self.address = address
        self.port = port
        self.meta = meta
        self.incarnation = incarnation
        self.state = state
        self.vsn = vsn
    }
}

/// A full state exchange: memberlist's stream format (message type 6, a `pushPullHeader`
/// map, then one `pushNodeState` map per member; no user state), carried in one datagram.
///
/// memberlist runs push/pull over TCP: the initiator connects, sends its state, reads the
/// other's, and both merge. lbsim's simulator sends the same bytes as UDP datagrams; the one
/// addition is a `Reply` key in the header of the answer (left out of requests, so a
/// request's bytes are exactly memberlist's), standing in for the connection telling the two
/// directions apart. On a real connection (`Stream`, `Memberlist.receiveStream`) there is no
/// `Reply` key: the bytes are memberlist's both ways.
public struct PushPull: Hashable, Sendable {
    /// memberlist refuses a push/pull claiming more members than this (`maxPushStateNodes`).
    static let maximumNodes = 1024 * 1024

    /// Set on a join's exchange, echoed in the answer.
    public var join: Bool
    /// True for the answer to a request.
    public var isReply: Bool
    public var nodes: [PushNodeState]

    public init(join: Bool, isReply: Bool, nodes: [PushNodeState]) {
        self.join = join
        self.isReply = isReply
        self.nodes = nodes
    }
}

/// One decoded memberlist message.
public enum Message: Hashable, Sendable {
    case ping(Ping)
    case indirectPing(IndirectPing)
    case ack(Ack)
    case nack(Nack)
    case suspect(Suspect)
    case alive(Alive)
    case dead(Dead)
    case pushPull(PushPull)

    public var type: MessageType {
        switch self {
        case .ping: return .ping
        case .indirectPing: return .indirectPing
        case .ack: return .ack
        case .nack: return .nack
        case .suspect: return .suspect
        case .alive: return .alive
        case .dead: return .dead
        case .pushPull: return .pushPull
        }
    }
}
