/// A MetalLB configuration the controller refused, and why (MetalLB logs it and marks the
/// config stale; lbsim keeps it for the report).
public struct ConfigRejection: Sendable, Hashable {
    /// Nanoseconds since the start of the run.
    public var time: Int64
    public var message: String

    public init(time: Int64, message: String) {
        self.time = time
        self.message = message
    }
}
