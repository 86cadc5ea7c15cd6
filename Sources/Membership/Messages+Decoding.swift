import Wire

// The streaming decoders the packet path uses: each message read straight from the bytes by
// a `MessagePackCursor`, its fields converted as `StructFields` says. They follow the value-tree
// decoders (`Messages+ValueTree.swift`) step for step: the same fields, converted in the same
// order, so that a message that decodes gives the same struct and one that does not gives the
// same error (MessageCodecTests compares the two on every test vector and on random input).

extension Ping {
    enum Field: Int, WireFields {
        case node, seqNo, sourceAddress, sourceNode, sourcePort
        static let keys = FieldKeys(["Node", "SeqNo", "SourceAddr", "SourceNode", "SourcePort"])
    }

    init(reading cursor: inout MessagePackCursor) throws(MessagePackError) {
        let f = try cursor.readStruct("ping", Field.self)
        self.init(
            seqNo: try f.unsigned(.seqNo, as: UInt32.self), node: try f.string(.node),
            sourceAddress: try f.address(.sourceAddress), sourcePort: try f.unsigned(.sourcePort, as: UInt16.self),
            sourceNode: try f.string(.sourceNode))
    }
}

extension IndirectPing {
    enum Field: Int, WireFields {
        case nack, node, port, seqNo, sourceAddress, sourceNode, sourcePort, target
        static let keys = FieldKeys([
            "Nack", "Node", "Port", "SeqNo", "SourceAddr", "SourceNode", "SourcePort", "Target",
        ])
    }

    init(reading cursor: inout MessagePackCursor) throws(MessagePackError) {
        let f = try cursor.readStruct("indirect-ping", Field.self)
        self.init(
            seqNo: try f.unsigned(.seqNo, as: UInt32.self), target: try f.requiredAddress(.target),
            port: try f.unsigned(.port, as: UInt16.self), node: try f.string(.node), nack: try f.bool(.nack),
            sourceAddress: try f.address(.sourceAddress), sourcePort: try f.unsigned(.sourcePort, as: UInt16.self),
            sourceNode: try f.string(.sourceNode))
    }
}

extension Ack {
    enum Field: Int, WireFields {
        case payload, seqNo
        static let keys = FieldKeys(["Payload", "SeqNo"])
    }

    init(reading cursor: inout MessagePackCursor) throws(MessagePackError) {
        let f = try cursor.readStruct("ack", Field.self)
        self.init(seqNo: try f.unsigned(.seqNo, as: UInt32.self), payload: try f.bytes(.payload))
    }
}

extension Nack {
    enum Field: Int, WireFields {
        case seqNo
        static let keys = FieldKeys(["SeqNo"])
    }

    init(reading cursor: inout MessagePackCursor) throws(MessagePackError) {
        let f = try cursor.readStruct("nack", Field.self)
        self.init(seqNo: try f.unsigned(.seqNo, as: UInt32.self))
    }
}

/// `suspect` and `dead` have the same fields.
enum AccusationField: Int, WireFields {
    case from, incarnation, node
    static let keys = FieldKeys(["From", "Incarnation", "Node"])
}

extension Suspect {
    init(reading cursor: inout MessagePackCursor) throws(MessagePackError) {
        let f = try cursor.readStruct("suspect", AccusationField.self)
        self.init(
            incarnation: try f.unsigned(.incarnation, as: UInt32.self), node: try f.string(.node),
            from: try f.string(.from))
    }
}

extension Dead {
    init(reading cursor: inout MessagePackCursor) throws(MessagePackError) {
        let f = try cursor.readStruct("dead", AccusationField.self)
        self.init(
            incarnation: try f.unsigned(.incarnation, as: UInt32.self), node: try f.string(.node),
            from: try f.string(.from))
    }
}

extension Alive {
    enum Field: Int, WireFields {
        case address, incarnation, meta, node, port, vsn
        static let keys = FieldKeys(["Addr", "Incarnation", "Meta", "Node", "Port", "Vsn"])
    }

    init(reading cursor: inout MessagePackCursor) throws(MessagePackError) {
        let f = try cursor.readStruct("alive", Field.self)
        self.init(
            incarnation: try f.unsigned(.incarnation, as: UInt32.self), node: try f.string(.node),
            address: try f.requiredAddress(.address), port: try f.unsigned(.port, as: UInt16.self),
            meta: try f.bytes(.meta), vsn: try f.bytes(.vsn))
    }
}

extension PushNodeState {
    enum Field: Int, WireFields {
        case address, incarnation, meta, name, port, state, vsn
        static let keys = FieldKeys(["Addr", "Incarnation", "Meta", "Name", "Port", "State", "Vsn"])
    }

    init(reading cursor: inout MessagePackCursor) throws(MessagePackError) {
        // Nearly every entry: see PushNodeState+Canonical.swift.
        if let entry = Self.canonical(at: &cursor) {
            self = entry
            return
        }
        let f = try cursor.readStruct("push-node-state", Field.self)
        let stateNumber = try f.signed(.state)
        guard let state = MemberState(rawValue: Int(truncatingIfNeeded: stateNumber)), (0...3).contains(stateNumber)
        else {
            throw .badField(message: "push-node-state", field: "State", reason: "unknown state \(stateNumber)")
        }
        self.init(
            name: try f.string(.name), address: try f.requiredAddress(.address),
            port: try f.unsigned(.port, as: UInt16.self),
            meta: try f.bytes(.meta), incarnation: try f.unsigned(.incarnation, as: UInt32.self),
            state: state, vsn: try f.bytes(.vsn))
    }
}

extension PushPull {
    enum HeaderField: Int, WireFields {
        case join, nodes, reply, userStateLength
        static let keys = FieldKeys(["Join", "Nodes", "Reply", "UserStateLen"])
    }

    /// Reads the header and the member states that follow it.
    init(reading cursor: inout MessagePackCursor) throws(MessagePackError) {
        let header = try cursor.readStruct("push-pull", HeaderField.self)
        let count = try header.signed(.nodes)
        guard (0...Int64(Self.maximumNodes)).contains(count) else {
            throw .badField(message: "push-pull", field: "Nodes", reason: "\(count) members is out of range")
        }
        let userStateLength = try header.signed(.userStateLength)
        guard userStateLength == 0 else {
            throw .badField(message: "push-pull", field: "UserStateLen", reason: "user state is not supported")
        }
        var nodes: [PushNodeState] = []
        // Every entry takes at least a byte: no more room than that for a count that lies.
        nodes.reserveCapacity(min(Int(count), cursor.remaining))
        for _ in 0..<count {
            nodes.append(try PushNodeState(reading: &cursor))
        }
        self.init(join: try header.bool(.join), isReply: try header.bool(.reply), nodes: nodes)
    }
}

extension Message {
    /// Decodes a message body (the bytes after the type byte) of a type that is not compound.
    /// Bytes after the message are ignored, as go-msgpack's decoder ignores them.
    static func decodeBody(_ type: MessageType, _ body: ArraySlice<UInt8>) throws(MessagePackError) -> Message {
        try body.withUnsafeBufferPointer { (buffer) throws(MessagePackError) -> Message in
            var cursor = MessagePackCursor(buffer)
            switch type {
            case .ping: return .ping(try Ping(reading: &cursor))
            case .indirectPing: return .indirectPing(try IndirectPing(reading: &cursor))
            case .ack: return .ack(try Ack(reading: &cursor))
            case .nack: return .nack(try Nack(reading: &cursor))
            case .suspect: return .suspect(try Suspect(reading: &cursor))
            case .alive: return .alive(try Alive(reading: &cursor))
            case .dead: return .dead(try Dead(reading: &cursor))
            case .pushPull: return .pushPull(try PushPull(reading: &cursor))
            default: preconditionFailure("decodeBody called for \(type)")
            }
        }
    }
}
