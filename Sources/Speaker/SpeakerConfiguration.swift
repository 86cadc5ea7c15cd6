import Layer2
import Membership
import Wire

/// What a MetalLB speaker process is started with: the node it runs on, the MetalLB version
/// whose rules it follows, its memberlist settings, and how long its informers take to sync.
///
/// Everything here is fixed for the life of one process; a restarted speaker is a new
/// `Speaker` with (possibly) a new configuration.
public struct SpeakerConfiguration: Sendable {
    /// The node's name (`spec.nodeName` of the speaker pod, `METALLB_NODE_NAME`).
    public var node: String
    /// The node's InternalIP: the speaker pod runs with hostNetwork, so memberlist binds here.
    public var address: IPv4Address
    /// Every network interface of the node, the primary one first, as it boots. Frames in and
    /// out name an interface by its index in this list. (What the kernel shows of them later,
    /// up or down, reaches the process through `Speaker.interfacesChanged`.)
    public var interfaces: [L2Interface]
    /// Which MetalLB's election, gratuitous schedule and rejoin rules the process follows.
    public var rules: SpeakerController.Rules
    /// How the speaker picks the interfaces it answers on.
    public var interfaceSelection: InterfaceSelection
    /// memberlist's settings; nil runs the speaker without memberlist (MetalLB without the
    /// `memberlist` secret: every node with an endpoint counts as a live speaker).
    public var membership: MembershipConfig?
    /// memberlist's bind port (MetalLB's `--ml-bindport`, 7946).
    public var memberlistPort: UInt16
    /// The other speakers' addresses as the speaker's pod informer lists them, in list order:
    /// the seeds of every join (MetalLB's speakerlist joins the speaker pods' IPs, which are
    /// the node addresses since the DaemonSet runs with hostNetwork). This node's own address
    /// may be among them; it is skipped.
    public var speakerAddresses: [IPv4Address]
    /// From the process start to the informers' first sync: the first join (and, for a
    /// restarted speaker, the re-sync of every service) waits this long.
    public var informerSyncDelay: Int64
    /// MetalLB's join ticker: every minute the speaker joins the speakers it does not see.
    public var rejoinInterval: Int64
    /// How long a graceful stop waits for memberlist's leave to go out (`Leave(time.Second)`).
    public var leaveTimeout: Int64

    /// How the announcer chooses the interfaces it runs responders on.
    public enum InterfaceSelection: Sendable, Hashable {
        /// MetalLB's own scan (`InterfaceScan`), at the start and every 10 s: every interface
        /// that is up, not NOARP and not enslaved, ARP where it is broadcast-capable and NDP
        /// where it has a link-local address; current also skips its default exclusion list
        /// (`lo`, `veth`, `docker`, CNI devices...).
        case metallb
        /// Exactly the interfaces given, whatever their names, never scanned again: `sim live`
        /// on an interface the user named (a veth in a test namespace is exactly what current's
        /// scan would skip).
        case given
    }

    public init(
        node: String, address: IPv4Address, interfaces: [L2Interface], rules: SpeakerController.Rules,
        interfaceSelection: InterfaceSelection = .metallb, membership: MembershipConfig? = nil,
        memberlistPort: UInt16 = 7946, speakerAddresses: [IPv4Address] = [],
        informerSyncDelay: Int64 = 5_000_000, rejoinInterval: Int64 = 60_000_000_000,
        leaveTimeout: Int64 = 1_000_000_000
    ) {
        self.node = node
        self.address = address
        self.interfaces = interfaces
        self.rules = rules
        self.interfaceSelection = interfaceSelection
        self.membership = membership
        self.memberlistPort = memberlistPort
        self.speakerAddresses = speakerAddresses
        self.informerSyncDelay = informerSyncDelay
        self.rejoinInterval = rejoinInterval
        self.leaveTimeout = leaveTimeout
    }

    /// The gratuitous schedule of a process started at `start`: v0.9.4's ticker runs from the
    /// start; current's restarts whenever a window opens in an empty map.
    func gratuitousSchedule(start: Int64) -> GratuitousSchedule {
        rules == .v0_9_4 ? .v0_9_4(speakerStart: start) : .current
    }
}
