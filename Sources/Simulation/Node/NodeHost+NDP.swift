import Engine
import Speaker
import Wire

/// The node's IPv6 neighbour discovery: two readers of every Neighbor Discovery frame, and
/// one way out for the answers.
///
/// - MetalLB's responder reads from a raw ICMPv6 socket, which the kernel hands every packet
///   before its own checks, verifying only the checksum (net/ipv6/raw.c); see `NDPResponder`
///   for what the responder checks itself.
/// - The kernel (`ndisc_rcv`, net/ipv6/ndisc.c) keeps RFC 4861's checks (`NDPMessage.validate`:
///   hop limit 255, code 0 and the rest) and acts only on its own address, the interface's
///   link-local one: it answers a solicitation for it (`LinuxNDP.answer`, R=1, as Kubernetes
///   nodes forward IPv6) and updates the interface's table from advertisements. A
///   solicitation for a service address is not its business (`ndisc_recv_ns` finds no local
///   address and no proxy entry), so it learns nothing about the solicitor from it.
/// - MetalLB writes its answer to the solicitor's unicast address, so the kernel sends it
///   through the interface's table (`neigh_resolve_output`): while the solicitor has no usable
///   entry the answer waits in the entry's queue and the kernel resolves the solicitor itself,
///   with a Neighbor Solicitation from the link-local address to the solicitor's
///   solicited-node group. The solicitor's advertisement makes the entry REACHABLE and the
///   answer goes out: one extra round trip, the first time only.
///
/// The node's link-local address is on-link for the solicitor's prefix: a dual-stack node has
/// an address in the segment's prefix, so the kernel routes the answer straight out.
extension NodeHost {
    /// A Neighbor Discovery frame arrived on interface `index`. `kernelReads` is false for a
    /// message with a non-zero ICMPv6 code, which only MetalLB's library reads.
    func receiveNDP(
        _ frame: [UInt8], decoded: DecodedFrame, header: IPv6Header, message: NDPMessage, kernelReads: Bool,
        on index: Int, in context: HostContext
    ) {
        let checksumIsGood = frame.withUnsafeBytes {
            NDPMessage.verifyChecksum(
                source: header.source, destination: header.destination,
                message: UnsafeRawBufferPointer(rebasing: $0[decoded.dataRange]))
        }
        guard checksumIsGood else { return }
        driveSpeaker(in: context) {
            $0.handleNDP(message, in: header, interface: index, now: context.now.nanoseconds)
        }
        if kernelReads { kernelReceivedNDP(message, in: header, on: index, in: context) }
    }

    /// `ndisc_rcv` on interface `index`, for a message sent to the link-local address, to all
    /// nodes, or to the link-local address's solicited-node group.
    private func kernelReceivedNDP(_ message: NDPMessage, in header: IPv6Header, on index: Int, in context: HostContext)
    {
        guard let linkLocal = interfaces[index].linkLocal, (try? message.validate(in: header)) != nil,
            header.destination == linkLocal || header.destination == .allNodes
                || header.destination == linkLocal.solicitedNodeMulticast
        else { return }
        switch message {
        case .neighborAdvertisement(_, _, _, let target, _):
            // An advertisement of the node's own address changes nothing (`ndisc_recv_na`).
            guard target != linkLocal else { return }
            var effects = NDNeighbourTable.Effects()
            neighbourDiscovery.tables[index].advertisementReceived(message, now: context.now, effects: &effects)
            applyNeighbourDiscovery(effects, for: target, on: index, in: context)
        case .neighborSolicitation(let target, _):
            guard target == linkLocal else { return }
            let mac = interfaces[index].hardwareAddress
            let answer = LinuxNDP.answer(to: message, in: header, mac: mac, router: true)
            guard header.source != .unspecified else {
                context.transmit(answer.frame(from: mac), from: ports[index])
                return
            }
            var effects = NDNeighbourTable.Effects()
            let answers = neighbourDiscovery.tables[index].solicitationForUsReceived(
                message, in: header, now: context.now, effects: &effects)
            applyNeighbourDiscovery(effects, for: header.source, on: index, in: context)
            guard answers else { return }
            sendIPv6(
                PendingFrame(bytes: answer.frame(from: mac, to: .zero), source: answer.source),
                to: answer.destination, on: index, in: context)
        }
    }

    /// MetalLB's answer, written to `frame.nextHop` through the kernel (see the type's doc).
    func sendSpeakerAnswer(_ frame: SpeakerFrame, to nextHop: IPv6Address, in context: HostContext) {
        guard let linkLocal = interfaces[frame.interface].linkLocal else { return }
        sendIPv6(PendingFrame(bytes: frame.bytes, source: linkLocal), to: nextHop, on: frame.interface, in: context)
    }

    /// The kernel's output path for an IPv6 frame to the unicast `nextHop` on interface
    /// `index`: sent now through a usable entry (moving a STALE one to DELAY), or held while the
    /// entry resolves.
    private func sendIPv6(_ frame: PendingFrame, to nextHop: IPv6Address, on index: Int, in context: HostContext) {
        var effects = NDNeighbourTable.Effects()
        if let mac = neighbourDiscovery.tables[index].resolve(nextHop, now: context.now, effects: &effects) {
            context.transmit(frame.addressed(to: mac), from: ports[index])
        } else {
            neighbourDiscovery.hold(frame, for: .init(interface: index, address: nextHop))
        }
        applyNeighbourDiscovery(effects, for: nextHop, on: index, in: context)
    }

    /// A neighbour timer of interface `index`'s table fired.
    func neighbourDiscoveryTimerFired(_ ip: IPv6Address, generation: UInt64, on index: Int, in context: HostContext) {
        var effects = NDNeighbourTable.Effects()
        neighbourDiscovery.tables[index].timerFired(ip, generation: generation, now: context.now, effects: &effects)
        applyNeighbourDiscovery(effects, for: ip, on: index, in: context)
    }

    /// Carries out what interface `index`'s table asked for: its solicitations, its timer
    /// (armed on the interface's own port), and the entry's queue, sent once the entry is
    /// usable (through the output path again, as the kernel does) or dropped when it failed.
    private func applyNeighbourDiscovery(
        _ effects: NDNeighbourTable.Effects, for ip: IPv6Address, on index: Int, in context: HostContext
    ) {
        let key = NodeNeighbourDiscovery.Key(interface: index, address: ip)
        if !effects.solicitations.isEmpty, let linkLocal = interfaces[index].linkLocal {
            let source = LinuxNDP.solicitationSource(
                queuedLast: neighbourDiscovery.lastQueuedSource(for: key), linkLocal: linkLocal)
            for solicitation in effects.solicitations {
                context.transmit(
                    LinuxNDP.solicitation(solicitation, from: interfaces[index].hardwareAddress, source: source),
                    from: ports[index])
            }
        }
        if let timer = effects.timer {
            context.schedule(
                .neighbour(ip: .v6(timer.ip), generation: timer.generation), port: ports[index], at: timer.time)
        }
        if effects.releaseQueue {
            for frame in neighbourDiscovery.takeQueue(for: key) { sendIPv6(frame, to: ip, on: index, in: context) }
        }
        if effects.dropQueue { _ = neighbourDiscovery.takeQueue(for: key) }
    }
}
