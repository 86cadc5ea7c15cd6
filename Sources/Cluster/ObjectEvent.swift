/// A Kubernetes Event about an object: a Service (what MetalLB's controller records) or a Pod
/// (FailedScheduling); `kubectl describe` shows them.
public struct ObjectEvent: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case normal = "Normal"
        case warning = "Warning"
    }

    /// Nanoseconds since the start of the run.
    public var time: Int64
    public var type: Kind
    public var reason: String
    public var message: String

    public init(time: Int64, type: Kind, reason: String, message: String) {
        self.time = time
        self.type = type
        self.reason = reason
        self.message = message
    }
}
