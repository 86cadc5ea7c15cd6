#if os(Linux)
import Glibc
import Foundation
import Membership
import Wire

/// Runs Membership's `Memberlist`, unchanged, on real sockets with the wall clock: a
/// memberlist node that real hashicorp/memberlist nodes (MetalLB's speakers) can join and be
/// joined by.
///
/// As memberlist's transport/net_transport.go, it binds one UDP socket and one TCP listener
/// to the same address and port (7946 by default). The driver only moves bytes; every
/// protocol decision is the sans-IO `Memberlist`'s:
/// - each UDP datagram received goes to `receive`; outputs of transport `.packet` go out by
///   UDP from the bound socket;
/// - an output of transport `.stream` (a join or periodic push/pull) is a TCP exchange, as
///   net.go `sendAndReceiveState`: dial with TCPTimeout (10 s), write the message
///   (`Stream.frame`), read the answer on the same connection, hand it to
///   `receiveStream(dialed: true)`;
/// - an accepted connection is read (`Stream.read`), handed to `receiveStream(dialed:
///   false)`, and the reply written back on it, as net.go `handleConn`;
/// - the loop sleeps until `nextWakeup` (CLOCK_MONOTONIC) or a message, then calls `tick`.
///
/// One thread runs the loop (`run`) and alone touches the `Memberlist`; the sockets and their
/// threads are `MemberlistTransport`'s (shared with `LiveNode`), which only post to the loop's
/// mailbox (connection threads then wait for the reply to write).
///
/// Sockets belong to the network namespace of the thread that creates them: the listeners
/// are made in `init`, and the threads that dial enter the namespace `init` ran in.
public final class LiveMemberlist: @unchecked Sendable {
    /// What the node reports as it goes (on the loop thread). Times are CLOCK_MONOTONIC ns.
    public enum Event: Sendable, Hashable {
        /// memberlist's event delegate: a member joined, left or died, or was updated.
        case member(MemberEvent, at: Int64)
        /// A push/pull this node started got its answer from `address`:`port`.
        case pushPullAnswered(IPv4Address, UInt16, at: Int64)
        /// A stream (dialed or accepted) failed: dial, read, write or decode.
        case streamFailed(String)
        /// A received message was not acted on (see `MembershipOutput.discarded`).
        case discarded(String)
        /// A UDP datagram could not be sent.
        case sendFailed(String)
    }

    public let name: String
    public let address: IPv4Address
    public let port: UInt16
    public let config: MembershipConfig

    private var memberlist: Memberlist<SystemRandomNumberGenerator>
    private let transport: MemberlistTransport
    private let mailbox = Mailbox<Message>()
    private let onEvent: @Sendable (Event) -> Void
    private let viewLock = NSLock()
    private var view: [Member] = []
    private var health = 0

    private enum Message {
        case arrival(MemberlistTransport.Arrival)
        case join([(IPv4Address, UInt16)])
        case leave(timeout: Int64)
        case stop
    }

    /// Binds the UDP socket and the TCP listener (in the calling thread's network
    /// namespace) and creates the memberlist. Nothing is sent until `run`.
    public init(
        name: String, address: IPv4Address, port: UInt16 = 7946, config: MembershipConfig = .liveLAN,
        meta: [UInt8] = [], onEvent: @escaping @Sendable (Event) -> Void = { _ in }
    ) throws {
        self.name = name
        self.address = address
        self.port = port
        self.config = config
        self.onEvent = onEvent
        let mailbox = self.mailbox
        transport = try MemberlistTransport(address: address, port: port, config: config) { mailbox.post(.arrival($0)) }
        memberlist = Memberlist(
            name: name, address: address, port: port, config: config, meta: meta,
            generator: SystemRandomNumberGenerator(), now: WallClock.monotonicNanoseconds())
        view = memberlist.members
    }

    // MARK: - From any thread

    /// Joins through `seeds` (a push/pull with each, over TCP), as memberlist's `Join`.
    public func join(_ seeds: [(IPv4Address, UInt16)]) { mailbox.post(.join(seeds)) }

    /// Leaves gracefully (memberlist's `Leave`): the node's own dead message is gossiped;
    /// `run` returns once it is out (or after `timeout` seconds), closing the sockets, as
    /// MetalLB shuts memberlist down after leaving.
    public func leave(timeout: Double = 5) { mailbox.post(.leave(timeout: Int64(timeout * 1e9))) }

    /// Stops at once, telling nobody: the sockets close as a killed process's do.
    public func requestStop() { mailbox.post(.stop) }

    /// The member list as the loop last left it (memberlist's view, dead and left included).
    public var members: [Member] {
        viewLock.lock()
        defer { viewLock.unlock() }
        return view
    }

    /// Lifeguard's health score as the loop last left it (0 is healthy; see `Awareness`).
    public var healthScore: Int {
        viewLock.lock()
        defer { viewLock.unlock() }
        return health
    }

    // MARK: - The loop

    /// Runs until `requestStop` or the end of a `leave`; then the sockets are closed. Call it
    /// once, on a thread of its own (it blocks).
    public func run() {
        transport.start()
        handle(memberlist.tick(now: WallClock.monotonicNanoseconds()))

        var leaveDeadline: Int64?
        var stopping = false
        while true {
            let now = WallClock.monotonicNanoseconds()
            var wake = memberlist.nextWakeup ?? now + 1_000_000_000
            if let leaveDeadline { wake = min(wake, leaveDeadline) }
            for message in mailbox.wait(untilMonotonic: wake) {
                // After a stop, a connection waiting for its reply gets none at once.
                if stopping {
                    if case .arrival(.incoming(_, _, _, let reply)) = message { reply.put(nil) }
                    continue
                }
                let now = WallClock.monotonicNanoseconds()
                switch message {
                case .arrival(.datagram(let payload, let from, let fromPort)):
                    handle(memberlist.receive(payload, from: from, port: fromPort, now: now))
                case .arrival(.incoming(let bytes, let from, let fromPort, let reply)):
                    let (answer, output) = memberlist.receiveStream(
                        bytes, from: from, port: fromPort, dialed: false, now: now)
                    reply.put(answer)
                    handle(output)
                case .arrival(.answer(let bytes, let from, let fromPort)):
                    onEvent(.pushPullAnswered(from, fromPort, at: now))
                    handle(memberlist.receiveStream(bytes, from: from, port: fromPort, dialed: true, now: now).output)
                case .arrival(.failed(let reason)):
                    onEvent(.streamFailed(reason))
                case .join(let seeds):
                    handle(memberlist.join(seeds, now: now))
                case .leave(let timeout):
                    handle(memberlist.leave(now: now))
                    leaveDeadline = now + timeout
                case .stop:
                    stopping = true
                }
            }
            if stopping { break }
            let after = WallClock.monotonicNanoseconds()
            if let tick = memberlist.nextWakeup, after >= tick {
                handle(memberlist.tick(now: after))
            }
            if let leaveDeadline, memberlist.leaveBroadcastFinished || after >= leaveDeadline { break }
        }
        // A connection still waiting for its reply gets none at once, rather than waiting out
        // TCPTimeout, as a stopped process's connections do.
        for case .arrival(.incoming(_, _, _, let reply)) in mailbox.drain() { reply.put(nil) }
        transport.stop()
    }

    /// Sends what a call produced and reports its events.
    private func handle(_ output: MembershipOutput) {
        for datagram in output.datagrams {
            if let failure = transport.send(datagram) { onEvent(.sendFailed(failure)) }
        }
        let now = WallClock.monotonicNanoseconds()
        for event in output.events { onEvent(.member(event, at: now)) }
        for reason in output.discarded { onEvent(.discarded(reason)) }
        let (members, score) = (memberlist.members, memberlist.healthScore)
        viewLock.lock()
        view = members
        health = score
        viewLock.unlock()
    }
}
#endif
