import Wire

/// One speaker's layer2 announcer (MetalLB's `layer2.Announce`), sans-IO.
///
/// It holds the addresses this node announces, answers ARP requests for them, and sends the
/// gratuitous rounds when it starts announcing. It never reads a clock or touches a socket:
/// callers pass `now` (nanoseconds since an epoch of the driver's choosing) and the frames that
/// arrived, and get back the frames to send and the time to be woken next.
public struct Announcer: Sendable {
    public let interfaces: [L2Interface]
    public let schedule: GratuitousSchedule

    /// Service name -> announced address (`ips` in MetalLB).
    private var ips: [String: IPv4Address] = [:]
    /// How many services use each address: an address shared by two services stays announced
    /// until both are gone.
    private var refcount: [IPv4Address: Int] = [:]
    /// Address -> end of its gratuitous window.
    private var spamUntil: [IPv4Address: Int64] = [:]
    /// Address -> the interfaces (indices into `interfaces`) it is announced on, when an
    /// L2Advertisement's `interfaces` limits it; absent: every interface.
    private var allowed: [IPv4Address: Set<Int>] = [:]
    /// The next tick of the gratuitous ticker while some window is open.
    public private(set) var nextTick: Int64?

    public init(interfaces: [L2Interface], schedule: GratuitousSchedule) {
        self.interfaces = interfaces
        self.schedule = schedule
    }

    /// The addresses currently answered for, ascending.
    public var announcedIPs: [IPv4Address] { refcount.keys.sorted() }

    public func isAnnouncing(_ ip: IPv4Address) -> Bool { (refcount[ip] ?? 0) > 0 }

    /// Whether `service` is announced under its name (MetalLB's `AnnounceName`).
    public func isAnnouncing(service: String) -> Bool { ips[service] != nil }

    /// When the driver must call `tick(now:)` next, or nil when nothing is pending.
    public var nextWakeup: Int64? { nextTick }

    /// Starts (or re-confirms) announcing `ip` for `service`, and opens or extends its gratuitous
    /// window. Returns the frames of an immediate round when the window was not open.
    ///
    /// Called on every sync that finds this node the winner, not just the first: each call
    /// pushes the window's end to now + 5 s, which is why a resync or endpoint change sends
    /// more gratuitous rounds.
    ///
    /// `interfaceNames` is current's per-address interface list (the union of the selecting
    /// L2Advertisements' `interfaces`; nil when any of them names none, meaning all).
    public mutating func setBalancer(service: String, ip: IPv4Address, interfaceNames: Set<String>? = nil,
                                     now: Int64) -> [OutgoingFrame] {
        if ips[service] == nil {
            ips[service] = ip
            refcount[ip, default: 0] += 1
        }
        if let interfaceNames {
            allowed[ip] = Set(interfaces.indices.filter { interfaceNames.contains(interfaces[$0].name) })
        } else {
            allowed[ip] = nil
        }
        return openWindow(for: ip, now: now)
    }

    /// Whether `ip` is announced on the interface at `index`.
    public func announces(_ ip: IPv4Address, on index: Int) -> Bool {
        isAnnouncing(ip) && (allowed[ip]?.contains(index) ?? true)
    }

    /// Stops announcing `service`'s address (when no other service shares it). Sends nothing:
    /// the losing node just stops answering.
    public mutating func deleteBalancer(service: String) {
        guard let ip = ips.removeValue(forKey: service) else { return }
        let remaining = (refcount[ip] ?? 1) - 1
        refcount[ip] = remaining > 0 ? remaining : nil
        if remaining <= 0 { allowed[ip] = nil }
    }

    /// Forgets everything, as a crashed or restarted speaker does.
    public mutating func reset() {
        ips = [:]
        refcount = [:]
        spamUntil = [:]
        allowed = [:]
        nextTick = nil
    }

    private mutating func openWindow(for ip: IPv4Address, now: Int64) -> [OutgoingFrame] {
        if spamUntil.isEmpty {
            switch schedule.ticker {
            case .resetWhenIdle:
                nextTick = now + schedule.interval
            case let .freeRunning(epoch):
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

    /// One gratuitous round for `ip`: on every interface it is announced on, an ARP request then an ARP reply, both
    /// broadcast, sender and target protocol address the VIP, target hardware address broadcast.
    /// Skipped when the address is no longer ours (ownership lost while the window was open).
    func gratuitous(_ ip: IPv4Address) -> [OutgoingFrame] {
        guard isAnnouncing(ip) else { return [] }
        var frames: [OutgoingFrame] = []
        frames.reserveCapacity(interfaces.count * 2)
        for (index, interface) in interfaces.enumerated() where allowed[ip]?.contains(index) ?? true {
            for operation in [ARPOperation.request, .reply] {
                let packet = ARPPacket(operation: operation,
                                       senderHardwareAddress: interface.hardwareAddress,
                                       senderProtocolAddress: ip,
                                       targetHardwareAddress: .broadcast,
                                       targetProtocolAddress: ip)
                frames.append(OutgoingFrame(interface: index, bytes: EthernetFrame.arp(
                    packet, destination: .broadcast, source: interface.hardwareAddress)))
            }
        }
        return frames
    }

    /// The ARP responder: answers a request that arrived on `interface` when the request is
    /// broadcast or addressed to this interface's MAC and asks for an address this node
    /// announces. No check on the sender fields, as in MetalLB. The reply goes back to the
    /// request's sender hardware address.
    public func respond(to frame: [UInt8], on interface: Int) -> OutgoingFrame? {
        // Every ARP frame is parsed, as MetalLB's responder reads each one off its socket before
        // deciding; only then is the target checked.
        let parsed: (EthernetHeader, ARPPacket)? = frame.withUnsafeBytes { raw in
            guard let ethernet = try? EthernetHeader.parse(raw), ethernet.etherType == .arp,
                  let packet = try? ARPPacket.parse(UnsafeRawBufferPointer(rebasing: raw[EthernetHeader.length...]))
            else { return nil }
            return (ethernet, packet)
        }
        guard let (ethernet, packet) = parsed else { return nil }
        return respond(to: packet, ethernetDestination: ethernet.destination, on: interface)
    }

    /// The same decision for a request the driver has already parsed (the simulator parses
    /// each delivered frame once and shares the result between the kernel and the speaker).
    public func respond(to request: ARPPacket, ethernetDestination: MACAddress, on interface: Int) -> OutgoingFrame? {
        guard request.operation == .request, interfaces.indices.contains(interface) else { return nil }
        let mac = interfaces[interface].hardwareAddress
        guard ethernetDestination == .broadcast || ethernetDestination == mac,
              announces(request.targetProtocolAddress, on: interface) else { return nil }
        let reply = ARPPacket(operation: .reply,
                              senderHardwareAddress: mac,
                              senderProtocolAddress: request.targetProtocolAddress,
                              targetHardwareAddress: request.senderHardwareAddress,
                              targetProtocolAddress: request.senderProtocolAddress)
        return OutgoingFrame(interface: interface, bytes: EthernetFrame.arp(
            reply, destination: reply.targetHardwareAddress, source: mac))
    }
}
