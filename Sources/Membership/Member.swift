import Wire

/// A member's state in one node's view (memberlist's `NodeStateType`, same numbering).
public enum MemberState: Int, Sendable, Hashable, CustomStringConvertible {
    case alive = 0
    case suspect = 1
    case dead = 2
    /// Dead by its own announcement (a graceful leave).
    case left = 3

    /// Dead or left: not a member any more, not probed.
    public var isDeadOrLeft: Bool { self == .dead || self == .left }

    public var description: String {
        switch self {
        case .alive: return "alive"
        case .suspect: return "suspect"
        case .dead: return "dead"
        case .left: return "left"
        }
    }
}

/// One member as a node sees it.
public struct Member: Sendable, Hashable {
    public var name: String
    public var address: IPv4Address
    public var port: UInt16
    public var incarnation: UInt32
    public var state: MemberState
    /// When `state` last changed, in this node's time (nanoseconds).
    public var stateChange: Int64
    /// Application metadata from the member's alive messages (MetalLB sets none).
    public var meta: [UInt8]

    public init(
        name: String, address: IPv4Address, port: UInt16, incarnation: UInt32, state: MemberState,
        stateChange: Int64, meta: [UInt8] = []
    ) {
        self.name = name
        self.address = address
        self.port = port
        self.incarnation = incarnation
        self.state = state
        self.stateChange = stateChange
        self.meta = meta
    }
}

/// What memberlist tells its event delegate (MetalLB's speaker re-runs its election on
/// every one of them).
public struct MemberEvent: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// A member appeared, or came back from dead or left (`NotifyJoin`).
        case join
        /// A member was declared dead or left (`NotifyLeave`).
        case leave
        /// A live member's metadata changed (`NotifyUpdate`).
        case update
    }

    public var kind: Kind
    /// The member as it is after the change.
    public var member: Member

    public init(_ kind: Kind, _ member: Member) {
        self.kind = kind
        self.member = member
    }

    public var description: String { "\(kind) \(member.name) (\(member.state), incarnation \(member.incarnation))" }
}
