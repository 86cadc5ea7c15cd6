import Wire

// The message encoders: each struct written field by field, the map keys in go-msgpack's
// sorted order, `omitempty` fields left out when zero. Building a `MessagePackValue` tree
// first (as `Messages+ValueTree.swift` does) allocated an array per map and per string; these
// write the same bytes (MessageCodecTests checks) into one array of the exact size
// (`Array(encoding:)`).

extension Message: ByteEncodable {
    /// The message as memberlist puts it in a packet: the type byte, then the body.
    public var encoded: [UInt8] { [UInt8](encoding: self) }

    func write<Sink: ByteSink>(to sink: inout Sink) {
        sink.append(type.rawValue)
        switch self {
        case .ping(let m): m.encode(into: &sink)
        case .indirectPing(let m): m.encode(into: &sink)
        case .ack(let m): m.encode(into: &sink)
        case .nack(let m): m.encode(into: &sink)
        case .suspect(let m): m.encode(into: &sink)
        case .alive(let m): m.encode(into: &sink)
        case .dead(let m): m.encode(into: &sink)
        case .pushPull(let m):
            PushPull.encodeHeader(join: m.join, isReply: m.isReply, count: m.nodes.count, into: &sink)
            for node in m.nodes {
                PushNodeState.encode(
                    name: node.name, address: node.address, port: node.port, meta: node.meta,
                    incarnation: node.incarnation, state: node.state, vsn: node.vsn, into: &sink)
            }
        }
    }
}

/// The encoders' vocabulary on top of `MessagePackEncoding`.
extension MessagePackEncoding {
    /// A field name (a map key): short ASCII, written as raw like any Go string.
    fileprivate static func appendKey(_ key: StaticString, to sink: inout some ByteSink) {
        key.withUTF8Buffer { appendRaw($0, to: &sink) }
    }

    /// A `net.IP` holding an IPv4 address: its four bytes as raw.
    fileprivate static func appendAddress(_ address: IPv4Address, to sink: inout some ByteSink) {
        let value = address.rawValue
        sink.append(0xA4)
        sink.append(UInt8(truncatingIfNeeded: value >> 24))
        sink.append(UInt8(truncatingIfNeeded: value >> 16))
        sink.append(UInt8(truncatingIfNeeded: value >> 8))
        sink.append(UInt8(truncatingIfNeeded: value))
    }
}

extension Ping {
    func encode(into sink: inout some ByteSink) {
        typealias E = MessagePackEncoding
        let optional = (sourceAddress == nil ? 0 : 1) + (sourceNode.isEmpty ? 0 : 1) + (sourcePort == 0 ? 0 : 1)
        E.appendMapHeader(count: 2 + optional, to: &sink)
        E.appendKey("Node", to: &sink)
        E.appendString(node, to: &sink)
        E.appendKey("SeqNo", to: &sink)
        E.appendUnsigned(UInt64(seqNo), to: &sink)
        if let sourceAddress {
            E.appendKey("SourceAddr", to: &sink)
            E.appendAddress(sourceAddress, to: &sink)
        }
        if !sourceNode.isEmpty {
            E.appendKey("SourceNode", to: &sink)
            E.appendString(sourceNode, to: &sink)
        }
        if sourcePort != 0 {
            E.appendKey("SourcePort", to: &sink)
            E.appendUnsigned(UInt64(sourcePort), to: &sink)
        }
    }
}

extension IndirectPing {
    func encode(into sink: inout some ByteSink) {
        typealias E = MessagePackEncoding
        let optional = (sourceAddress == nil ? 0 : 1) + (sourceNode.isEmpty ? 0 : 1) + (sourcePort == 0 ? 0 : 1)
        E.appendMapHeader(count: 5 + optional, to: &sink)
        E.appendKey("Nack", to: &sink)
        E.appendBool(nack, to: &sink)
        E.appendKey("Node", to: &sink)
        E.appendString(node, to: &sink)
        E.appendKey("Port", to: &sink)
        E.appendUnsigned(UInt64(port), to: &sink)
        E.appendKey("SeqNo", to: &sink)
        E.appendUnsigned(UInt64(seqNo), to: &sink)
        if let sourceAddress {
            E.appendKey("SourceAddr", to: &sink)
            E.appendAddress(sourceAddress, to: &sink)
        }
        if !sourceNode.isEmpty {
            E.appendKey("SourceNode", to: &sink)
            E.appendString(sourceNode, to: &sink)
        }
        if sourcePort != 0 {
            E.appendKey("SourcePort", to: &sink)
            E.appendUnsigned(UInt64(sourcePort), to: &sink)
        }
        E.appendKey("Target", to: &sink)
        E.appendAddress(target, to: &sink)
    }
}

extension Ack {
    func encode(into sink: inout some ByteSink) {
        typealias E = MessagePackEncoding
        E.appendMapHeader(count: 2, to: &sink)
        E.appendKey("Payload", to: &sink)
        E.appendByteSlice(payload, to: &sink)
        E.appendKey("SeqNo", to: &sink)
        E.appendUnsigned(UInt64(seqNo), to: &sink)
    }
}

extension Nack {
    func encode(into sink: inout some ByteSink) {
        typealias E = MessagePackEncoding
        E.appendMapHeader(count: 1, to: &sink)
        E.appendKey("SeqNo", to: &sink)
        E.appendUnsigned(UInt64(seqNo), to: &sink)
    }
}

extension Suspect {
    func encode(into sink: inout some ByteSink) {
        encodeAccusation(from: from, incarnation: incarnation, node: node, into: &sink)
    }
}

extension Dead {
    func encode(into sink: inout some ByteSink) {
        encodeAccusation(from: from, incarnation: incarnation, node: node, into: &sink)
    }
}

/// `suspect` and `dead` bodies: the same three fields.
private func encodeAccusation(from: String, incarnation: UInt32, node: String, into sink: inout some ByteSink) {
    typealias E = MessagePackEncoding
    E.appendMapHeader(count: 3, to: &sink)
    E.appendKey("From", to: &sink)
    E.appendString(from, to: &sink)
    E.appendKey("Incarnation", to: &sink)
    E.appendUnsigned(UInt64(incarnation), to: &sink)
    E.appendKey("Node", to: &sink)
    E.appendString(node, to: &sink)
}

extension Alive {
    func encode(into sink: inout some ByteSink) {
        typealias E = MessagePackEncoding
        E.appendMapHeader(count: 6, to: &sink)
        E.appendKey("Addr", to: &sink)
        E.appendAddress(address, to: &sink)
        E.appendKey("Incarnation", to: &sink)
        E.appendUnsigned(UInt64(incarnation), to: &sink)
        E.appendKey("Meta", to: &sink)
        E.appendByteSlice(meta, to: &sink)
        E.appendKey("Node", to: &sink)
        E.appendString(node, to: &sink)
        E.appendKey("Port", to: &sink)
        E.appendUnsigned(UInt64(port), to: &sink)
        E.appendKey("Vsn", to: &sink)
        E.appendByteSlice(vsn, to: &sink)
    }
}

extension PushNodeState {
    /// One member's entry, written from its parts, so that a node can send its member list
    /// without first copying it into `PushNodeState`s.
    static func encode(
        name: String, address: IPv4Address, port: UInt16, meta: [UInt8], incarnation: UInt32,
        state: MemberState, vsn: [UInt8], into sink: inout some ByteSink
    ) {
        typealias E = MessagePackEncoding
        E.appendMapHeader(count: 7, to: &sink)
        E.appendKey("Addr", to: &sink)
        E.appendAddress(address, to: &sink)
        E.appendKey("Incarnation", to: &sink)
        E.appendUnsigned(UInt64(incarnation), to: &sink)
        E.appendKey("Meta", to: &sink)
        E.appendByteSlice(meta, to: &sink)
        E.appendKey("Name", to: &sink)
        E.appendString(name, to: &sink)
        E.appendKey("Port", to: &sink)
        E.appendUnsigned(UInt64(port), to: &sink)
        E.appendKey("State", to: &sink)
        E.appendSigned(Int64(state.rawValue), to: &sink)
        E.appendKey("Vsn", to: &sink)
        E.appendByteSlice(vsn, to: &sink)
    }
}

extension PushPull {
    /// The `pushPullHeader` map; `Reply` is lbsim's own key, only in answers.
    static func encodeHeader(join: Bool, isReply: Bool, count: Int, into sink: inout some ByteSink) {
        typealias E = MessagePackEncoding
        E.appendMapHeader(count: isReply ? 4 : 3, to: &sink)
        E.appendKey("Join", to: &sink)
        E.appendBool(join, to: &sink)
        E.appendKey("Nodes", to: &sink)
        E.appendSigned(Int64(count), to: &sink)
        if isReply {
            E.appendKey("Reply", to: &sink)
            E.appendBool(true, to: &sink)
        }
        E.appendKey("UserStateLen", to: &sink)
        E.appendSigned(0, to: &sink)
    }

    /// The member entries of a push/pull, without the header: what a node can keep while
    /// its member list does not change.
    static func encodedEntries<Members: Collection<NodeState>>(of members: Members) -> [UInt8] {
        [UInt8](encoding: PushStates(members: members))
    }

    /// A push/pull packet: the type byte, the header for `count` members, their `entries`.
    static func encoded(join: Bool, isReply: Bool, count: Int, entries: [UInt8]) -> [UInt8] {
        [UInt8](encoding: Packet(join: join, isReply: isReply, count: count, entries: entries))
    }

    /// Members' entries, as a push/pull lists them.
    private struct PushStates<Members: Collection<NodeState>>: ByteEncodable {
        let members: Members

        func write<Sink: ByteSink>(to sink: inout Sink) {
            for member in members {
                PushNodeState.encode(
                    name: member.name, address: member.address, port: member.port, meta: member.meta,
                    incarnation: member.incarnation, state: member.state, vsn: member.vsn, into: &sink)
            }
        }
    }

    /// A push/pull packet around entries already encoded.
    private struct Packet: ByteEncodable {
        let join: Bool
        let isReply: Bool
        let count: Int
        let entries: [UInt8]

        func write<Sink: ByteSink>(to sink: inout Sink) {
            sink.append(MessageType.pushPull.rawValue)
            PushPull.encodeHeader(join: join, isReply: isReply, count: count, into: &sink)
            sink.append(entries)
        }
    }
}
