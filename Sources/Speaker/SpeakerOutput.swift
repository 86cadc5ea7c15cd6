import Layer2
import Membership
import Wire

/// Something a `Speaker` wants its driver to do, in the order it must be done. The driver
/// takes them with `Speaker.poll()` after every call into the speaker; the order matters to a
/// deterministic simulator (frames enter the segment, and timers are queued, in this order).
public enum SpeakerOutput: Sendable, Hashable {
    /// A frame to put on one of the node's interfaces.
    case transmit(SpeakerFrame)
    /// A memberlist datagram for the node's IP stack to send from the memberlist port (the
    /// kernel resolves the destination; the speaker never sees the link layer of UDP).
    case datagram(MembershipOutput.Datagram)
    /// Something a report or a log line wants to know.
    case record(SpeakerRecord)
    /// Call `handleTimeout(timer, now:)` at `at` (nanoseconds on the driver's clock). The
    /// gratuitous ticker and memberlist's wake-up may be armed again before they fire: the
    /// speaker ignores a wake-up of theirs that is no longer the one it expects. Every other
    /// timer is armed once per occasion and always acted on.
    case arm(SpeakerTimer, at: Int64)
    /// The process has exited (crash, kill, or the end of a graceful stop): the driver drops
    /// it. Nothing follows.
    case exited
}

/// A frame the speaker sends, with what it is for: drivers count gratuitous rounds and
/// replies from this, never by decoding their own frames.
public struct SpeakerFrame: Sendable, Hashable {
    /// The node interface (index into `SpeakerConfiguration.interfaces`).
    public var interface: Int
    public var bytes: [UInt8]
    public var purpose: Purpose
    /// For an NDP answer, the unicast address the node's kernel resolves before sending it
    /// (see `OutgoingFrame.nextHop`).
    public var nextHop: IPv6Address?

    public init(interface: Int, bytes: [UInt8], purpose: Purpose, nextHop: IPv6Address? = nil) {
        self.interface = interface
        self.bytes = bytes
        self.purpose = purpose
        self.nextHop = nextHop
    }

    public enum Purpose: Sendable, Hashable {
        /// Part of a gratuitous round announcing the address (an ARP request or reply, or an
        /// unsolicited Neighbor Advertisement).
        case gratuitous(IPAddress)
        /// An answer to an ARP request or a Neighbor Solicitation.
        case reply
    }
}

/// What a speaker reports as it runs.
public enum SpeakerRecord: Sendable, Hashable {
    /// The speaker started answering for `ip`.
    case startedAnnouncing(IPAddress)
    /// The speaker stopped answering for `ip` (lost the election, the service went away, or
    /// the process exited).
    case stoppedAnnouncing(IPAddress)
    /// One gratuitous round for `ip` went out: `frames` frames over every interface it is
    /// announced on (two per interface for IPv4, one for IPv6).
    case gratuitousRound(IPAddress, frames: Int)
    /// The speaker's memberlist reported a member joining, leaving or changing.
    case member(MemberEvent)
    /// v0.9.4: the process refused a new ConfigMap, because `service`'s address `ip`, which
    /// it announces, is in none of its pools; it keeps its old config (`Speaker.handleConfig`).
    case configRefused(service: String, ip: IPAddress)
    /// current: the process posted an `announceFailed` Warning event on a Service.
    case announceFailed(AnnounceFailure)
    /// An interface scan after the first opened or closed a responder (MetalLB logs
    /// `createARPResponder`, `deleteNDPResponder` and the like).
    case responder(ResponderChange)
}

/// A responder an interface scan opened or closed.
public struct ResponderChange: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case arp = "ARP"
        case ndp = "NDP"
    }

    /// The interface's name.
    public var interface: String
    public var kind: Kind
    /// Opened (true) or closed.
    public var opened: Bool

    public init(interface: String, kind: Kind, opened: Bool) {
        self.interface = interface
        self.kind = kind
        self.opened = opened
    }

    /// As MetalLB's log names the event: `createARPResponder`, `deleteNDPResponder`...
    public var event: String { "\(opened ? "create" : "delete")\(kind.rawValue)Responder" }
}

/// The speaker process's timers. Each is armed through `SpeakerOutput.arm`.
public enum SpeakerTimer: Sendable, Hashable {
    /// The announcer's gratuitous ticker (1.1 s) while some window is open.
    case gratuitous
    /// memberlist's next wake-up (probe, gossip, push/pull, suspicion, ack deadlines).
    case memberlist
    /// The informers have synced after the process started: the first join.
    case firstJoin
    /// The informers of a restarted process have synced: every service is re-synced.
    case informersSynced
    /// MetalLB's minute join ticker.
    case rejoin
    /// A ForceSync queued by memberlist events runs (one per instant, however many events).
    case forceSync
    /// v0.9.4: rate-limited re-syncs of services come due (`Speaker+Resync.swift`).
    case resync
    /// A graceful stop's `Leave` timed out: the process exits.
    case leaveTimeout
    /// MetalLB's interface scan comes round (every 10 s from the start; armed only when the
    /// kernel's interfaces changed since the last scan, see `Speaker.interfacesChanged`).
    case interfaceScan
}
