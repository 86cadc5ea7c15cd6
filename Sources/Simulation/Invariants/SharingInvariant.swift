import IPAM
import Wire

/// No address is held by two services against MetalLB's sharing rules (METALLB-SEMANTICS.md,
/// "Sharing"): both need the same non-empty sharing key, the same backend key (so Local
/// services share only with identically-selected ones), and no common (protocol, port).
///
/// The allocator enforces this itself; the check replays the controller's recorded changes
/// and judges every holder pair again with its own reading of the rules, at each change,
/// so a bug that lets a conflicting holder in for a moment is caught even if it heals later.
public enum SharingInvariant {
    public static let name = "sharingRules"
    public static let rule =
        "no address is held by two services unless both have the same non-empty sharing key, the same backends, and no common port"

    public static func check(_ records: [AllocationRecord]) -> InvariantResult {
        var held: [String: Assignment] = [:]
        /// Holders of each address, sorted.
        var holders: [IPAddress: [String]] = [:]
        var violations: [InvariantViolation] = []
        for record in records {
            if let previous = held[record.service] {
                for ip in previous.ips { holders[ip]?.removeAll { $0 == record.service } }
            }
            held[record.service] = record.assignment
            guard let assignment = record.assignment else { continue }
            for ip in assignment.ips {
                var list = holders[ip] ?? []
                for other in list {
                    guard let theirs = held[other], let reason = conflict(assignment, theirs) else { continue }
                    violations.append(
                        InvariantViolation(
                            time: record.time, message: "\(ip) held by \(record.service) and \(other): \(reason)"))
                }
                list.insert(record.service, at: list.firstIndex { $0 > record.service } ?? list.count)
                holders[ip] = list
            }
        }
        return InvariantResult(
            name: name, rule: rule, subject: "allocation change", checked: records.count, violations: violations)
    }

    /// Why two holders of one address may not share it, or nil when they may.
    static func conflict(_ a: Assignment, _ b: Assignment) -> String? {
        if a.sharing.sharing.isEmpty || b.sharing.sharing.isEmpty {
            return
                "\(a.sharing.sharing.isEmpty && b.sharing.sharing.isEmpty ? "neither has" : "only one has") a sharing key"
        }
        if a.sharing.sharing != b.sharing.sharing {
            return "sharing keys \"\(a.sharing.sharing)\" and \"\(b.sharing.sharing)\" differ"
        }
        if a.sharing.backend != b.sharing.backend {
            return "different backends (\(backendText(a.sharing.backend)) and \(backendText(b.sharing.backend)))"
        }
        let common = Set(a.ports).intersection(b.ports).sorted()
        if !common.isEmpty {
            return "both use \(common.map(\.description).joined(separator: ", "))"
        }
        return nil
    }

    /// The backend key is empty for externalTrafficPolicy Cluster, the selector for Local.
    private static func backendText(_ key: String) -> String {
        key.isEmpty ? "Cluster" : "Local \(key)"
    }
}
