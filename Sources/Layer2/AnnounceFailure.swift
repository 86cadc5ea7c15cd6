import Wire

/// current's Warning event `announceFailed` on a Service: the node that won the election for
/// one of its addresses has none of the interfaces the L2Advertisements name among those its
/// last interface scan listed (speaker/layer2_controller.go, `SetBalancer`). The speaker posts
/// one per address, on every sync that finds it so, and announces that address nowhere.
public struct AnnounceFailure: Sendable, Hashable {
    /// `namespace/name` of the Service.
    public var service: String
    public var ip: IPAddress
    /// The node whose speaker posts it (the election's winner).
    public var node: String

    public init(service: String, ip: IPAddress, node: String) {
        self.service = service
        self.ip = ip
        self.node = node
    }

    /// The event's reason, as `kubectl describe service` shows it.
    public static let reason = "announceFailed"

    /// The event's message, worded as the speaker words it (the protocol is always layer2
    /// here: lbsim runs no BGP).
    public var message: String {
        "the interfaces specified by LB IP \"\(ip)\" doesn't exist in assigned node \"\(node)\" with protocol \"layer2\""
    }
}
