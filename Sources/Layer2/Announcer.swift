import Wire

/// One speaker's layer2 announcer (MetalLB's `layer2.Announce`), sans-IO.
///
/// It holds the addresses this node announces, answers ARP requests (IPv4) and Neighbor
/// Solicitations (IPv6) for them, and sends the gratuitous rounds (ARP request and reply, or an
/// unsolicited Neighbor Advertisement) when it starts announcing. It never reads a clock or
/// touches a socket: callers pass `now` (nanoseconds since an epoch of the driver's choosing)
/// and the frames that arrived, and get back the frames to send and the time to be woken next.
///
/// Answers and rounds go out only through the responders its interface scan opened
/// (`InterfaceScan`), and only from interfaces the kernel lets them leave.
public struct Announcer: Sendable {
    /// The node's interfaces as the kernel shows them now (frames name an interface by its
    /// index here). The driver reports changes at once (`kernelChanged`); the responders
    /// follow only at the next scan.
    public private(set) var interfaces: [L2Interface]
    public let schedule: GratuitousSchedule
    /// The responders running, per interface.
    public private(set) var responders: Responders
    /// The interface names the last scan listed (current's `GetInterfaces`): what an
    /// L2Advertisement's `interfaces` is checked against.
    public private(set) var listedInterfaces: [String]
    /// The rules the announcer scans interfaces by; nil when it runs a responder on every
    /// interface it was given and never scans (`sim live` on the interface the user named).
    public let scanRules: SpeakerController.Rules?

    /// Service name -> announced addresses (`ips` in MetalLB: one per family for dual-stack).
    private var ips: [String: [IPAddress]] = [:]
    /// How many services use each address: an address shared by two services stays announced
    /// until both are gone.
    @usableFromInline private(set) var refcount: [IPAddress: Int] = [:]
    /// Address -> end of its gratuitous window.
    private var spamUntil: [IPAddress: Int64] = [:]
    /// Address -> the interfaces (indices into `interfaces`) it is announced on, when an
    /// L2Advertisement's `interfaces` limits it; absent: every interface.
    private var allowed: [IPAddress: Set<Int>] = [:]
    /// The next tick of the gratuitous ticker while some window is open.
    public private(set) var nextTick: Int64?

    /// An announcer with responders on every interface given, which it never scans.
    public init(interfaces: [L2Interface], schedule: GratuitousSchedule) {
        self.interfaces = interfaces
        self.schedule = schedule
        responders = Responders(every: interfaces)
        listedInterfaces = interfaces.map(\.name)
        scanRules = nil
    }

    /// MetalLB's announcer as `layer2.New` creates it: its first scan runs at once, before
    /// anything is announced.
    public init(scanning interfaces: [L2Interface], rules: SpeakerController.Rules, schedule: GratuitousSchedule) {
        self.interfaces = interfaces
        self.schedule = schedule
        responders = Responders(count: interfaces.count)
        listedInterfaces = []
        scanRules = rules
        scan()
    }

    // MARK: interfaces

    /// The kernel's interfaces changed (one was brought up or down, or its link-local address
    /// came or went): what can be sent changes now; the responders wait for the next scan.
    public mutating func kernelChanged(_ interfaces: [L2Interface]) {
        precondition(interfaces.count == self.interfaces.count, "a node's interfaces are fixed")
        self.interfaces = interfaces
    }

    /// One run of MetalLB's interface scan over the kernel's interfaces as they are now.
    public mutating func scan() {
        guard let rules = scanRules else { return }
        listedInterfaces = InterfaceScan.run(interfaces, rules: rules, responders: &responders)
    }

    /// Whether a scan now would change nothing: a periodic scan that finds this is a no-op,
    /// so a driver need not run it.
    public var isSettled: Bool {
        var again = self
        again.scan()
        return again.responders == responders && again.listedInterfaces == listedInterfaces
    }

    /// Whether any address is answered for: most speakers on a segment announce nothing, and
    /// the responders check this first for every frame they are handed.
    @inlinable
    public var isAnnouncingAnything: Bool { !refcount.isEmpty }

    /// The addresses currently answered for, ascending (IPv4 before IPv6).
    public var announcedIPs: [IPAddress] { refcount.keys.sorted() }

    public func isAnnouncing(_ ip: IPAddress) -> Bool { (refcount[ip] ?? 0) > 0 }

    public func isAnnouncing(_ ip: IPv4Address) -> Bool { isAnnouncing(.v4(ip)) }

    /// Whether `service` is announced under its name (MetalLB's `AnnounceName`).
    public func isAnnouncing(service: String) -> Bool { ips[service] != nil }

    /// When the driver must call `tick(now:)` next, or nil when nothing is pending.
    public var nextWakeup: Int64? { nextTick }

    /// The solicited-node multicast groups the node must be in to hear Neighbor Solicitations
    /// for its IPv6 addresses (MetalLB's NDP responder `Watch`es each one).
    public var solicitedNodeGroups: Set<IPv6Address> {
        Set(
            refcount.keys.compactMap {
                if case .v6(let ip) = $0 { return ip.solicitedNodeMulticast } else { return nil }
            })
    }

    /// Starts (or re-confirms) announcing `ip` for `service`, and opens or extends its gratuitous
    /// window. Returns the frames of an immediate round when the window was not open.
    ///
    /// Called on every sync that finds this node the winner, not just the first: each call
    /// pushes the window's end to now + 5 s, which is why a resync or endpoint change sends
    /// more gratuitous rounds.
    ///
    /// `interfaceNames` is current's per-address interface list (the union of the selecting
    /// L2Advertisements' `interfaces`; nil when any of them names none, meaning all).
    public mutating func setBalancer(
        service: String, ip: IPAddress, interfaceNames: Set<String>? = nil,
        now: Int64
    ) -> [OutgoingFrame] {
        if !(ips[service]?.contains(ip) ?? false) {
            ips[service, default: []].append(ip)
            refcount[ip, default: 0] += 1
            // The first service to use an address: every NDP responder open now watches it.
            if refcount[ip] == 1, case .v6(let address) = ip { responders.watch(address.solicitedNodeMulticast) }
        }
        if let interfaceNames {
            allowed[ip] = Set(interfaces.indices.filter { interfaceNames.contains(interfaces[$0].name) })
        } else {
            allowed[ip] = nil
        }
        return openWindow(for: ip, now: now)
    }

    public mutating func setBalancer(
        service: String, ip: IPv4Address, interfaceNames: Set<String>? = nil,
        now: Int64
    ) -> [OutgoingFrame] {
        setBalancer(service: service, ip: .v4(ip), interfaceNames: interfaceNames, now: now)
    }

    /// Whether `ip` is announced on the interface at `index`.
    public func announces(_ ip: IPAddress, on index: Int) -> Bool {
        isAnnouncing(ip) && (allowed[ip]?.contains(index) ?? true)
    }

    /// Stops announcing `service`'s addresses (those no other service shares). Sends nothing:
    /// the losing node just stops answering.
    public mutating func deleteBalancer(service: String) {
        guard let addresses = ips.removeValue(forKey: service) else { return }
        for ip in addresses {
            let remaining = (refcount[ip] ?? 1) - 1
            refcount[ip] = remaining > 0 ? remaining : nil
            if remaining <= 0 {
                allowed[ip] = nil
                if case .v6(let address) = ip { responders.unwatch(address.solicitedNodeMulticast) }
            }
        }
    }

    /// Forgets every address, as a process that exits does (its sockets close with it).
    public mutating func reset() {
        for ip in refcount.keys { if case .v6(let address) = ip { responders.unwatch(address.solicitedNodeMulticast) } }
        ips = [:]
        refcount = [:]
        spamUntil = [:]
        allowed = [:]
        nextTick = nil
    }

    private mutating func openWindow(for ip: IPAddress, now: Int64) -> [OutgoingFrame] {
        if spamUntil.isEmpty {
            switch schedule.ticker {
            case .resetWhenIdle:
                nextTick = now + schedule.interval
            case .freeRunning(let epoch):
                nextTick = schedule.nextFreeRunningTick(after: now, epoch: epoch)
            }
        }
        let wasOpen = spamUntil[ip] != nil
        spamUntil[ip] = now + schedule.window
        // A round right away, rather than up to 1.1 s later, unless one is already under way.
        return wasOpen ? [] : gratuitous(ip)
    }

    /// Runs the ticker: one round for every address whose window is still open, in ascending
    /// address order (MetalLB ranges over a Go map; lbsim fixes the order). Windows that have
    /// ended are closed. Call at `nextWakeup`.
    public mutating func tick(now: Int64) -> [OutgoingFrame] {
        guard let due = nextTick, now >= due else { return [] }
        var frames: [OutgoingFrame] = []
        for ip in spamUntil.keys.sorted() {
            guard let until = spamUntil[ip] else { continue }
            if due > until {
                spamUntil[ip] = nil
            } else {
                frames += gratuitous(ip)
            }
        }
        nextTick = spamUntil.isEmpty ? nil : due + schedule.interval
        return frames
    }

    /// One gratuitous round for `ip` through every responder of its family on an interface it
    /// is announced on: for IPv4 an ARP request then an ARP reply, both broadcast, sender and
    /// target protocol address the VIP, target hardware address broadcast; for IPv6 an
    /// unsolicited Neighbor Advertisement to all nodes. Skipped when the address is no longer
    /// ours (ownership lost while the window was open).
    ///
    /// A responder whose interface cannot send (down, or for NDP a link-local address still
    /// tentative) fails: current logs it and goes on with the next responder; v0.9.4's
    /// `gratuitous` returns at the first failure, so the responders after it miss the round
    /// (`schedule.endsRoundAtFirstFailure`). Responders go in interface order (MetalLB ranges
    /// over a Go map: lbsim fixes the order).
    func gratuitous(_ ip: IPAddress) -> [OutgoingFrame] {
        guard isAnnouncing(ip) else { return [] }
        var frames: [OutgoingFrame] = []
        frames.reserveCapacity(interfaces.count * 2)
        for (index, interface) in interfaces.enumerated() where allowed[ip]?.contains(index) ?? true {
            let isIPv4 = ip.family == .ipv4
            let hasResponder = isIPv4 ? responders.arp[index] : responders.ndp[index] != nil
            guard hasResponder else { continue }
            guard isIPv4 ? interface.canSend : interface.canSendNDP else {
                if schedule.endsRoundAtFirstFailure { break }
                continue
            }
            switch ip {
            case .v4(let address):
                for operation in [ARPOperation.request, .reply] {
                    let packet = ARPPacket(
                        operation: operation,
                        senderHardwareAddress: interface.hardwareAddress,
                        senderProtocolAddress: address,
                        targetHardwareAddress: .broadcast,
                        targetProtocolAddress: address)
                    frames.append(
                        OutgoingFrame(
                            interface: index,
                            bytes: EthernetFrame.arp(
                                packet, destination: .broadcast, source: interface.hardwareAddress), announces: ip))
                }
            case .v6(let address):
                guard let bytes = NDPResponder.unsolicitedAdvertisement(for: address, from: interface) else { continue }
                frames.append(OutgoingFrame(interface: index, bytes: bytes, announces: ip))
            }
        }
        return frames
    }

    /// The responders: answers an ARP request or a Neighbor Solicitation that arrived on
    /// `interface` (see `respond(to:ethernetDestination:on:)` and `NDPResponder`).
    public func respond(to frame: [UInt8], on interface: Int) -> OutgoingFrame? {
        // Every frame is parsed, as MetalLB's responders read each one off their sockets before
        // deciding; only then is the target checked. NDP is read whatever its ICMPv6 code, as
        // mdlayher/ndp does (`NDPMessage.parseAnyCode`).
        guard let decoded = (try? EthernetFrame.decode(frame)) ?? EthernetFrame.decodeNDPAnyCode(frame) else {
            return nil
        }
        switch decoded.payload {
        case .arp(let packet):
            return respond(to: packet, ethernetDestination: decoded.ethernet.destination, on: interface)
        case .ipv6NDP(let header, let message):
            return respond(to: message, in: header, on: interface)
        default:
            return nil
        }
    }

    /// The ARP responder, for a request the driver has already parsed (the simulator parses
    /// each delivered frame once and shares the result between the kernel and the speaker):
    /// answers when the request is broadcast or addressed to this interface's MAC and asks for
    /// an address announced on this interface. No check on the sender fields, as in MetalLB.
    /// The reply goes back to the request's sender hardware address.
    public func respond(to request: ARPPacket, ethernetDestination: MACAddress, on interface: Int) -> OutgoingFrame? {
        guard request.operation == .request, interfaces.indices.contains(interface), responders.arp[interface],
            interfaces[interface].canSend
        else { return nil }
        let mac = interfaces[interface].hardwareAddress
        guard ethernetDestination == .broadcast || ethernetDestination == mac,
            announces(.v4(request.targetProtocolAddress), on: interface)
        else { return nil }
        let reply = ARPPacket(
            operation: .reply,
            senderHardwareAddress: mac,
            senderProtocolAddress: request.targetProtocolAddress,
            targetHardwareAddress: request.senderHardwareAddress,
            targetProtocolAddress: request.senderProtocolAddress)
        return OutgoingFrame(
            interface: interface,
            bytes: EthernetFrame.arp(
                reply, destination: reply.targetHardwareAddress, source: mac))
    }

    /// The NDP responder, for a parsed IPv6 packet: see `NDPResponder.answer`. It hears the
    /// groups its own socket joined (`Responders.NDPSocket`).
    public func respond(to message: NDPMessage, in header: IPv6Header, on interface: Int) -> OutgoingFrame? {
        guard interfaces.indices.contains(interface), let socket = responders.ndp[interface],
            interfaces[interface].canSendNDP,
            announces(.v6(message.target), on: interface),
            let answer = NDPResponder.answer(
                message, in: header, from: interfaces[interface],
                joined: { socket.joined.contains($0) })
        else { return nil }
        return OutgoingFrame(interface: interface, bytes: answer.bytes, nextHop: answer.nextHop)
    }
}
