import Cluster
import Engine
import Layer2
import OrderedCollections
import Wire

/// What a host on the segment may do and know, and nothing more: the time, its ports (frames
/// out), its own timers, the recorder, and the two readings of the API server a node's
/// processes need (the speaker's informer list when it starts, kube-proxy's rules). Hosts
/// never see the `World`: as in smoltcp's `tests/netsim.rs`, a node sees its device, not the
/// wire, so a reader follows a frame from a host to the segment through this type alone.
///
/// A value wrapping the world without retaining it: made per dispatch, it costs nothing.
struct HostContext {
    private unowned(unsafe) let world: World

    init(_ world: World) { self.world = world }

    /// The simulated time now.
    var now: SimTime { world.now }

    /// Puts a frame on the switch port `port` (the host's own).
    @inline(__always)
    func transmit(_ frame: [UInt8], from port: Int32) { world.transmit(frame, from: port) }

    /// Arms one of the host's timers: `timerFired(kind)` on the host at `port` at `time`.
    @inline(__always)
    func schedule(_ kind: HostTimer, port: Int32, at time: SimTime) {
        world.schedule(.hostTimer(port: port, kind: kind), at: time)
    }

    /// Where hosts note what happened.
    var recorder: Recorder { world.recorder }

    /// A node's process posts a Kubernetes Event on a Service (current's speaker:
    /// `announceFailed`). client-go's recorder stamps it when it is made; it is listed with
    /// that time even when the node is cut off from the API server (client-go retries it for
    /// about two minutes; lbsim does not model those retries).
    func postServiceEvent(_ event: ObjectEvent, for service: String) {
        world.controlPlane.recordServiceEvent(event, for: service)
    }

    // MARK: the API server, as a node's processes read it

    /// The services as the speakers' informers have delivered them so far: what a starting
    /// speaker's informers list when they sync.
    /// (On a node cut off from the API server, what its speaker had been delivered.)
    func speakerInformerList(for node: String) -> OrderedDictionary<String, ServiceView> {
        world.informerList(for: node)
    }

    /// v0.9.4: the MetalLB ConfigMap a speaker starting on `node` lists.
    func speakerPoolConfig(for node: String) -> SpeakerPoolConfig? { world.speakerPoolConfig(for: node) }

    /// kube-proxy's rules on `node`: the LoadBalancer service answering on `address`:`port`.
    func kubeProxyService(forIngress address: IPAddress, port: Int, on node: String) -> Service? {
        world.kubeProxyService(forIngress: address, port: port, on: node)
    }

    /// kube-proxy's rules on `node`: the ready endpoints of `service` (on `local` only, when
    /// given).
    func kubeProxyEndpoints(of service: Service, onNode local: String?, on node: String) -> [Pod] {
        world.kubeProxyEndpoints(of: service, onNode: local, on: node)
    }

    /// Whether the pod's node can take a connection forwarded from switch port `port`: it is
    /// powered and on the same side of any partition, with its link up. The node the SYN came
    /// in on (`self` in kube-proxy) always can.
    func canForward(to node: String, from port: Int32, isSelf: Bool) -> Bool {
        guard let backend = world.node(named: node), backend.powered else { return false }
        return isSelf || world.canReach(port, backend.port)
    }
}

/// Something plugged into a port of the segment: a node or a client.
protocol Host: AnyObject {
    var name: String { get }
    /// A frame arrived on this host's interface (it may not be addressed to it: flooded
    /// unknown unicast reaches every port; the host's MAC filter decides).
    func receive(_ frame: [UInt8], in context: HostContext)
    func timerFired(_ kind: HostTimer, in context: HostContext)
}
