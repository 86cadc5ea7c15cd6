#if os(Linux)
import Foundation
import Glibc
import Live
import Membership
import NamespaceLab
import Wire

// The two kinds of memberlist node the interop tests run side by side in namespaces: a real
// Go memberlist (Tests/MemberlistPeer, built here) and lbsim's LiveMemberlist, in-process.

/// Where this test process builds the Go peer.
let goPeerDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("lbsim-memberlist-peer-\(getpid())")
    .path

enum GoPeerBuild {
    /// Where Debian's golang-github-hashicorp-memberlist-dev puts the Go sources.
    static let gopath = "/usr/share/gocode"
    static var goTool: String? {
        KernelLab.executable("go") ?? ["/usr/lib/go/bin/go"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }
    static var isAvailable: Bool {
        goTool != nil
            && FileManager.default.fileExists(atPath: "\(gopath)/src/github.com/hashicorp/memberlist/memberlist.go")
    }

    /// Tests/MemberlistPeer, beside this file's folder.
    static let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("MemberlistPeer").path

    /// The peer, built once per test process into a temporary folder (GOPATH mode, no
    /// network: everything comes from Debian's packages).
    static let executable: Result<String, LabError> = {
        guard let go = goTool else {
            return .failure(LabError(description: "go is not installed (apt-get install golang-go)"))
        }
        let directory = URL(fileURLWithPath: goPeerDirectory)
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // The build (about 9 MB) goes when the test process ends.
        atexit { try? FileManager.default.removeItem(atPath: goPeerDirectory) }
        let output = directory.appendingPathComponent("memberlist-peer").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: go)
        process.arguments = ["build", "-o", output, "."]
        process.currentDirectoryURL = URL(fileURLWithPath: source)
        var environment = ProcessInfo.processInfo.environment
        environment["GOPATH"] = gopath
        environment["GO111MODULE"] = "off"
        environment["GOFLAGS"] = ""
        if environment["HOME"] == nil { environment["GOCACHE"] = directory.appendingPathComponent("cache").path }
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch { return .failure(LabError(description: "go build: \(error)")) }
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return .failure(LabError(description: "go build failed: \(text)")) }
        return .success(output)
    }()
}

/// One JSON line the Go peer printed.
struct PeerLine: Sendable {
    var event: String
    var node: String?
    var state: String?
    /// CLOCK_MONOTONIC when the peer printed it.
    var monotonic: Int64
    var members: [(node: String, state: String)]
    var raw: String

    init?(_ line: String) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            let event = object["event"] as? String, let time = object["mono_ns"] as? NSNumber
        else { return nil }
        self.event = event
        node = object["node"] as? String
        state = object["state"] as? String
        monotonic = time.int64Value
        members = (object["members"] as? [[String: Any]] ?? []).compactMap { entry in
            guard let node = entry["node"] as? String, let state = entry["state"] as? String else { return nil }
            return (node, state)
        }
        raw = line
    }
}

/// The Go memberlist node, run with `ip netns exec`.
final class GoPeer {
    let name: String
    private let process = Process()
    private let output = Pipe()
    private let errors = Pipe()
    private let lines = Locked<[PeerLine]>([])
    private let log = Locked<String>("")

    init(namespace: String, name: String, bind: String, join: String? = nil) throws {
        self.name = name
        let peer = try GoPeerBuild.executable.get()
        process.executableURL = URL(fileURLWithPath: LiveLab.executable("ip")!)
        process.arguments =
            ["netns", "exec", namespace, peer, "-name", name, "-bind", bind, "-port", "7946"]
            + (join.map { ["-join", $0] } ?? [])
        process.standardOutput = output
        process.standardError = errors
        let (lines, log) = (self.lines, self.log)
        let pending = Locked<String>("")
        output.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            guard !data.isEmpty else { return }
            pending.update { buffer in
                buffer += String(decoding: data, as: UTF8.self)
                while let newline = buffer.firstIndex(of: "\n") {
                    let line = String(buffer[..<newline])
                    buffer = String(buffer[buffer.index(after: newline)...])
                    if let parsed = PeerLine(line) { lines.update { $0.append(parsed) } }
                }
            }
        }
        errors.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if !data.isEmpty { log.update { $0 += String(decoding: data, as: UTF8.self) } }
        }
        try process.run()
    }

    /// memberlist's own log (standard error) and the JSON lines, for failure messages.
    var transcript: String { log.value + lines.value.map(\.raw).joined(separator: "\n") }

    /// The first line that `matches`, waiting up to `seconds` for it.
    func waitFor(seconds: Double, _ matches: (PeerLine) -> Bool) -> PeerLine? {
        let end = Date().addingTimeInterval(seconds)
        repeat {
            if let line = lines.value.first(where: matches) { return line }
            usleep(10_000)
        } while Date() < end
        return lines.value.first(where: matches)
    }

    var events: [PeerLine] { lines.value }

    /// The peer's `Members()` with each entry's state (SIGUSR1).
    func members() -> [(node: String, state: String)]? {
        let before = lines.value.filter { $0.event == "members" }.count
        kill(process.processIdentifier, SIGUSR1)
        let end = Date().addingTimeInterval(5)
        while Date() < end {
            let dumps = lines.value.filter { $0.event == "members" }
            if dumps.count > before { return dumps.last!.members }
            usleep(10_000)
        }
        return nil
    }

    /// SIGKILL: memberlist gets no chance to say anything. Returns CLOCK_MONOTONIC just
    /// before the signal.
    func killHard() -> Int64 {
        let now = WallClock.monotonicNanoseconds()
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return now
    }

    /// SIGTERM: the peer leaves gracefully. Returns CLOCK_MONOTONIC just before the signal.
    func terminate() -> Int64 {
        let now = WallClock.monotonicNanoseconds()
        process.terminate()
        return now
    }

    func waitForExit(seconds: Double) -> Int32? {
        let end = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < end { usleep(10_000) }
        return process.isRunning ? nil : process.terminationStatus
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        output.fileHandleForReading.readabilityHandler = nil
        errors.fileHandleForReading.readabilityHandler = nil
    }
}

/// lbsim's LiveMemberlist, created in a namespace and run on a thread of its own.
final class LbsimPeer: @unchecked Sendable {
    let node: LiveMemberlist
    private let recorded = Locked<[LiveMemberlist.Event]>([])
    private let finished = DispatchSemaphore(value: 0)

    init(namespace: String, name: String, address: IPv4Address) throws {
        let recorded = self.recorded
        node = try inNamespace(namespace) {
            try LiveMemberlist(name: name, address: address, onEvent: { event in recorded.update { $0.append(event) } })
        }
        let (node, finished) = (self.node, self.finished)
        Thread {
            node.run()
            finished.signal()
        }.start()
    }

    var events: [LiveMemberlist.Event] { recorded.value }

    /// The first member event that `matches`, waiting up to `seconds`.
    func waitForMember(seconds: Double, _ matches: (MemberEvent) -> Bool) -> (event: MemberEvent, at: Int64)? {
        let end = Date().addingTimeInterval(seconds)
        repeat {
            for case .member(let event, let at) in recorded.value where matches(event) { return (event, at) }
            usleep(10_000)
        } while Date() < end
        return nil
    }

    /// Waits for `run` to return.
    func waitForStop(seconds: Double) -> Bool { finished.wait(timeout: .now() + seconds) == .success }

    var transcript: String { recorded.value.map { "\($0)" }.joined(separator: "\n") }

    deinit {
        node.requestStop()
        _ = finished.wait(timeout: .now() + 3)
    }
}

/// A value shared between threads behind a lock.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value

    init(_ value: Value) { stored = value }

    var value: Value {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }

    func update(_ change: (inout Value) -> Void) {
        lock.lock()
        change(&stored)
        lock.unlock()
    }
}
#endif
