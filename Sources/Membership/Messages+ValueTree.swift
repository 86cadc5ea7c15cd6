import Wire

// memberlist's messages as `MessagePackValue` trees: each struct to and from the map
// go-msgpack makes of it. This is the plain form of the codec, written to be read against
// memberlist's net.go; the packet path uses the streaming codec (`Messages+Encoding.swift`,
// `Messages+Decoding.swift`), which allocates no tree and is tested to agree with this one
// byte for byte and error for error.

// MARK: - Encoding as value trees

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

// MARK: - Decoding value trees

/// Typed access to a decoded struct map, with go-msgpack's leniency: missing or nil fields
/// read as zero, integers of any width and sign convert when they fit.
struct FieldReader {
    let message: String
    let entries: [MessagePackEntry]

    init(_ message: String, _ value: MessagePackValue) throws(MessagePackError) {
        guard case .map(let entries) = value else {
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
        case .uint(let v)?:
            guard let result = T(exactly: v) else { throw bad(key, "\(v) does not fit \(T.self)") }
            return result
        case .int(let v)?:
            guard let result = T(exactly: v) else { throw bad(key, "\(v) does not fit \(T.self)") }
            return result
        default:
            throw bad(key, "not an integer")
        }
    }

    func signed(_ key: String) throws(MessagePackError) -> Int64 {
        switch value(key) {
        case nil, .nil?: return 0
        case .int(let v)?: return v
        case .uint(let v)?:
            guard let result = Int64(exactly: v) else { throw bad(key, "\(v) does not fit Int64") }
            return result
        default: throw bad(key, "not an integer")
        }
    }

    func bool(_ key: String) throws(MessagePackError) -> Bool {
        switch value(key) {
        case nil, .nil?: return false
        case .bool(let v)?: return v
        default: throw bad(key, "not a bool")
        }
    }

    func bytes(_ key: String) throws(MessagePackError) -> [UInt8] {
        switch value(key) {
        case nil, .nil?: return []
        case .raw(let v)?, .binary(let v)?: return v
        case .array(let elements)?:
            var result: [UInt8] = []
            for element in elements {
                switch element {
                case .uint(let v) where v <= 0xFF: result.append(UInt8(v))
                case .int(let v) where (0...0xFF).contains(v): result.append(UInt8(v))
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
        switch GoIPBytes.ipv4(try bytes(key)) {
        case .success(let address): return address
        case .failure(let error): throw bad(key, error.description)
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
        self.init(
            seqNo: try f.unsigned("SeqNo", as: UInt32.self), node: try f.string("Node"),
            sourceAddress: try f.address("SourceAddr"), sourcePort: try f.unsigned("SourcePort", as: UInt16.self),
            sourceNode: try f.string("SourceNode"))
    }
}

extension IndirectPing {
    init(msgpack value: MessagePackValue) throws(MessagePackError) {
        let f = try FieldReader("indirect-ping", value)
        self.init(
            seqNo: try f.unsigned("SeqNo", as: UInt32.self), target: try f.requiredAddress("Target"),
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
        self.init(
            incarnation: try f.unsigned("Incarnation", as: UInt32.self), node: try f.string("Node"),
            from: try f.string("From"))
    }
}

extension Dead {
    init(msgpack value: MessagePackValue) throws(MessagePackError) {
        let f = try FieldReader("dead", value)
        self.init(
            incarnation: try f.unsigned("Incarnation", as: UInt32.self), node: try f.string("Node"),
            from: try f.string("From"))
    }
}

extension Alive {
    init(msgpack value: MessagePackValue) throws(MessagePackError) {
        let f = try FieldReader("alive", value)
        self.init(
            incarnation: try f.unsigned("Incarnation", as: UInt32.self), node: try f.string("Node"),
            address: try f.requiredAddress("Addr"), port: try f.unsigned("Port", as: UInt16.self),
            meta: try f.bytes("Meta"), vsn: try f.bytes("Vsn"))
    }
}

extension PushNodeState {
    init(msgpack value: MessagePackValue) throws(MessagePackError) {
        let f = try FieldReader("push-node-state", value)
        let stateNumber = try f.signed("State")
        guard let state = MemberState(rawValue: Int(truncatingIfNeeded: stateNumber)), (0...3).contains(stateNumber)
        else {
            throw .badField(message: "push-node-state", field: "State", reason: "unknown state \(stateNumber)")
        }
        self.init(
            name: try f.string("Name"), address: try f.requiredAddress("Addr"),
            port: try f.unsigned("Port", as: UInt16.self),
            meta: try f.bytes("Meta"), incarnation: try f.unsigned("Incarnation", as: UInt32.self),
            state: state, vsn: try f.bytes("Vsn"))
    }
}

extension PushPull {
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
