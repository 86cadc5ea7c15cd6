#if os(Linux)
import Glibc
import Membership

/// Reading and writing one memberlist stream message on a TCP connection (net.go
/// `readStream`, `rawSendMsgStream`, and `handleConn`'s error answer). The bytes' meaning is
/// Membership's (`Stream`); this only moves them.
enum StreamConnection {
    /// Reads until `Stream.read` has a whole message. Nil if the other side closed before
    /// sending anything (memberlist does not answer that either).
    static func readMessage(_ fd: Int32) throws(Sockets.Failure) -> [UInt8]? {
        var received: [UInt8] = []
        while true {
            let more = try Sockets.readSome(fd)
            if more.isEmpty {
                if received.isEmpty { return nil }
                throw Sockets.Failure(message: "stream ended after \(received.count) bytes, inside a message")
            }
            received += more
            switch Stream.read(received) {
            case .incomplete: continue
            case .message(let message): return message
            case .failed(let reason): throw Sockets.Failure(message: reason)
            }
        }
    }

    /// memberlist's `errResp` (message type 13, `{Error: text}`), which `handleConn` writes
    /// back when it cannot read what came.
    static func errorMessage(_ text: String) -> [UInt8] {
        let utf8 = Array(text.utf8.prefix(0xFFFF))
        var bytes: [UInt8] = [13, 0x81, 0xA5] + Array("Error".utf8)
        if utf8.count < 32 {
            bytes.append(0xA0 | UInt8(utf8.count))
        } else {
            bytes += [0xDA, UInt8(utf8.count >> 8), UInt8(utf8.count & 0xFF)]
        }
        return bytes + utf8
    }
}
#endif
