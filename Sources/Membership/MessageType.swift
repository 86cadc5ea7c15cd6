/// The first byte of every memberlist packet: which message follows (memberlist's
/// `messageType`, net.go). The numbers are part of the protocol, so they are memberlist's.
public enum MessageType: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case ping = 0
    case indirectPing = 1
    case ack = 2
    case suspect = 3
    case alive = 4
    case dead = 5
    /// A full state exchange. memberlist sends it over TCP (see `Stream`), and so do lbsim's
    /// drivers; one that arrives as a datagram is still answered (see `PushPull`).
    case pushPull = 6
    /// Several messages in one packet: a count byte, the big-endian 16-bit length of each,
    /// then the messages.
    case compound = 7
    /// The application's own messages (MetalLB sends none).
    case user = 8
    /// An LZW-compressed message (see `Compression`): unpacked on receipt; sent only with
    /// `MembershipConfig.enableCompression`.
    case compress = 9
    case encrypt = 10
    /// Lifeguard's negative ack: an indirect prober heard nothing from the target in time.
    case nack = 11
    /// A CRC-32 (IEEE) of the rest of the packet, sent to members speaking protocol 5.
    case hasCRC = 12
    /// An error from the far end of a TCP stream.
    case error = 13

    public var description: String {
        switch self {
        case .ping: return "ping"
        case .indirectPing: return "indirect-ping"
        case .ack: return "ack"
        case .suspect: return "suspect"
        case .alive: return "alive"
        case .dead: return "dead"
        case .pushPull: return "push-pull"
        case .compound: return "compound"
        case .user: return "user"
        case .compress: return "compress"
        case .encrypt: return "encrypt"
        case .nack: return "nack"
        case .hasCRC: return "crc"
        case .error: return "error"
        }
    }
}
