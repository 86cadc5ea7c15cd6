import Engine
import Inspect
import Pcap
import Scenario
import Wire

/// `sim inspect --json`: the analysis as a JSON document, keys in a fixed order so the same
/// capture always gives the same bytes. Times are seconds since the epoch with nanosecond
/// precision, like the report's (lbsim's traces start at 0, so the two agree); durations are
/// seconds.
enum InspectJSON {
    static func document(_ analysis: CaptureAnalysis, capture: InspectedCapture) -> JSONValue {
        let counts = analysis.counts
        return .object([
            ("file", .string(capture.path)),
            ("linkType", linkType(capture.linkType.rawValue)),
            ("start", analysis.start.map(seconds) ?? .null),
            ("end", analysis.end.map(seconds) ?? .null),
            ("answerWindow", seconds(analysis.options.answerWindow)),
            ("conflictWindow", seconds(analysis.options.conflictWindow)),
            (
                "frames",
                .object([
                    ("total", .int(counts.frames)),
                    ("claims", .int(counts.claims)),
                    ("requests", .int(counts.requests)),
                    ("unrelated", .int(counts.unrelated)),
                    ("truncated", .int(counts.truncated)),
                    ("malformed", .int(counts.malformed)),
                    ("cutBySnapLength", .int(counts.cutBySnapLength)),
                    (
                        "linkTypesNotDecoded",
                        .array(
                            counts.undecodedLinkTypes.map { entry in
                                .object(linkTypeFields(entry.linkType) + [("frames", .int(entry.frames))])
                            })
                    ),
                    ("firstTruncated", example(counts.firstTruncated)),
                    ("firstMalformed", example(counts.firstMalformed)),
                ])
            ),
            ("damage", capture.damage.map(JSONValue.string) ?? .null),
            ("conflicts", .int(analysis.conflictCount)),
            ("addresses", .array(analysis.addresses.map(address))),
        ])
    }

    private static func address(_ history: AddressHistory) -> JSONValue {
        .object([
            ("ip", .string(history.ip.description)),
            ("vlans", .array(history.vlans.map { .int($0) })),
            ("claimCount", .int(history.claimCount)),
            ("requestCount", .int(history.requestCount)),
            (
                "claims",
                .array(
                    history.claims.map { run in
                        .object([
                            ("mac", mac(run.mac)), ("from", seconds(run.first)), ("to", seconds(run.last)),
                            ("count", .int(run.count)), ("kinds", .array(run.kinds.map { .string($0.rawValue) })),
                            ("firstFrame", .int(run.firstFrame)), ("lastFrame", .int(run.lastFrame)),
                        ])
                    })
            ),
            (
                "changes",
                .array(
                    history.changes.map { change in
                        .object([
                            ("t", seconds(change.time)), ("from", mac(change.from)), ("to", mac(change.to)),
                            ("gap", seconds(change.gap)), ("returning", .bool(change.returning)),
                        ])
                    })
            ),
            (
                "unanswered",
                .array(
                    history.unanswered.map { stretch in
                        .object([
                            ("from", seconds(stretch.from)), ("lastRequest", seconds(stretch.lastRequest)),
                            ("answeredAt", stretch.answeredAt.map(seconds) ?? .null),
                            ("seconds", seconds(stretch.duration)), ("requests", .int(stretch.requests)),
                            ("askers", .array(stretch.askers.map(mac))),
                        ])
                    })
            ),
            (
                "conflicts",
                .array(
                    history.conflicts.map { conflict in
                        .object([
                            ("from", seconds(conflict.from)), ("to", seconds(conflict.to)),
                            ("macs", .array(conflict.macs.map(mac))), ("switches", .int(conflict.switches)),
                            ("claims", .int(conflict.claims)),
                        ])
                    })
            ),
        ])
    }

    static func seconds(_ nanoseconds: Int64) -> JSONValue {
        .number(SimDuration(nanoseconds: nanoseconds).secondsText)
    }

    private static func mac(_ address: MACAddress) -> JSONValue { .string(address.description) }

    private static func linkType(_ raw: Int32) -> JSONValue { .object(linkTypeFields(raw)) }

    private static func linkTypeFields(_ raw: Int32) -> [(String, JSONValue)] {
        [("dlt", .int(raw)), ("name", .string(LinkType(rawValue: raw).name))]
    }

    private static func example(_ example: FrameCounts.Example?) -> JSONValue {
        guard let example else { return .null }
        return .object([("frame", .int(example.frame)), ("reason", .string(example.reason))])
    }
}
