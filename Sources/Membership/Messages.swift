import Wire

// memberlist's message bodies (net.go), one struct each. go-msgpack writes a Go struct as a
// map whose keys are the field names sorted bytewise, leaving out `omitempty` fields that
// are zero; `msgpack` below writes the keys in that order so the bytes match memberlist's.
// Decoding follows go-msgpack too: keys may come in any order, unknown keys are skipped and
// missing ones leave the zero value.

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

    public init(seqNo: UInt32, node: String, sourceAddress: IPv4Address? = nil, sourcePort: UInt16 = 0, sourceNode: String = "") {
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

    public init(seqNo: UInt32, target: IPv4Address, port: UInt16, node: String, nack: Bool,
                sourceAddress: IPv4Address? = nil, sourcePort: UInt16 = 0, sourceNode: String = "") {
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

    public init(incarnation: UInt32, node: String, address: IPv4Address, port: UInt16, meta: [UInt8] = [], vsn: [UInt8]) {
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

    public init(name: String, address: IPv4Address, port: UInt16, meta: [UInt8] = [], incarnation: UInt32,
                state: MemberState, vsn: [UInt8]) {
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
/// other's, and both merge. lbsim sends the same bytes as UDP datagrams; the one addition
/// is a `Reply` key in the header of the answer (left out of requests, so a request's bytes
/// are exactly memberlist's), standing in for the connection telling the two directions apart.
public struct PushPull: Hashable, Sendable {
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

// MARK: - Encoding

extension Message {
    /// The message as memberlist puts it in a packet: the type byte, then the body.
    public var encoded: [UInt8] {
        var bytes: [UInt8] = [type.rawValue]
        switch self {
        case let .ping(m): m.msgpack.encode(into: &bytes)
        case let .indirectPing(m): m.msgpack.encode(into: &bytes)
        case let .ack(m): m.msgpack.encode(into: &bytes)
        case let .nack(m): m.msgpack.encode(into: &bytes)
        case let .suspect(m): m.msgpack.encode(into: &bytes)
        case let .alive(m): m.msgpack.encode(into: &bytes)
        case let .dead(m): m.msgpack.encode(into: &bytes)
        case let .pushPull(m):
            m.header.encode(into: &bytes)
            for node in m.nodes { node.msgpack.encode(into: &bytes) }
        }
        return bytes
    }
}

/// A Go `[]byte` on the wire: nil when empty (go-msgpack writes a nil slice as nil).
private func byteSlice(_ bytes: [UInt8]) -> MessagePackValue { bytes.isEmpty ? .nil : .raw(bytes) }

private func addressBytes(_ address: IPv4Address) -> MessagePackValue { .raw(address.octets) }

extension Ping {
    var msgpack: MessagePackValue {
        var entries = [MessagePackEntry("Node", .string(node)), MessagePackEntry("SeqNo", .uint(UInt64(seqNo)))]
        if let sourceAddress { entries.append(MessagePackEntry("SourceAddr", addressBytes(sourceAddress))) }
        if !sourceNode.isEmpty { entries.append(MessagePackEntry("SourceNode", .string(sourceNode))) }
        if sourcePort != 0 { entries.append(MessagePackEntry("SourcePort", .uint(UInt64(sourcePort)))) }
        return .map(entries)
    }
}

extension IndirectPing {
    var msgpack: MessagePackValue {
        var entries = [
            MessagePackEntry("Nack", .bool(nack)),
            MessagePackEntry("Node", .string(node)),
            MessagePackEntry("Port", .uint(UInt64(port))),
            MessagePackEntry("SeqNo", .uint(UInt64(seqNo))),
        ]
        if let sourceAddress { entries.append(MessagePackEntry("SourceAddr", addressBytes(sourceAddress))) }
        if !sourceNode.isEmpty { entries.append(MessagePackEntry("SourceNode", .string(sourceNode))) }
        if sourcePort != 0 { entries.append(MessagePackEntry("SourcePort", .uint(UInt64(sourcePort)))) }
        entries.append(MessagePackEntry("Target", addressBytes(target)))
        return .map(entries)
    }
}

extension Ack {
    var msgpack: MessagePackValue {
        .map([MessagePackEntry("Payload", byteSlice(payload)), MessagePackEntry("SeqNo", .uint(UInt64(seqNo)))])
    }
}

extension Nack {
    var msgpack: MessagePackValue { .map([MessagePackEntry("SeqNo", .uint(UInt64(seqNo)))]) }
}

extension Suspect {
    var msgpack: MessagePackValue {
        .map([
            MessagePackEntry("From", .string(from)),
            MessagePackEntry("Incarnation", .uint(UInt64(incarnation))),
            MessagePackEntry("Node", .string(node)),
        ])
    }
}

extension Dead {
    var msgpack: MessagePackValue {
        .map([
            MessagePackEntry("From", .string(from)),
            MessagePackEntry("Incarnation", .uint(UInt64(incarnation))),
            MessagePackEntry("Node", .string(node)),
        ])
    }
}

extension Alive {
    var msgpack: MessagePackValue {
        .map([
            MessagePackEntry("Addr", addressBytes(address)),
            MessagePackEntry("Incarnation", .uint(UInt64(incarnation))),
            MessagePackEntry("Meta", byteSlice(meta)),
            MessagePackEntry("Node", .string(node)),
            MessagePackEntry("Port", .uint(UInt64(port))),
            MessagePackEntry("Vsn", byteSlice(vsn)),
        ])
    }
}

extension PushNodeState {
    var msgpack: MessagePackValue {
        .map([
            MessagePackEntry("Addr", addressBytes(address)),
            MessagePackEntry("Incarnation", .uint(UInt64(incarnation))),
            MessagePackEntry("Meta", byteSlice(meta)),
            MessagePackEntry("Name", .string(name)),
            MessagePackEntry("Port", .uint(UInt64(port))),
            MessagePackEntry("State", .int(Int64(state.rawValue))),
            MessagePackEntry("Vsn", byteSlice(vsn)),
        ])
    }
}

extension PushPull {
    var header: MessagePackValue {
        var entries = [MessagePackEntry("Join", .bool(join)), MessagePackEntry("Nodes", .int(Int64(nodes.count)))]
        if isReply { entries.append(MessagePackEntry("Reply", .bool(true))) }
        entries.append(MessagePackEntry("UserStateLen", .int(0)))
        return .map(entries)
    }
}

// MARK: - Decoding

/// Typed access to a decoded struct map, with go-msgpack's leniency: missing or nil fields
/// read as zero, integers of any width and sign convert when they fit.
struct FieldReader {
    let message: String
    let entries: [MessagePackEntry]

    init(_ message: String, _ value: MessagePackValue) throws(MessagePackError) {
        guard case let .map(entries) = value else {
            throw .badField(message: message, field: "(body)", reason: "not a map")
        }
        self.message = message
        self.entries = entries
    }

    /// The last entry with this key (a repeated key overwrites, as in Go).
    private func value(_ key: String) -> MessagePackValue? {
        entries.last { $0.key == key }?.value
    }

    func unsigned<T: FixedWidthInteger & UnsignedInteger>(_ key: String, as: T.Type) throws(MessagePackError) -> T {
        switch value(key) {
        case nil, .nil?:
            return 0
        case let .uint(v)?:
            guard let result = T(exactly: v) else { throw bad(key, "\(v) does not fit \(T.self)") }
            return result
        case let .int(v)?:
            guard let result = T(exactly: v) else { throw bad(key, "\(v) does not fit \(T.self)") }
            return result
        default:
            throw bad(key, "not an integer")
        }
    }

    func signed(_ key: String) throws(MessagePackError) -> Int64 {
        switch value(key) {
        case nil, .nil?: return 0
        case let .int(v)?: return v
        case let .uint(v)?:
            guard let result = Int64(exactly: v) else { throw bad(key, "\(v) does not fit Int64") }
            return result
        default: throw bad(key, "not an integer")
        }
    }

    func bool(_ key: String) throws(MessagePackError) -> Bool {
        switch value(key) {
        case nil, .nil?: return false
        case let .bool(v)?: return v
        default: throw bad(key, "not a bool")
        }
    }

    func bytes(_ key: String) throws(MessagePackError) -> [UInt8] {
        switch value(key) {
        case nil, .nil?: return []
        case let .raw(v)?, let .binary(v)?: return v
        case let .array(elements)?:
            var result: [UInt8] = []
            for element in elements {
                switch element {
                case let .uint(v) where v <= 0xFF: result.append(UInt8(v))
                case let .int(v) where (0...0xFF).contains(v): result.append(UInt8(v))
                default: throw bad(key, "array element is not a byte")
                }
            }
            return result
        default: throw bad(key, "not bytes")
        }
    }

    func string(_ key: String) throws(MessagePackError) -> String {
        let raw = try bytes(key)
        guard let text = String(validating: raw, as: UTF8.self) else { throw bad(key, "not UTF-8") }
        return text
    }

    /// An address field: 4 bytes, or 16 holding an IPv4-mapped IPv6 address (Go's 16-byte
    /// form of an IPv4 address). Empty reads as nil. lbsim models IPv4 members only.
    func address(_ key: String) throws(MessagePackError) -> IPv4Address? {
        let raw = try bytes(key)
        switch raw.count {
        case 0:
            return nil
        case 4:
            return IPv4Address(raw[0], raw[1], raw[2], raw[3])
        case 16 where raw[0..<10].allSatisfy({ $0 == 0 }) && raw[10] == 0xFF && raw[11] == 0xFF:
            return IPv4Address(raw[12], raw[13], raw[14], raw[15])
        default:
            throw bad(key, "\(raw.count)-byte address is not IPv4")
        }
    }

    func requiredAddress(_ key: String) throws(MessagePackError) -> IPv4Address {
        guard let address = try address(key) else { throw bad(key, "missing address") }
        return address
    }

    private func bad(_ key: String, _ reason: String) -> MessagePackError {
        .badField(message: message, field: key, reason: reason)
    }
}

extension Ping {
    init(msgpack value: MessagePackValue) throws(MessagePackError) {
        let f = try FieldReader("ping", value)
        self.init(seqNo: try f.unsigned("SeqNo", as: UInt32.self), node: try f.string("Node"),
                  sourceAddress: try f.address("SourceAddr"), sourcePort: try f.unsigned("SourcePort", as: UInt16.self),
                  sourceNode: try f.string("SourceNode"))
    }
}

extension IndirectPing {
    init(msgpack value: MessagePackValue) throws(MessagePackError) {
        let f = try FieldReader("indirect-ping", value)
        self.init(seqNo: try f.unsigned("SeqNo", as: UInt32.self), target: try f.requiredAddress("Target"),
                  port: try f.unsigned("Port", as: UInt16.self), node: try f.string("Node"), nack: try f.bool("Nack"),
                  sourceAddress: try f.address("SourceAddr"), sourcePort: try f.unsigned("SourcePort", as: UInt16.self),
                  sourceNode: try f.string("SourceNode"))
    }
}

extension Ack {
    init(msgpack value: MessagePackValue) throws(MessagePackError) {
        let f = try FieldReader("ack", value)
        self.init(seqNo: try f.unsigned("SeqNo", as: UInt32.self), payload: try f.bytes("Payload"))
    }
}

extension Nack {
    init(msgpack value: MessagePackValue) throws(MessagePackError) {
        let f = try FieldReader("nack", value)
        self.init(seqNo: try f.unsigned("SeqNo", as: UInt32.self))
    }
}

extension Suspect {
    init(msgpack value: MessagePackValue) throws(MessagePackError) {
        let f = try FieldReader("suspect", value)
        self.init(incarnation: try f.unsigned("Incarnation", as: UInt32.self), node: try f.string("Node"), from: try f.string("From"))
    }
}

extension Dead {
    init(msgpack value: MessagePackValue) throws(MessagePackError) {
        let f = try FieldReader("dead", value)
        self.init(incarnation: try f.unsigned("Incarnation", as: UInt32.self), node: try f.string("Node"), from: try f.string("From"))
    }
}

extension Alive {
    init(msgpack value: MessagePackValue) throws(MessagePackError) {
        let f = try FieldReader("alive", value)
        self.init(incarnation: try f.unsigned("Incarnation", as: UInt32.self), node: try f.string("Node"),
                  address: try f.requiredAddress("Addr"), port: try f.unsigned("Port", as: UInt16.self),
                  meta: try f.bytes("Meta"), vsn: try f.bytes("Vsn"))
    }
}

extension PushNodeState {
    init(msgpack value: MessagePackValue) throws(MessagePackError) {
        let f = try FieldReader("push-node-state", value)
        let stateNumber = try f.signed("State")
        guard let state = MemberState(rawValue: Int(truncatingIfNeeded: stateNumber)), (0...3).contains(stateNumber) else {
            throw .badField(message: "push-node-state", field: "State", reason: "unknown state \(stateNumber)")
        }
        self.init(name: try f.string("Name"), address: try f.requiredAddress("Addr"), port: try f.unsigned("Port", as: UInt16.self),
                  meta: try f.bytes("Meta"), incarnation: try f.unsigned("Incarnation", as: UInt32.self),
                  state: state, vsn: try f.bytes("Vsn"))
    }
}

extension PushPull {
    /// memberlist refuses a push/pull claiming more members than this (`maxPushStateNodes`).
    static let maximumNodes = 1024 * 1024

    /// Reads the header and the member states that follow it from `reader`.
    init(reading reader: inout MessagePackReader) throws(MessagePackError) {
        let header = try FieldReader("push-pull", try reader.next())
        let count = try header.signed("Nodes")
        guard (0...Int64(Self.maximumNodes)).contains(count) else {
            throw .badField(message: "push-pull", field: "Nodes", reason: "\(count) members is out of range")
        }
        let userStateLength = try header.signed("UserStateLen")
        guard userStateLength == 0 else {
            throw .badField(message: "push-pull", field: "UserStateLen", reason: "user state is not supported")
        }
        var nodes: [PushNodeState] = []
        for _ in 0..<count {
            nodes.append(try PushNodeState(msgpack: try reader.next()))
        }
        self.init(join: try header.bool("Join"), isReply: try header.bool("Reply"), nodes: nodes)
    }
}
