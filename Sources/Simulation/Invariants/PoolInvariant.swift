import Engine
import IPAM
import Wire

/// Every address a speaker starts announcing lies inside a pool of the configuration in force
/// at that instant (the last one the controller took at or before it). Speakers announce a
/// service's ingress addresses, which only the controller writes, from the pools: an address
/// outside them means the two disagree about the configuration.
///
/// Only the start of an announcement is judged: after a pool is removed, the speakers keep
/// announcing until their informers deliver the cleared ingress a watch delay later, as
/// MetalLB's do. For the same reason a start within `lag` of a configuration change (the
/// controller's watch delay plus the speakers') may still use an address of the configuration
/// before it: a speaker that takes over then elects from what its informers hold.
public enum PoolInvariant {
    public static let name = "announcedInPool"
    public static let rule = "every address a speaker starts announcing lies inside a configured pool"

    public static func check(
        announcements: [AnnouncementRecord], configs: [PoolConfigRecord],
        lag: SimDuration = .zero
    ) -> InvariantResult {
        var violations: [InvariantViolation] = []
        var checked = 0
        var current: Int?
        for record in announcements where record.action == .start {
            while configs.indices.contains((current ?? -1) + 1), configs[(current ?? -1) + 1].time <= record.time {
                current = (current ?? -1) + 1
            }
            checked += 1
            guard let index = current else {
                violations.append(
                    InvariantViolation(
                        time: record.time,
                        message: "\(record.node) started announcing \(record.ip) before any pool was configured"))
                continue
            }
            // The configuration in force, and those it replaced within the informers' lag.
            var inForce = index
            while inForce > 0, configs[inForce].time > record.time - lag { inForce -= 1 }
            guard !configs[inForce...index].contains(where: { $0.pools.contains { $0.contains(record.ip) } }) else {
                continue
            }
            let pools = configs[index].pools
            let configured =
                pools.isEmpty
                ? "no pools"
                : pools.map { "\($0.name) \($0.cidrs.map(\.description).joined(separator: ","))" }.joined(
                    separator: "; ")
            violations.append(
                InvariantViolation(
                    time: record.time,
                    message:
                        "\(record.node) started announcing \(record.ip), which lies in no configured pool (\(configured))"
                ))
        }
        return InvariantResult(
            name: name, rule: rule, subject: "announcement start", checked: checked, violations: violations)
    }
}
