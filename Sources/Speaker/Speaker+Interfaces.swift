import Layer2

/// MetalLB's interface scan as the process runs it: at the start (the announcer's first scan)
/// and every 10 s after, on its own phase (`startedAt`), opening and closing responders
/// (`InterfaceScan`).
///
/// A scan that finds what the last one found does nothing, so the process arms a scan only
/// when the kernel's interfaces changed and a scan would change something. It runs at the
/// instant the periodic scan would; every scan it leaves out would have changed nothing. (A
/// scan that could not open an NDP responder on a tentative address is settled until the
/// address passes DAD, which the driver reports as a change.) A run whose interfaces never
/// change schedules no scan at all, so its events and outputs are those of a run without scans.
extension Speaker {
    /// The driver reports the kernel's interfaces now (an interface went up or down, a
    /// link-local address came, went or passed DAD). Sending follows at once; the responders
    /// follow at the next scan.
    public mutating func interfacesChanged(_ interfaces: [L2Interface], now: Int64) {
        guard !hasExited, interfaces != controller.announcer.interfaces else { return }
        controller.kernelChanged(interfaces)
        armScan(now: now)
    }

    /// A scan came round: it opens and closes responders, and records each change.
    mutating func scanInterfaces(now: Int64) {
        let before = controller.announcer.responders
        controller.scanInterfaces()
        let after = controller.announcer.responders
        for (index, interface) in controller.announcer.interfaces.enumerated() {
            if before.arp[index] != after.arp[index] {
                outbox.append(
                    .record(
                        .responder(ResponderChange(interface: interface.name, kind: .arp, opened: after.arp[index]))))
            }
            if (before.ndp[index] != nil) != (after.ndp[index] != nil) {
                outbox.append(
                    .record(
                        .responder(
                            ResponderChange(interface: interface.name, kind: .ndp, opened: after.ndp[index] != nil))))
            }
        }
        armScan(now: now)
    }

    /// Arms the next scan on the process's 10 s grid, unless the announcer is settled (a scan
    /// would change nothing) or a scan is armed already.
    private mutating func armScan(now: Int64) {
        guard configuration.interfaceSelection == .metallb, scheduledScan == nil,
            !controller.announcer.isSettled
        else { return }
        let next = InterfaceScan.nextScan(after: now, start: startedAt)
        scheduledScan = next
        arm(.interfaceScan, at: next)
    }
}
