import Engine

/// Something plugged into a port of the segment: a node or a client.
protocol Host: AnyObject {
    var name: String { get }
    /// A frame arrived on this host's interface (it may not be addressed to it: flooded
    /// unknown unicast reaches every port; the host's MAC filter decides).
    func receive(_ frame: [UInt8], in context: HostContext)
    func timerFired(_ kind: HostTimer, in context: HostContext)
}
