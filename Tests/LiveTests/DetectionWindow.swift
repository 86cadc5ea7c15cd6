import Foundation
import Membership

/// When memberlist (Go's, or lbsim's, which follows it) declares a member dead or left, as a
/// window computed from the configuration: the interop tests hold both implementations to it.
///
/// A member that dies silently, in a cluster of n members with the LAN defaults (memberlist
/// state.go `probe`, `probeNode`; util.go `suspicionTimeout`; suspicion.go):
/// - the probe that finds it dead is the first whose ping goes out after it died. The probe
///   ticker fires every ProbeInterval and takes the next entry of the shuffled member list,
///   this node's own entry included. A tick that meets this node's entry skips it, and one
///   that reaches the end of the list reshuffles it and goes on; a tick gives up, idle,
///   after checking n entries. The longest wait between two probes of one member is when it
///   was first in the old list and is last in the new one, with this node's entry last in
///   the old and first in the new: the n − 2 others, one idle tick, the n − 2 others again,
///   then the member, 2n − 2 ticks. So the probe starts within (2n − 2) × ProbeInterval
///   after the death (2 intervals for n = 2, 4 for n = 3);
/// - it fails ProbeInterval × (health score + 1) after it starts: the health score is 0
///   while every probe has succeeded, and the TCP fallback ping to a dead node is refused
///   at once;
/// - the member is then suspect for the suspicion timeout. Lifeguard expects
///   k = SuspicionMult − 2 confirmations, but when n − 2 < k they cannot all come, so k = 0
///   and the timeout is the minimum, SuspicionMult × max(1, log10(n)) × ProbeInterval (4 s
///   up to n = 10). Another member's own verdict, gossiped, can only come sooner.
/// So dead is declared between ProbeInterval + timeout and (2n − 1) × ProbeInterval +
/// timeout after the death: 5 s to 7 s for n = 2, 5 s to 9 s for n = 3.
///
/// A graceful leave is gossiped: the next gossip round (or a probe it rides on) carries it,
/// within GossipInterval.
///
/// The windows are widened only for the machine: `schedulingSlack` at the top (timers and
/// two processes scheduled late on a loaded machine), `raceAllowance` at the bottom (a
/// ping that left just before the death).
enum DetectionWindow {
    static let config = MembershipConfig.liveLAN
    static let schedulingSlack = 0.5
    static let raceAllowance = 0.05

    static var probeInterval: Double { seconds(config.probeInterval) }

    static func suspicionTimeout(members n: Int) -> Double {
        let expected = config.suspicionMult - 2
        precondition(n - 2 < expected, "with n - 2 >= k confirmations the timeout starts at the maximum")
        return Double(config.suspicionMult) * max(1, log10(Double(n))) * probeInterval
    }

    /// The longest wait, in probe ticks, between two probes of one member.
    static func longestProbeGap(members n: Int) -> Double { Double(2 * n - 2) }

    /// Earliest and latest time, in seconds after a silent death, that it is declared dead.
    static func silentDeath(members n: Int) -> ClosedRange<Double> {
        let earliest = probeInterval + suspicionTimeout(members: n)
        let latest = longestProbeGap(members: n) * probeInterval + probeInterval + suspicionTimeout(members: n)
        return (earliest - raceAllowance)...(latest + schedulingSlack)
    }

    /// Earliest and latest time, in seconds after a graceful leave, that it is seen.
    static var leave: ClosedRange<Double> { 0...(seconds(config.gossipInterval) + schedulingSlack) }

    /// Sleeps a random part of a probe interval, so that over runs the death falls anywhere
    /// between two probe ticks and the whole window is exercised (the draw is printed).
    static func waitForARandomPhase() {
        let phase = Double.random(in: 0..<probeInterval)
        print("dying \(phase) s into the probe interval after the checks")
        usleep(UInt32(phase * 1e6))
    }

    private static func seconds(_ nanoseconds: Int64) -> Double { Double(nanoseconds) / 1e9 }
}
