/// MetalLB's interface scan: `updateInterfaces` in internal/layer2/announcer.go, which both
/// versions run once when the announcer is created and again 10 s after each run ends
/// (`interfaceScan`: scan, then `time.Sleep(10 * time.Second)`, forever). It is the only
/// place responders are opened and closed, so an interface brought up later gets its
/// responders at the next scan, and one taken down keeps them until the next scan.
///
/// The scan walks the kernel's interfaces in index order (`net.Interfaces`; lbsim's order is
/// the node's, primary first). For each one it:
/// - current: skips it altogether if its name matches the exclusion list, else adds the name
///   to the list `GetInterfaces` returns (whatever the interface's state: a down interface is
///   listed);
/// - skips it unless it is up, not enslaved (no `/sys/class/net/IF/master`) and not NOARP;
/// - keeps an ARP responder if it is broadcast-capable, and an NDP responder if it lists an
///   IPv6 link-local address, opening whichever it does not have yet.
///
/// Opening an NDP responder binds the link-local address, which fails while the address is
/// tentative. current logs that and goes on with the next interface; v0.9.4 returns from the
/// scan there, so the interfaces after it get nothing and no responder is closed that time.
/// Last, every responder on an interface the scan did not keep is closed.
///
/// Scanning takes microseconds; lbsim counts it as none, so the scans fall exactly 10 s apart
/// from the speaker's start.
public enum InterfaceScan {
    /// The sleep between scans.
    public static let period: Int64 = 10_000_000_000

    /// The first scan strictly after `now` of a speaker that started (and scanned) at `start`:
    /// a change at the very instant of a scan is seen by the next one.
    public static func nextScan(after now: Int64, start: Int64) -> Int64 {
        guard now >= start else { return start }
        return start + ((now - start) / period + 1) * period
    }

    /// One scan over `interfaces` (the kernel's view now, in index order), opening and
    /// closing `responders` as MetalLB does. Returns the names current's `GetInterfaces`
    /// would list after it (v0.9.4 keeps no such list; every name is returned for it).
    public static func run(
        _ interfaces: [L2Interface], rules: SpeakerController.Rules, responders: inout Responders
    ) -> [String] {
        var listed: [String] = []
        var keepARP = Set<Int>()
        var keepNDP = Set<Int>()
        for (index, interface) in interfaces.enumerated() {
            if interface.isExcluded(rules: rules) { continue }
            listed.append(interface.name)
            guard interface.mayCarryResponders(rules: rules) else { continue }
            if interface.answersARP(rules: rules) { keepARP.insert(index) }
            if interface.keepsNDP(rules: rules) { keepNDP.insert(index) }
            if keepARP.contains(index) && !responders.arp[index] { responders.openARP(index) }
            if keepNDP.contains(index) && responders.ndp[index] == nil {
                guard interface.linkLocalStatus == .valid else {
                    // The bind fails: current moves on, v0.9.4 gives up on this scan.
                    if rules == .v0_9_4 { return interfaces.map(\.name) }
                    continue
                }
                responders.openNDP(index)
            }
        }
        for index in interfaces.indices {
            if responders.arp[index] && !keepARP.contains(index) { responders.closeARP(index) }
            if responders.ndp[index] != nil && !keepNDP.contains(index) { responders.closeNDP(index) }
        }
        return rules == .v0_9_4 ? interfaces.map(\.name) : listed
    }
}
