import Engine
import Foundation
import Inspect
import Pcap
import Wire

/// `sim inspect` for people: a header with what was read and skipped, then one block per IP.
/// Times are the capture's own, in seconds since the epoch (as `tcpdump -tt` prints them, and
/// the report's times for lbsim's traces); the header adds the UTC dates.
enum InspectText {
    static func lines(_ analysis: CaptureAnalysis, capture: InspectedCapture) -> [String] {
        let counts = analysis.counts
        var lines: [String] = []
        var header = "\(capture.path): \(capture.linkType.name), \(counts.frames) frames"
        if let start = analysis.start, let end = analysis.end {
            header += ", \(seconds(start)) to \(seconds(end)) (\(date(start)) to \(date(end)))"
        }
        lines.append(header)
        lines.append(
            "  \(counts.claims) claims, \(counts.requests) requests, \(counts.unrelated) other frames; "
                + "skipped \(counts.truncated) truncated, \(counts.malformed) malformed"
                + (counts.cutBySnapLength > 0 ? "; \(counts.cutBySnapLength) frames cut by the snapshot length" : ""))
        for entry in counts.undecodedLinkTypes {
            lines.append(
                "  link type \(LinkType(rawValue: entry.linkType).name) (\(entry.linkType)) not decoded: \(entry.frames) frames skipped"
            )
        }
        if let example = counts.firstTruncated {
            lines.append("  first truncated frame: #\(example.frame), \(example.reason)")
        }
        if let example = counts.firstMalformed {
            lines.append("  first malformed frame: #\(example.frame), \(example.reason)")
        }
        if let damage = capture.damage {
            lines.append("  damaged after frame \(counts.frames): \(damage); the rest of the file was not read")
        }
        for history in analysis.addresses {
            lines.append("")
            lines += block(history)
        }
        let unanswered = analysis.addresses.reduce(0) { $0 + $1.unanswered.count }
        lines.append("")
        lines.append(
            "\(analysis.addresses.count) IPs, \(analysis.conflictCount) conflicts, \(unanswered) unanswered stretches")
        return lines
    }

    private static func block(_ history: AddressHistory) -> [String] {
        let lines = [
            history.vlans.isEmpty
                ? "\(history.ip)"
                : "\(history.ip) (VLAN \(history.vlans.map(String.init).joined(separator: ".")))"
        ]
        var events: [(time: Int64, order: Int, text: String)] = []
        for run in history.claims {
            let kinds = run.kinds.map(\.rawValue).joined(separator: ", ")
            events.append(
                (
                    run.first, 0,
                    "claimed by \(run.mac) from \(seconds(run.first)) to \(seconds(run.last)) "
                        + "(\(run.count) \(run.count == 1 ? "claim" : "claims"): \(kinds))"
                ))
        }
        for change in history.changes {
            events.append(
                (
                    change.time, 1,
                    "changed \(change.from) -> \(change.to) at \(seconds(change.time)), "
                        + "\(duration(change.gap)) after the old MAC's last claim" + (change.returning ? " (back)" : "")
                ))
        }
        for stretch in history.unanswered {
            let askers = stretch.askers.map(\.description).joined(separator: ", ")
            let end =
                stretch.answeredAt.map { "until a claim at \(seconds($0))" }
                ?? "never answered before the capture ended"
            events.append(
                (
                    stretch.from, 2,
                    "unanswered from \(seconds(stretch.from)) for \(duration(stretch.duration)), "
                        + "\(stretch.requests) \(stretch.requests == 1 ? "request" : "requests") from \(askers), \(end)"
                ))
        }
        for conflict in history.conflicts {
            events.append(
                (
                    conflict.from, 3,
                    "CONFLICT from \(seconds(conflict.from)) to \(seconds(conflict.to)): "
                        + conflict.macs.map(\.description).joined(separator: ", ")
                        + " (\(conflict.switches) switches, \(conflict.claims) claims)"
                ))
        }
        events.sort { ($0.time, $0.order) < ($1.time, $1.order) }
        return lines + events.map { "  " + $0.text }
    }

    private static func seconds(_ nanoseconds: Int64) -> String { SimDuration(nanoseconds: nanoseconds).secondsText }

    private static func duration(_ nanoseconds: Int64) -> String { SimDuration(nanoseconds: nanoseconds).description }

    private static func date(_ nanoseconds: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: Double(nanoseconds) / 1e9))
    }
}
