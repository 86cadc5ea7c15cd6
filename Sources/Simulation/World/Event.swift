import Cluster
import Engine
import Speaker
import Wire

/// Something that happens at an instant of simulated time. Frequent events (frames, timers)
/// are plain cases with no allocation; rare ones (timeline actions) carry a closure.
enum Event {
    /// A unicast frame leaves the switch on `port`.
    case deliver(port: Int32, frame: [UInt8])
    /// A broadcast, multicast or unknown-unicast frame leaves the switch on every port but the
    /// one it came in on: one event for the whole fan-out, not one per receiver.
    case flood(ingress: Int32, frame: [UInt8])
    /// A host's own timer (speaker ticker, client probe, neighbour timer...).
    case hostTimer(port: Int32, kind: HostTimer)
    /// One of the control plane's own steps (a watch delivery, a monitor pass...).
    indirect case controlPlane(ControlPlane.Step)
    /// A node's kubelet acts.
    indirect case kubelet(KubeletStep)
    /// Anything else: cluster changes, timeline actions, checks.
    case call(@Sendable (World) -> Void)
}

/// The timers hosts arm.
enum HostTimer {
    /// A timer the node's speaker process armed; one from an earlier process (another
    /// generation) is dropped.
    case speaker(SpeakerTimer, generation: UInt64)
    /// The node kernel's ARP request for its own traffic is due for a retransmission.
    case arpRetransmit(ip: IPv4Address)
    /// A node's memberlist TCP connection is due for a retransmission or its deadline.
    case stream(StreamKey, generation: UInt64)
    /// Duplicate address detection of the link-local address of a node's interface (index
    /// into its interfaces) is over; an older generation's is moot.
    case addressDAD(interface: Int, generation: UInt64)
    case probe
    case arping
    /// A neighbour entry timer: a client's ARP table's for an IPv4 address, its Neighbor
    /// Discovery table's for an IPv6 one; on a node, the Neighbor Discovery table of the
    /// interface whose port it is armed on.
    case neighbour(ip: IPAddress, generation: UInt64)
}
