import Foundation
import TestSupport

/// `21.505000000` (seconds, as tcpdump `-tt --nano` and tshark's frame.time_epoch print them)
/// as integer nanoseconds, exactly.
func nanoseconds(fromSeconds text: String) -> Int64? {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    guard (1...2).contains(parts.count), let whole = Int64(parts[0]), whole >= 0 else { return nil }
    var fraction: Int64 = 0
    if parts.count == 2 {
        let digits = parts[1]
        guard digits.count <= 9, digits.allSatisfy(\.isNumber), let value = Int64(digits.isEmpty ? "0" : String(digits))
        else {
            return nil
        }
        fraction = value
        for _ in digits.count..<9 { fraction *= 10 }
    }
    return whole * 1_000_000_000 + fraction
}

/// A JSON number of seconds from the report, as nanoseconds (rounded: the report writes exact
/// decimals, JSONSerialization reads them as Double).
func nanoseconds(fromJSONSeconds value: Any?) -> Int64? {
    guard let number = value as? NSNumber else { return nil }
    return Int64((number.doubleValue * 1e9).rounded())
}

/// One line of `tcpdump -nn -e -tt --nano -r FILE`.
struct TcpdumpFrame: Sendable, CustomStringConvertible {
    var time: Int64
    var source: String
    var destination: String
    /// What follows `length N: `: the protocol summary.
    var summary: String
    var line: String

    var description: String { line }

    init?(_ line: String) {
        let tokens = line.split(separator: " ", omittingEmptySubsequences: true)
        guard tokens.count > 4, let time = nanoseconds(fromSeconds: String(tokens[0])), tokens[2] == ">" else {
            return nil
        }
        self.time = time
        source = String(tokens[1])
        destination = String(tokens[3].hasSuffix(",") ? tokens[3].dropLast() : tokens[3])
        guard let ethertype = line.range(of: ", ethertype "),
            let colon = line.range(of: ": ", range: ethertype.upperBound..<line.endIndex)
        else { return nil }
        summary = String(line[colon.upperBound...])
        self.line = line
    }
}

/// An ARP frame as tcpdump prints it: `Request who-has T [(MAC)] tell S` or `Reply S is-at MAC`.
struct ARPFrame: Sendable, CustomStringConvertible {
    enum Operation: Int, Sendable {
        case request = 1
        case reply = 2
    }

    var frame: TcpdumpFrame
    var operation: Operation
    /// The sender protocol address (`tell S` / `Reply S`).
    var senderIP: String
    /// The target protocol address of a request.
    var targetIP: String?
    /// The sender hardware address a reply announces (`is-at MAC`).
    var isAt: String?

    var time: Int64 { frame.time }
    var source: String { frame.source }
    var destination: String { frame.destination }
    var description: String { frame.line }

    /// MetalLB's gratuitous request: `who-has IP (ff:ff:ff:ff:ff:ff) tell IP`, broadcast.
    func isGratuitousRequest(for ip: String) -> Bool {
        operation == .request && destination == "ff:ff:ff:ff:ff:ff"
            && frame.summary.hasPrefix("Request who-has \(ip) (ff:ff:ff:ff:ff:ff) tell \(ip),")
    }

    /// MetalLB's gratuitous reply: `IP is-at MAC`, broadcast, from MAC.
    func isGratuitousReply(for ip: String) -> Bool {
        operation == .reply && destination == "ff:ff:ff:ff:ff:ff" && senderIP == ip && isAt == source
    }

    init?(_ frame: TcpdumpFrame) {
        self.frame = frame
        let words = frame.summary.split(separator: " ").map { String($0.hasSuffix(",") ? $0.dropLast() : $0) }
        if words.count >= 5, words[0] == "Request", words[1] == "who-has" {
            operation = .request
            targetIP = words[2]
            guard let tell = words.firstIndex(of: "tell"), tell + 1 < words.count else { return nil }
            senderIP = words[tell + 1]
        } else if words.count >= 4, words[0] == "Reply", words[2] == "is-at" {
            operation = .reply
            senderIP = words[1]
            isAt = words[3]
        } else {
            return nil
        }
    }
}

enum Tcpdump {
    /// Every frame of `file` (matching the optional BPF filter), in file order.
    static func frames(_ file: URL, filter: [String] = []) throws -> [TcpdumpFrame] {
        let result = try ExternalTool.run(
            try ExternalTool.tcpdump(),
            ["-nn", "-e", "-tt", "--nano", "-r", file.path] + filter,
            in: file.deletingLastPathComponent())
        var frames: [TcpdumpFrame] = []
        for line in result.stdoutLines {
            guard let frame = TcpdumpFrame(line) else { throw HarnessError("cannot parse tcpdump line: \(line)") }
            frames.append(frame)
        }
        return frames
    }

    /// The ARP frames of `file` (`tcpdump ... arp`).
    static func arp(_ file: URL) throws -> [ARPFrame] {
        try frames(file, filter: ["arp"]).map { frame in
            guard let arp = ARPFrame(frame) else { throw HarnessError("cannot parse tcpdump ARP line: \(frame.line)") }
            return arp
        }
    }
}

/// The seed cluster's MAC addresses (Scenarios/seed-nginx-migration.yaml).
enum SeedCluster {
    static let vip = "10.200.200.120"
    static let client = "00:50:56:00:3b:99"
    static let macs: [String: String] = [
        "master": "00:50:56:00:3b:10",
        "worker-1": "00:50:56:00:3b:6f",
        "worker-2": "00:50:56:00:3b:70",
        "worker-3": "00:50:56:00:3b:71",
    ]
    static let nodes = ["master", "worker-1", "worker-2", "worker-3"]
    static func mac(_ node: String) -> String { macs[node]! }
    static func node(ofMAC mac: String) -> String? { macs.first { $0.value == mac }?.key }
}

/// tshark as the tests read traces with it.
enum Tshark {
    /// The `names` fields of the frames matching `filter`, one array per frame, with TCP
    /// checksum validation on (so `tcp.checksum.status` means something).
    static func fields(_ trace: String, _ filter: String, _ names: [String], in folder: URL) throws -> [[String]] {
        let result = try ExternalTool.run(
            try ExternalTool.tshark(),
            [
                "-r", trace, "-o", "tcp.check_checksum:TRUE", "-Y", filter, "-T", "fields", "-E", "separator=|",
            ] + names.flatMap { ["-e", $0] }, in: folder)
        return result.stdout.split(separator: "\n").map {
            $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        }
    }

    /// tshark's summary line of every frame it finds malformed or flags with an expert info
    /// of `severity` (`error`, or `warning`) or worse, among the frames a display filter picks
    /// (all by default): empty for a clean capture.
    static func problems(
        _ trace: String, atLeast severity: String = "error", among frames: String? = nil, in folder: URL
    ) throws -> String {
        let problem = "(_ws.malformed || _ws.expert.severity >= \(severity))"
        return try ExternalTool.run(
            try ExternalTool.tshark(), ["-r", trace, "-Y", frames.map { "(\($0)) && \(problem)" } ?? problem],
            in: folder
        ).stdout
    }
}
