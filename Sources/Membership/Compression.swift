/// memberlist's `compressMsg` (message type 9): another message, LZW-compressed, inside a
/// `compress` struct, `{Algo: 0 (lzwAlgo), Buf: the LZW bytes}` (net.go `compress`; util.go
/// `compressPayload`, `decompressPayload`, `decompressBuffer`).
///
/// With `EnableCompression` (on in memberlist's DefaultLANConfig) memberlist wraps every UDP
/// packet this way when that makes it smaller (net.go `rawSendMsgPacket`, before the CRC is
/// added) and every TCP stream message always (`rawSendMsgStream`). It accepts the wrapping
/// on receipt whatever its own setting (`handleCompressed`, `readStream`).
public enum Compression {
    /// The only algorithm memberlist knows (`lzwAlgo`).
    static let lzwAlgorithm: UInt64 = 0
    /// The most a compress message may unpack to: memberlist's limit on a remote state
    /// (`maxPushStateBytes`), the largest thing it accepts; guards against LZW bombs.
    public static let maximumUnpackedBytes = 20 * 1024 * 1024

    public enum DecodeError: Error, Equatable, Sendable, CustomStringConvertible {
        case body(MessagePackError)
        case unknownAlgorithm(UInt64)
        case lzw(LZW.DecodeError)
        /// The decompressed message is empty: it has no type byte.
        case empty

        public var description: String {
            switch self {
            case .body(let error): return "failed to decode compress message: \(error)"
            case .unknownAlgorithm(let algorithm): return "Cannot decompress unknown algorithm \(algorithm)"
            case .lzw(let error): return "failed to decompress payload: \(error)"
            case .empty: return "decompressed payload is empty"
            }
        }
    }

    /// `message` (a type byte and its body, or a compound) wrapped in a compress message:
    /// the type byte 9, then the struct.
    public static func wrap(_ message: [UInt8]) -> [UInt8] {
        let buffer = LZW.encode(message)
        var bytes: [UInt8] = [MessageType.compress.rawValue]
        MessagePackEncoding.appendMapHeader(count: 2, to: &bytes)
        MessagePackEncoding.appendRaw(Array("Algo".utf8), to: &bytes)
        MessagePackEncoding.appendUnsigned(lzwAlgorithm, to: &bytes)
        MessagePackEncoding.appendRaw(Array("Buf".utf8), to: &bytes)
        MessagePackEncoding.appendByteSlice(buffer, to: &bytes)
        return bytes
    }

    /// `message` wrapped if that is shorter, else as it is: what `rawSendMsgPacket` sends.
    public static func wrapIfSmaller(_ message: [UInt8]) -> [UInt8] {
        let wrapped = wrap(message)
        return wrapped.count < message.count ? wrapped : message
    }

    /// The message inside a compress message's body (the bytes after the type byte).
    /// Bytes after the struct are ignored, as go-msgpack's decoder leaves them.
    public static func unwrap(body: ArraySlice<UInt8>) throws(DecodeError) -> [UInt8] {
        let fields: (algorithm: UInt64, buffer: [UInt8])
        do {
            fields = try body.withUnsafeBufferPointer { (buffer) throws(MessagePackError) -> (UInt64, [UInt8]) in
                var cursor = MessagePackCursor(buffer)
                return try Self.readStruct(&cursor)
            }
        } catch {
            throw .body(error)
        }
        guard fields.algorithm == lzwAlgorithm else { throw .unknownAlgorithm(fields.algorithm) }
        let message: [UInt8]
        do {
            message = try LZW.decode(fields.buffer, limit: maximumUnpackedBytes)
        } catch {
            throw .lzw(error)
        }
        guard !message.isEmpty else { throw .empty }
        return message
    }

    enum Field: Int, WireFields {
        case algorithm, buffer
        static let keys = FieldKeys(["Algo", "Buf"])
    }

    /// Reads the `compress` struct: its algorithm and its LZW bytes.
    static func readStruct(_ cursor: inout MessagePackCursor) throws(MessagePackError) -> (UInt64, [UInt8]) {
        let f = try cursor.readStruct("compress", Field.self)
        return (try f.unsigned(.algorithm, as: UInt64.self), try f.bytes(.buffer))
    }
}
