#if os(Linux)
import Dispatch
import Foundation
import Glibc
import TestSupport
import Wire

/// What the tests that talk to the real Linux kernel share: finding and running tools, network
/// namespaces (entering one from a thread, reading a device's MAC and `ip neigh`, writing
/// /proc/sys). The tests create and delete their own namespaces, with addresses from
/// 192.0.2.0/24 only; this only gives them the means.
public enum KernelLab {
    /// Root, `ip` on the path, and `ip netns` allowed (a container may refuse it): tried once.
    public static let isAvailable: Bool = {
        guard getuid() == 0, executable("ip") != nil else { return false }
        let name = "lbsim-probe-\(getpid())-\(Int.random(in: 1000...9999))"
        guard (try? run("ip", ["netns", "add", name])) != nil else { return false }
        _ = try? run("ip", ["netns", "del", name])
        return true
    }()

    /// The path of `name` on PATH or in the sbin folders (where `ip` lives when PATH lacks them).
    public static func executable(_ name: String) -> String? { ExternalTool.path(name)?.path }

    /// Runs a tool to completion and returns what it printed (stdout and stderr together).
    /// Throws when it is missing or, unless `allowFailure`, when it exits non-zero.
    @discardableResult
    public static func run(_ tool: String, _ arguments: [String], allowFailure: Bool = false) throws -> String {
        guard let path = tool.hasPrefix("/") ? tool : executable(tool) else {
            throw LabError(description: "\(tool) not found on PATH")
        }
        let result = try Subprocess.run(URL(fileURLWithPath: path), arguments, mergingStandardError: true)
        guard allowFailure || result.status == 0 else {
            throw LabError(
                description: "\(tool) \(arguments.joined(separator: " ")) exited \(result.status): \(result.stdout)")
        }
        return result.stdout
    }

    /// Writes a /proc/sys value inside `namespace` (`net/ipv4/neigh/eth0/locktime`, say).
    public static func sysctl(_ namespace: String, _ key: String, _ value: String) throws {
        try run("ip", ["netns", "exec", namespace, "sh", "-c", "echo \(value) > /proc/sys/\(key)"])
    }

    /// The MAC address of `device` in `namespace`.
    public static func mac(_ namespace: String, _ device: String) throws -> MACAddress {
        let text = try run("ip", ["-n", namespace, "-o", "link", "show", device])
        let words = text.split(whereSeparator: \.isWhitespace)
        guard let index = words.firstIndex(of: "link/ether"), index + 1 < words.count,
            let mac = MACAddress(String(words[index + 1]))
        else { throw LabError(description: "no MAC in \(text)") }
        return mac
    }

    /// The kernel's `ip neigh` entry for `address` on `device` in `namespace`: MAC and NUD state.
    public static func neighbour(
        _ namespace: String, _ address: String,
        device: String
    ) throws -> (mac: MACAddress?, state: String?) {
        let text = try run("ip", ["-n", namespace, "neigh", "show", address, "dev", device])
        let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
        var mac: MACAddress?
        if let index = words.firstIndex(of: "lladdr"), index + 1 < words.count { mac = MACAddress(words[index + 1]) }
        let states: Set<String> = [
            "INCOMPLETE", "REACHABLE", "STALE", "DELAY", "PROBE", "FAILED", "PERMANENT", "NOARP",
        ]
        return (mac, words.last { states.contains($0) })
    }

    /// Sends one small UDP datagram (to the discard port) from `namespace` to `address`, so the
    /// kernel there resolves the address with ARP and keeps an entry: what `ping` would do,
    /// without needing ping installed.
    public static func sendUDP(from namespace: String, to address: IPv4Address) throws {
        try inNamespace(namespace) {
            let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
            guard fd >= 0 else { throw LabError(description: "UDP socket: errno \(errno)") }
            defer { close(fd) }
            var destination = sockaddr_in()
            destination.sin_family = sa_family_t(AF_INET)
            destination.sin_port = UInt16(9).bigEndian
            destination.sin_addr.s_addr = address.rawValue.bigEndian
            let payload: [UInt8] = [0x6c, 0x62]
            let sent = withUnsafePointer(to: &destination) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                    sendto(fd, payload, payload.count, 0, socketAddress, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard sent == payload.count else { throw LabError(description: "UDP sendto: errno \(errno)") }
        }
    }

    /// Moves the calling thread into network namespace `name`. Only for threads that end right
    /// after their work: the thread stays in the namespace.
    public static func enterNamespace(_ name: String) throws {
        let fd = open("/run/netns/\(name)", O_RDONLY)
        guard fd >= 0 else { throw LabError(description: "open /run/netns/\(name): errno \(errno)") }
        defer { close(fd) }
        // setns(2) is not in Swift's Glibc module; take it from libc by name.
        guard let symbol = dlsym(nil, "setns") else { throw LabError(description: "setns not found") }
        let setns = unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
        let cloneNewNet: Int32 = 0x4000_0000  // CLONE_NEWNET: enter the namespace's network stack
        guard setns(fd, cloneNewNet) == 0 else {
            throw LabError(description: "setns: errno \(errno)")
        }
    }

    /// Runs `body` on a fresh thread that has entered namespace `name`, and returns its result;
    /// the thread ends with it. Sockets and pcap handles opened there stay in the namespace.
    public static func inNamespace<T: Sendable>(_ name: String, _ body: @escaping @Sendable () throws -> T) throws -> T
    {
        let done = DispatchSemaphore(value: 0)
        let result = ResultBox<T>()
        let thread = Thread {
            result.set(
                Result {
                    try enterNamespace(name)
                    return try body()
                })
            done.signal()
        }
        thread.start()
        done.wait()
        return try result.get()
    }
}

public struct LabError: Error, CustomStringConvertible {
    public var description: String
    public init(description: String) { self.description = description }
}

private final class ResultBox<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<T, Error>?

    func set(_ value: Result<T, Error>) {
        lock.lock()
        result = value
        lock.unlock()
    }

    func get() throws -> T {
        lock.lock()
        defer { lock.unlock() }
        return try result!.get()
    }
}
#endif
