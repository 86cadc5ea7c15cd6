/// A node's second (third...) interface on the segment: its own switch port, whose frames the
/// node handles as arriving on that interface. Named after the node, so a partition that
/// lists the node takes all of its interfaces along.
final class NodeInterfacePort: Host {
    unowned let node: NodeHost
    let index: Int

    init(node: NodeHost, index: Int) {
        self.node = node
        self.index = index
    }

    var name: String { node.name }

    func receive(_ frame: [UInt8], in context: HostContext) { node.receive(frame, on: index, in: context) }

    /// The timers of this interface's Neighbor Discovery table are armed on its own port; the
    /// node's other timers on the primary one.
    func timerFired(_ kind: HostTimer, in context: HostContext) { node.timerFired(kind, on: index, in: context) }
}
