/// What memberlist writes on, and reads from, a TCP connection (net.go `sendLocalState`,
/// `rawSendMsgStream`, `readStream`, `readRemoteState`, `handleConn`).
///
/// A stream carries one message each way, with no length in front: the message type byte,
/// then the MessagePack body (for a push/pull, the `pushPullHeader` map, one `pushNodeState`
/// map per member, then `UserStateLen` bytes of user state; for a TCP fallback ping, the
/// `ping` map, answered by an `ackResp`). With compression on the whole message goes inside
/// one compress message. The reader on the other side decodes as the bytes come and stops
/// after the message; the connection is not closed in between (the dialer writes its state,
/// then reads the answer on the same connection), so the end of a message is where its
/// MessagePack ends.
///
/// A push/pull that arrives as a datagram instead (lbsim's older stand-in for a connection)
/// marks answers with a `Reply` key (see `PushPull`). A stream never has that key:
/// `Memberlist.receiveStream` returns the answer's bytes without it, and a push/pull read off
/// a connection this node dialed is an answer whatever its header says.
public enum Stream {
    /// memberlist refuses remote state larger than this (`maxPushStateBytes`).
    public static let maximumStateBytes = 20 * 1024 * 1024

    /// How far the bytes received so far go.
    public enum ReadResult: Equatable, Sendable {
        /// Not a whole message yet: read more (or, at the end of the stream, give up).
        case incomplete
        /// A whole message: its type byte and body, decompressed.
        case message([UInt8])
        /// Not a message memberlist would accept on a stream.
        case failed(String)
    }

    /// `message` (a type byte and its body) as `rawSendMsgStream` writes it: compressed
    /// whole when `compress` (memberlist's EnableCompression: always, not only when smaller).
    public static func frame(_ message: [UInt8], compress: Bool) -> [UInt8] {
        compress ? Compression.wrap(message) : message
    }

    /// Reads the first message from the bytes received on a connection so far.
    public static func read(_ received: [UInt8]) -> ReadResult {
        guard let typeByte = received.first else { return .incomplete }
        guard received.count <= maximumStateBytes + 1 else {
            return .failed("remote node state is larger than limit (\(maximumStateBytes))")
        }
        switch MessageType(rawValue: typeByte) {
        case .compress?:
            let inner: [UInt8]
            do {
                inner = try Compression.unwrap(body: received.dropFirst())
            } catch {
                if case .body(.truncated) = error { return .incomplete }
                return .failed(error.description)
            }
            // The compressed message is whole, so what it holds must be too.
            switch whole(inner) {
            case .incomplete: return .failed("compressed stream message is cut short")
            case let other: return other
            }
        case .encrypt?:
            return .failed("remote state is encrypted and encryption is not configured")
        default:
            return whole(received)
        }
    }

    /// A plain (uncompressed) stream message, if the bytes hold all of it.
    private static func whole(_ bytes: [UInt8]) -> ReadResult {
        guard let typeByte = bytes.first else { return .incomplete }
        guard let type = MessageType(rawValue: typeByte), [.pushPull, .ping, .error].contains(type) else {
            return .failed("received invalid msgType (\(typeByte)) on a stream")
        }
        if type == .error { return errorBody(bytes) }
        do {
            _ = try Message.decodeBody(type, bytes.dropFirst())
            return .message(bytes)
        } catch {
            if case .truncated = error { return .incomplete }
            return .failed("failed to decode \(type): \(error)")
        }
    }

    /// An `errResp` (`{Error: text}`) the other side sends when it could not read ours.
    private static func errorBody(_ bytes: [UInt8]) -> ReadResult {
        do {
            let text = try bytes.withUnsafeBufferPointer { (buffer) throws(MessagePackError) -> String in
                var cursor = MessagePackCursor(buffer, offset: 1)
                return try cursor.readStruct("error", ErrorField.self).string(.error)
            }
            return .failed("remote error: \(text)")
        } catch {
            if case .truncated = error { return .incomplete }
            return .failed("failed to decode error response: \(error)")
        }
    }

    enum ErrorField: Int, WireFields {
        case error
        static let keys = FieldKeys(["Error"])
    }
}
