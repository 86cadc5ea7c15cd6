import Layer2
import Wire

/// Which MetalLB's gratuitous schedule a live speaker follows (see `GratuitousSchedule`).
public enum LiveVersion: String, Sendable, Hashable, CaseIterable {
    /// Rounds at 0, 1.1, 2.2, 3.3, 4.4 s after an address is added.
    case current
    /// v0.9.4: a free-running 1.1 s ticker from the speaker's start, 5 or 6 rounds.
    // swift-format-ignore: AlwaysUseLowerCamelCase
    // (MetalLB's version name: the underscores stand for its dots.)
    case v0_9_4 = "v0.9.4"

    /// The speaker's rules for this version.
    public var rules: SpeakerController.Rules {
        switch self {
        case .current: return .current
        case .v0_9_4: return .v0_9_4
        }
    }

    /// The schedule, for a speaker that started at `start` (monotonic nanoseconds).
    func schedule(speakerStart start: Int64) -> GratuitousSchedule {
        switch self {
        case .current: return .current
        case .v0_9_4: return .v0_9_4(speakerStart: start)
        }
    }
}

/// Where a live speaker's announce set comes from once running.
public enum AnnounceSource: Sendable, Hashable {
    /// A file holding the whole set, one address per line; re-read whenever its content
    /// changes (write a new file and rename it over the old one to change it atomically).
    case file(String)
    /// Standard input, line by line: `IP` (or `+IP`) starts announcing it, `-IP` stops.
    /// End of input keeps the set as it is.
    case standardInput
}

/// Everything a live run needs.
public struct LiveConfiguration: Sendable, Hashable {
    /// The interface to answer on.
    public var interface: String
    /// Addresses announced for the whole run (`--announce`).
    public var announce: [IPAddress]
    /// Addresses followed from a file or standard input, announced in addition.
    public var follow: AnnounceSource?
    /// Where to write the pcap of every frame seen and sent, if anywhere.
    public var pcapPath: String?
    public var version: LiveVersion
    /// Stop after this many nanoseconds (nil: until SIGINT or SIGTERM).
    public var durationNanoseconds: Int64?
    /// Capture in promiscuous mode (not needed for ARP; for watching unicast traffic to others).
    public var promiscuous: Bool
    /// How often an announce file is checked for changes.
    public var pollIntervalNanoseconds: Int64

    public init(
        interface: String, announce: [IPAddress] = [], follow: AnnounceSource? = nil,
        pcapPath: String? = nil, version: LiveVersion = .current, durationNanoseconds: Int64? = nil,
        promiscuous: Bool = false, pollIntervalNanoseconds: Int64 = 100_000_000
    ) {
        self.interface = interface
        self.announce = announce
        self.follow = follow
        self.pcapPath = pcapPath
        self.version = version
        self.durationNanoseconds = durationNanoseconds
        self.promiscuous = promiscuous
        self.pollIntervalNanoseconds = pollIntervalNanoseconds
    }
}
