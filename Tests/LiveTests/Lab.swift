#if os(Linux)
import Dispatch
import Foundation
import Glibc
import NamespaceLab
import TestSupport
import Testing
import Wire

// A lab of network namespaces for the live tests, torn down by every test that builds one.
// The client namespace B holds a bridge `br0` with 192.0.2.2/24 (the kernel whose `ip neigh`
// the tests read); every other namespace ("speaker" or "old owner") has one veth whose peer is
// a port of B's bridge. Addresses from 192.0.2.0/24 only.

enum LiveLab {
    static var isAvailable: Bool { KernelLab.isAvailable }

    static let skipReason: Comment =
        "runs sim live against the real kernel in network namespaces: needs root and iproute2 (ip netns)"

    static func executable(_ name: String) -> String? { KernelLab.executable(name) }

    /// The `sim` executable built next to the test bundle (or `$LBSIM_SIM`).
    static func simExecutable() throws -> String {
        if let path = ProcessInfo.processInfo.environment["LBSIM_SIM"] { return path }
        let candidate = try SimExecutable.url().path
        let help = try run(candidate, ["live", "--help"], allowFailure: true)
        guard help.contains("--interface") else {
            throw LabError(
                description: "\(candidate) has no `live` subcommand: add LiveCommand.self to Sim.swift's subcommands")
        }
        return candidate
    }

    @discardableResult
    static func run(_ tool: String, _ arguments: [String], allowFailure: Bool = false) throws -> String {
        try KernelLab.run(tool, arguments, allowFailure: allowFailure)
    }
}

/// The namespaces and links of one test.
final class Lab {
    let tag: String
    /// The client namespace, holding the bridge.
    let client: String
    let bridge = "br0"
    static let clientAddress = "192.0.2.2/24"
    private var namespaces: [String] = []

    /// IPv6 stays on (for the NDP tests), with duplicate address detection and router
    /// solicitations off so that addresses are usable at once and captures stay quiet.
    let ipv6: Bool

    init(ipv6: Bool = false) throws {
        self.ipv6 = ipv6
        tag = "\(getpid() % 100_000)\(Lab.nextSerial())"
        client = "lbsim-\(tag)-b"
        do {
            try addNamespace(client)
            try ip(["-n", client, "link", "add", bridge, "type", "bridge"])
            try ip(["-n", client, "addr", "add", Lab.clientAddress, "dev", bridge])
            try ip(["-n", client, "link", "set", bridge, "up"])
        } catch {
            delete()
            throw error
        }
    }

    /// Labs of one test process run at once (suites run in parallel): each takes its own
    /// three-digit serial, so no two share a namespace name (a random one collided).
    private static let serialLock = NSLock()
    nonisolated(unsafe) private static var serial = 0
    private static func nextSerial() -> Int {
        serialLock.lock()
        defer { serialLock.unlock() }
        serial += 1
        return 100 + serial % 900
    }

    private func addNamespace(_ name: String) throws {
        try ip(["netns", "add", name])
        namespaces.append(name)
        try ip(["-n", name, "link", "set", "lo", "up"])
        if ipv6 {
            for scope in ["default", "all"] {
                try sysctl(name, "net/ipv6/conf/\(scope)/accept_dad", "0")
                try sysctl(name, "net/ipv6/conf/\(scope)/router_solicitations", "0")
            }
        } else {
            // Keep IPv6 chatter (DAD, router solicitations) out of the captures.
            try sysctl(name, "net/ipv6/conf/default/disable_ipv6", "1")
            try sysctl(name, "net/ipv6/conf/all/disable_ipv6", "1")
        }
    }

    /// A namespace `lbsim-TAG-<suffix>` with veth `dev` (address `address`, if any) plugged
    /// into B's bridge. Returns the namespace and device names.
    func attach(_ suffix: String, address: String? = nil) throws -> (namespace: String, device: String) {
        let namespace = "lbsim-\(tag)-\(suffix)"
        let device = "l\(tag)\(suffix)"
        let port = "p\(tag)\(suffix)"
        try addNamespace(namespace)
        try ip(["-n", namespace, "link", "add", device, "type", "veth", "peer", "name", port, "netns", client])
        try ip(["-n", client, "link", "set", port, "master", bridge])
        try ip(["-n", client, "link", "set", port, "up"])
        if let address { try ip(["-n", namespace, "addr", "add", address, "dev", device]) }
        try ip(["-n", namespace, "link", "set", device, "up"])
        return (namespace, device)
    }

    /// Deletes every namespace (and with them the links). Safe to call twice.
    func delete() {
        for name in namespaces.reversed() { _ = try? LiveLab.run("ip", ["netns", "del", name]) }
        namespaces = []
    }

    deinit { delete() }

    @discardableResult
    func ip(_ arguments: [String]) throws -> String { try LiveLab.run("ip", arguments) }

    func sysctl(_ namespace: String, _ key: String, _ value: String) throws {
        try KernelLab.sysctl(namespace, key, value)
    }

    func mac(_ namespace: String, _ device: String) throws -> MACAddress { try KernelLab.mac(namespace, device) }

    /// B's `ip neigh` entry for `address`: MAC and NUD state.
    func neighbour(_ address: String) throws -> (mac: MACAddress?, state: String?) {
        try KernelLab.neighbour(client, address, device: bridge)
    }

    /// Polls B's entry until `condition` holds or `seconds` pass; returns the last reading.
    func waitForNeighbour(
        _ address: String, seconds: Double,
        until condition: ((mac: MACAddress?, state: String?)) -> Bool
    ) throws -> (mac: MACAddress?, state: String?) {
        let end = Date().addingTimeInterval(seconds)
        var reading = try neighbour(address)
        while !condition(reading), Date() < end {
            usleep(50_000)
            reading = try neighbour(address)
        }
        return reading
    }

    /// `arping` from B: iputils (`arping -I IF`) or Thomas Habets' arping (`arping -i IF`),
    /// whichever is installed. Returns every MAC address the replies showed.
    func arpingFromClient(_ address: String, count: Int = 3) throws -> (macs: [MACAddress], output: String) {
        guard LiveLab.executable("arping") != nil else {
            throw LabError(
                description: "arping is not installed: apt-get install iputils-arping (CI: add it to .ci/run)")
        }
        let version = try LiveLab.run("arping", ["-V"], allowFailure: true)
        let interfaceFlag = version.contains("iputils") ? "-I" : "-i"
        let output = try LiveLab.run(
            "ip",
            [
                "netns", "exec", client, "arping", "-c", "\(count)", "-w", "5",
                interfaceFlag, bridge, address,
            ], allowFailure: true)
        var macs: [MACAddress] = []
        for line in output.split(separator: "\n") where !line.hasPrefix("ARPING") {
            for word in line.split(whereSeparator: { $0.isWhitespace || "[]()".contains($0) }) {
                if word.count == 17, let mac = MACAddress(String(word)) { macs.append(mac) }
            }
        }
        return (macs, output)
    }
}

/// A `sim live` process running inside a namespace (`ip netns exec NS sim live ...`).
final class LiveProcess {
    let process = Process()
    private let output = Pipe()
    private let box = OutputBox()

    init(namespace: String, arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: LiveLab.executable("ip")!)
        process.arguments = ["netns", "exec", namespace, try LiveLab.simExecutable(), "live"] + arguments
        process.standardOutput = output
        process.standardError = output
        let box = self.box
        output.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if !data.isEmpty { box.append(data) }
        }
        try process.run()
    }

    /// Everything printed so far.
    var text: String { box.text }

    /// Waits until the output contains `needle` (true) or `seconds` pass or the process ends.
    func waitFor(_ needle: String, seconds: Double) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if text.contains(needle) { return true }
            if !process.isRunning { return text.contains(needle) }
            usleep(20_000)
        }
        return text.contains(needle)
    }

    /// SIGTERM, then waits for the exit; returns the exit status.
    @discardableResult
    func stop() -> Int32 {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        usleep(50_000)
        output.fileHandleForReading.readabilityHandler = nil
        return process.terminationStatus
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }
}

private final class OutputBox: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    func append(_ more: Data) {
        lock.lock()
        data.append(more)
        lock.unlock()
    }

    var text: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: data, as: UTF8.self)
    }
}

/// Runs `body` on a fresh thread inside network namespace `name` (see `KernelLab.inNamespace`).
func inNamespace<T: Sendable>(_ name: String, _ body: @escaping @Sendable () throws -> T) throws -> T {
    try KernelLab.inNamespace(name, body)
}
#endif
