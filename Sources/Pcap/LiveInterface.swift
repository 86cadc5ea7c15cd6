import CPcap
import Foundation

/// What libpcap and the kernel say about a network interface before capturing on it, so a
/// live run can refuse to start with a message that says what is wrong.
public struct LiveInterface: Sendable, Hashable {
    public var name: String
    /// IFF_UP: administratively up (`ip link set IF up`).
    public var isUp: Bool
    /// IFF_RUNNING: the link is up too (carrier).
    public var isRunning: Bool
    /// The interface's MAC address (six bytes), when it has one.
    public var hardwareAddress: [UInt8]?

    public init(name: String, isUp: Bool, isRunning: Bool, hardwareAddress: [UInt8]?) {
        self.name = name
        self.isUp = isUp
        self.isRunning = isRunning
        self.hardwareAddress = hardwareAddress
    }

    /// Looks `name` up among the interfaces libpcap can capture on (`pcap_findalldevs`), and
    /// reads its MAC address from `/sys/class/net/NAME/address`.
    ///
    /// - Throws: `PcapError` when the interface does not exist or the list cannot be read.
    public static func lookup(_ name: String) throws(PcapError) -> LiveInterface {
        let operation = "looking up interface \(name)"
        var list: UnsafeMutablePointer<pcap_if_t>?
        let (status, message) = withErrorBuffer { errbuf in pcap_findalldevs(&list, errbuf) }
        guard status == 0 else { throw PcapError(operation: operation, message: message) }
        defer { if let list { pcap_freealldevs(list) } }
        var cursor = list
        while let device = cursor {
            if let cName = device.pointee.name, String(cString: cName) == name {
                let flags = device.pointee.flags
                return LiveInterface(
                    name: name,
                    isUp: flags & cpcap_if_up() != 0,
                    isRunning: flags & cpcap_if_running() != 0,
                    hardwareAddress: readHardwareAddress(name))
            }
            cursor = device.pointee.next
        }
        throw PcapError(operation: operation, message: "no interface named \(name) (see `ip link`)")
    }

    /// The MAC address in sysfs (`aa:bb:cc:dd:ee:ff`), or nil when there is none.
    static func readHardwareAddress(_ name: String) -> [UInt8]? {
        guard !name.contains("/"),
            let text = try? String(contentsOfFile: "/sys/class/net/\(name)/address", encoding: .utf8)
        else {
            return nil
        }
        return parseHardwareAddress(text)
    }

    /// Six colon-separated hex octets, surrounding white space ignored.
    static func parseHardwareAddress(_ text: String) -> [UInt8]? {
        let parts = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ":")
        guard parts.count == 6 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard part.count == 2, let byte = UInt8(part, radix: 16) else { return nil }
            bytes.append(byte)
        }
        return bytes
    }
}

/// Whether this process may open packet sockets: CAP_NET_RAW in its effective set, which root
/// has unless it was dropped. Checked before capturing so that the refusal names the missing
/// capability instead of libpcap's "Operation not permitted".
public enum CapturePermission {
    /// CAP_NET_RAW's bit number (linux/capability.h).
    public static let netRawBit = 13

    /// Reads `/proc/self/status`. Nil when it cannot be read (not Linux): the caller then
    /// learns from libpcap itself.
    public static func hasNetRaw() -> Bool? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        return hasNetRaw(procStatus: status)
    }

    /// Whether the `CapEff:` line of a `/proc/PID/status` text has CAP_NET_RAW; nil when the
    /// text has no readable `CapEff:` line.
    public static func hasNetRaw(procStatus: String) -> Bool? {
        for line in procStatus.split(separator: "\n") where line.hasPrefix("CapEff:") {
            let hex = line.dropFirst("CapEff:".count).trimmingCharacters(in: .whitespaces)
            guard let mask = UInt64(hex, radix: 16) else { return nil }
            return mask & (1 << UInt64(netRawBit)) != 0
        }
        return nil
    }

    /// The message a live run refuses to start with when the capability is missing.
    public static let missingMessage =
        "capturing and sending raw frames needs CAP_NET_RAW: run as root, or grant it with `setcap cap_net_raw+ep sim`"
}
