import Engine
import Layer2

/// The node kernel's own view of its interfaces: each one's administrative state (`ip link set
/// dev IF up|down`, IFF_UP), its carrier (the link actions, and power), and its IPv6
/// link-local address.
///
/// Administrative state and carrier are different things to MetalLB:
/// - An interface that loses carrier stays up: its addresses, routes and MetalLB's responders
///   stay (MetalLB's scan reads IFF_UP, never IFF_RUNNING), and frames simply do not cross.
/// - An interface taken down sends and receives nothing, loses its IPv6 addresses (Linux
///   flushes them, `addrconf_ifdown`), and takes its IPv4 addresses' local and connected
///   routes with it (`fib_disable_ip`). MetalLB's next scan closes its responders. Brought
///   up again, it gets its link-local address back (with carrier) as tentative until
///   duplicate address detection is over, and its responders at the next scan after that.
///
/// The node's address lives on its primary interface, so with that one down the node has no
/// route at all (`hasRoutes`).
extension NodeHost {
    /// Whether the switch port of interface `index` passes frames: carrier and up.
    func portPasses(_ index: Int) -> Bool { carrier[index] && interfaces[index].isUp }

    /// Whether the node's IPv4 address has its routes: its primary interface is up. Without
    /// them the kernel neither sends the node's own traffic (memberlist's datagrams and
    /// connections fail at once), nor answers ARP for the address on any interface, nor has a
    /// way back to a client for kube-proxy.
    var hasRoutes: Bool { interfaces[0].isUp }

    /// `ip link set dev IF up|down` on interface `index`. Returns whether it changed. The
    /// caller refreshes the switch port and tells the speaker (`reportInterfaces`).
    func setAdministrativeState(of index: Int, up: Bool, in context: HostContext) -> Bool {
        guard interfaces[index].isUp != up else { return false }
        interfaces[index].isUp = up
        interfaces[index].linkLocalStatus = .absent
        dadGeneration[index] &+= 1
        if up {
            startDuplicateAddressDetection(on: index, in: context)
        } else if index == 0 {
            // The device's neighbour entries go with it (`arp_ifdown`), queued packets too.
            neighbours.flush()
        }
        return true
    }

    /// Carrier comes or goes on interface `index` (`linkDown`/`linkUp`). An interface that
    /// came up without carrier gets its link-local address now. Returns whether the kernel's
    /// view of the interface changed (it does not for carrier alone).
    func setCarrier(of index: Int, _ on: Bool, in context: HostContext) -> Bool {
        carrier[index] = on
        guard powered, on, interfaces[index].isUp, interfaces[index].linkLocalStatus == .absent,
            interfaces[index].linkLocal != nil
        else { return false }
        startDuplicateAddressDetection(on: index, in: context)
        return true
    }

    /// The machine boots: interfaces as declared, with carrier. Their link-local addresses
    /// are usable: a speaker pod starts long after the kernel's duplicate address detection
    /// (a second or two) is over, though lbsim starts it at the instant of the boot.
    func bootInterfacesUp() {
        interfaces = bootInterfaces
        carrier = Array(repeating: true, count: interfaces.count)
        for index in dadGeneration.indices { dadGeneration[index] &+= 1 }
    }

    /// The machine stops: no interface has carrier any more.
    func dropCarrier() { carrier = Array(repeating: false, count: interfaces.count) }

    /// Tells the speaker what the kernel shows of the interfaces now.
    func reportInterfaces(in context: HostContext) {
        driveSpeaker(in: context) { $0.interfacesChanged(interfaces, now: context.now.nanoseconds) }
    }

    /// The link-local address is added, tentative, when the interface is up with carrier:
    /// duplicate address detection waits a random time below `rtr_solicit_delay` (1 s),
    /// sends one probe and gives it `retrans_time` (1 s). A NOARP interface skips the check.
    private func startDuplicateAddressDetection(on index: Int, in context: HostContext) {
        guard carrier[index], interfaces[index].linkLocal != nil else { return }
        guard !interfaces[index].isNoARP else {
            interfaces[index].linkLocalStatus = .valid
            return
        }
        interfaces[index].linkLocalStatus = .tentative
        dadRuns &+= 1
        var random = RandomStream(rootSeed: speakerSeed, .duplicateAddressDetection)
            .split("\(name)/\(interfaces[index].name)#\(dadRuns)")
        let wait = Int64(random.uniform(below: 1_000_000_000)) + 1_000_000_000
        context.schedule(
            .addressDAD(interface: index, generation: dadGeneration[index]), port: port,
            at: context.now + .nanoseconds(wait))
    }

    /// Duplicate address detection passed (nobody else on the segment uses a node's
    /// link-local address): the address becomes usable.
    func duplicateAddressDetectionDone(on index: Int, generation: UInt64, in context: HostContext) {
        guard generation == dadGeneration[index], interfaces[index].linkLocalStatus == .tentative else { return }
        interfaces[index].linkLocalStatus = .valid
        reportInterfaces(in: context)
    }
}
