/// What decides whether two services may share an address: the `allow-shared-ip` annotation
/// value and the backend key (empty for externalTrafficPolicy Cluster; the canonical selector
/// `app=x,tier=y` for Local, so that Local services share only with identically-backed ones,
/// whose traffic lands on the same nodes).
public struct SharingKey: Sendable, Hashable {
    public var sharing: String
    public var backend: String

    public init(sharing: String = "", backend: String = "") {
        self.sharing = sharing
        self.backend = backend
    }

    /// MetalLB's `sharingOK`: both keys set, equal, and the same backends.
    func allowsSharing(with other: SharingKey) -> Bool {
        !sharing.isEmpty && !other.sharing.isEmpty && sharing == other.sharing && backend == other.backend
    }
}

/// One `(protocol, port)` a service listens on. Two services on one address must not collide
/// on any of these; TCP/53 and UDP/53 are different ports.
public struct ServicePortKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var `protocol`: String
    public var port: Int

    public init(protocol: String, port: Int) {
        self.protocol = `protocol`
        self.port = port
    }

    /// `TCP/80`, as MetalLB prints it.
    public var description: String { "\(`protocol`)/\(port)" }

    public static func < (lhs: ServicePortKey, rhs: ServicePortKey) -> Bool {
        (lhs.protocol, lhs.port) < (rhs.protocol, rhs.port)
    }
}
