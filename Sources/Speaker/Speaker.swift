import Engine
import Layer2
import Membership
import OrderedCollections
import Wire

/// One MetalLB speaker process, sans-IO: the election for every service (`SpeakerController`),
/// the ARP and NDP responders and gratuitous rounds (`Announcer`), memberlist (`Memberlist`),
/// joining and rejoining it, leaving on a graceful stop, ForceSync after memberlist events,
/// and the process's own informer view of the API server.
///
/// Shaped after quinn-proto's `Connection`: a driver (the simulator's `NodeHost`, or
/// `sim live` on a real interface) feeds it a handful of events, each with the time, and then
/// takes what it produced with `poll()`:
/// - in: `handleARP`/`handleNDP`/`handleFrame` (a frame on a node interface),
///   `handleDatagram` (memberlist's UDP), `handleServices`/`handleNodeChanged`/`handleConfig`
///   (what the informers deliver), `interfacesChanged` (the kernel's interfaces),
///   `handleTimeout` (a timer it armed), `terminate` (SIGTERM or SIGKILL);
/// - out: `SpeakerOutput` in order: frames with what they are for, datagrams, records, timers
///   to arm, and the exit.
///
/// It never reads a clock, touches a socket or draws randomness except from the stream it is
/// given, so the same events give the same outputs under every driver. (Not generic over the
/// generator: a generic struct's fields are reached through runtime metadata from another
/// module, which made the simulator's hot path a third slower.)
public struct Speaker {
    public let configuration: SpeakerConfiguration
    /// The election and the announcer.
    public internal(set) var controller: SpeakerController
    /// memberlist, when the speaker runs with it.
    public internal(set) var memberlist: Memberlist<RandomStream>?
    /// The speakers this one may elect (MetalLB's `UsableSpeakers`): the names of its
    /// memberlist's live members, or nil without memberlist.
    public internal(set) var usableSpeakers: Set<String>?
    /// The services as this process's informers last delivered them, in the order they were
    /// first delivered: what a ForceSync re-runs the election over.
    public internal(set) var informer: OrderedDictionary<String, ServiceView>
    /// When the process started: its interface scans fall every 10 s from here.
    public let startedAt: Int64
    /// The interface scan already armed (`Speaker+Interfaces.swift`).
    var scheduledScan: Int64?
    /// The gratuitous ticker wake-up already armed, so it is not armed twice.
    var scheduledTick: Int64?
    /// The memberlist wake-up already armed.
    var scheduledMembershipWakeup: Int64?
    /// A graceful stop is under way: memberlist is leaving; the process exits at this time
    /// at the latest.
    public internal(set) var leaveDeadline: Int64?
    /// A ForceSync is armed for this instant already.
    var forceSyncQueued = false
    /// v0.9.4: the work queue's rate limiter, and the service keys waiting on it with the
    /// time each is due (`Speaker+Resync.swift`).
    var rateLimiter = ControllerRateLimiter()
    var waitingResyncs: OrderedDictionary<String, Int64> = [:]
    /// The resync wake-up already armed.
    var scheduledResync: Int64?
    /// The process has exited; it takes no more events.
    public internal(set) var hasExited = false
    @usableFromInline var outbox: [SpeakerOutput] = []
    @usableFromInline var outboxCursor = 0

    /// Starts the process at `now` (a new pod of the DaemonSet, or a restart), with empty
    /// state: memberlist is created (the join waits for the informers to sync), and a
    /// restarted process (`resyncWhenInformersSync`) re-syncs every service in `informer`
    /// once they have. `informer` is what the process's informers will list when they sync.
    ///
    /// - Parameters:
    ///   - generator: memberlist's randomness (unused without memberlist).
    ///   - interfaces: the node's interfaces as the kernel shows them at the start, which the
    ///     announcer's first scan reads; by default as the configuration lists them.
    public init(
        configuration: SpeakerConfiguration, generator: RandomStream, now: Int64,
        informer: OrderedDictionary<String, ServiceView> = [:], resyncWhenInformersSync: Bool = false,
        poolConfig: SpeakerPoolConfig? = nil, interfaces: [L2Interface]? = nil
    ) {
        self.configuration = configuration
        self.informer = informer
        startedAt = now
        let schedule = configuration.gratuitousSchedule(start: now)
        let kernel = interfaces ?? configuration.interfaces
        let announcer =
            switch configuration.interfaceSelection {
            case .metallb: Announcer(scanning: kernel, rules: configuration.rules, schedule: schedule)
            case .given: Announcer(interfaces: kernel, schedule: schedule)
            }
        controller = SpeakerController(node: configuration.node, rules: configuration.rules, announcer: announcer)
        // A new process holds no address yet, so it takes whatever config its informer lists.
        if configuration.rules == .v0_9_4 { controller.ownConfig = poolConfig }
        if let membership = configuration.membership {
            memberlist = Memberlist(
                name: configuration.node, address: configuration.address,
                port: configuration.memberlistPort, config: membership,
                generator: generator, now: now)
            usableSpeakers = Set(memberlist!.liveMembers.map(\.name))
            arm(.firstJoin, at: now + configuration.informerSyncDelay)
            arm(.rejoin, at: now + configuration.rejoinInterval)
            armMembershipWakeup(now: now)
        }
        if resyncWhenInformersSync { arm(.informersSynced, at: now + configuration.informerSyncDelay) }
    }

    /// Whether `poll()` has something: a driver checks this first, on a path that runs for
    /// every frame on the segment (most of which produce nothing).
    @inlinable
    public var hasOutput: Bool { outboxCursor < outbox.count }

    /// The next thing to do, in order; nil once everything produced so far has been taken.
    @inlinable
    public mutating func poll() -> SpeakerOutput? {
        guard outboxCursor < outbox.count else {
            if !outbox.isEmpty {
                outbox.removeAll(keepingCapacity: true)
                outboxCursor = 0
            }
            return nil
        }
        defer { outboxCursor += 1 }
        return outbox[outboxCursor]
    }

    /// The addresses the announcer answers for now, ascending.
    public var announcedIPs: [IPAddress] { controller.announcer.announcedIPs }

    // MARK: timers

    /// A timer armed through `SpeakerOutput.arm` came due. A gratuitous or memberlist wake-up
    /// that was superseded (the ticker re-armed earlier, memberlist's schedule moved) is
    /// ignored: `armedFor` (the time the `.arm` output gave; the simulator fires exactly then,
    /// so it defaults to `now`) must be the wake-up still expected. A live driver, which wakes
    /// late by the wall clock, passes the real `now` and the armed time.
    public mutating func handleTimeout(_ timer: SpeakerTimer, now: Int64, armedFor: Int64? = nil) {
        guard !hasExited else { return }
        let armed = armedFor ?? now
        switch timer {
        case .gratuitous:
            guard armed == scheduledTick else { return }
            scheduledTick = nil
            emit(controller.tick(now: now), now: now)
        case .memberlist:
            guard armed == scheduledMembershipWakeup, memberlist != nil else { return }
            scheduledMembershipWakeup = nil
            let output = memberlist!.tick(now: now)
            handle(output, now: now)
        case .firstJoin:
            joinMissingSpeakers(now: now)
        case .rejoin:
            joinMissingSpeakers(now: now)
            arm(.rejoin, at: now + configuration.rejoinInterval)
        case .forceSync:
            forceSyncQueued = false
            forceSync(now: now)
        case .informersSynced:
            forceSync(now: now)
        case .resync:
            guard armed == scheduledResync else { return }
            scheduledResync = nil
            runDueResyncs(now: now)
        case .leaveTimeout:
            guard leaveDeadline != nil else { return }
            exit()
        case .interfaceScan:
            guard armed == scheduledScan else { return }
            scheduledScan = nil
            scanInterfaces(now: now)
        }
    }

    // MARK: the process

    /// A signal: SIGTERM (`graceful`) leaves memberlist first and keeps answering until the
    /// leave is out, at most `leaveTimeout`; SIGKILL, a crash or a power loss exits at once.
    public mutating func terminate(graceful: Bool, now: Int64) {
        guard !hasExited else { return }
        guard graceful, memberlist != nil, leaveDeadline == nil else { return exit() }
        leaveDeadline = now + configuration.leaveTimeout
        arm(.leaveTimeout, at: leaveDeadline!)
        let output = memberlist!.leave(now: now)
        handle(output, now: now)
    }

    /// The process ends: it stops answering at once and its memberlist goes silent.
    mutating func exit() {
        for ip in controller.announcer.announcedIPs { outbox.append(.record(.stoppedAnnouncing(ip))) }
        controller.reset()
        memberlist = nil
        usableSpeakers = nil
        hasExited = true
        outbox.append(.exited)
    }

    // MARK: helpers

    mutating func arm(_ timer: SpeakerTimer, at time: Int64) { outbox.append(.arm(timer, at: time)) }

    /// Sends what the announcer produced (gratuitous rounds, or an answer), records each round
    /// once, and arms the gratuitous ticker. A round's frames are consecutive: the announcer
    /// emits one address's frames for every interface together.
    mutating func emit(_ frames: [OutgoingFrame], now: Int64) {
        var rounds: [(ip: IPAddress, frames: Int)] = []
        for frame in frames {
            let purpose: SpeakerFrame.Purpose = frame.announces.map { .gratuitous($0) } ?? .reply
            outbox.append(.transmit(SpeakerFrame(interface: frame.interface, bytes: frame.bytes, purpose: purpose)))
            guard let ip = frame.announces else { continue }
            if rounds.last?.ip == ip {
                rounds[rounds.count - 1].frames += 1
            } else {
                rounds.append((ip, 1))
            }
        }
        for round in rounds { outbox.append(.record(.gratuitousRound(round.ip, frames: round.frames))) }
        armTicker(now: now)
    }

    private mutating func armTicker(now: Int64) {
        guard let wakeup = controller.announcer.nextWakeup else { return }
        if let scheduled = scheduledTick, scheduled <= wakeup, scheduled >= now { return }
        scheduledTick = wakeup
        arm(.gratuitous, at: wakeup)
    }
}
