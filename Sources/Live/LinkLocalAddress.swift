import Foundation
import Wire

/// An interface's IPv6 link-local address, as the kernel lists it in /proc/net/if_inet6
/// (address in 32 hex digits, index, prefix length, scope, flags, name). MetalLB's NDP
/// responder binds to it; an interface without one gets no NDP responder.
enum LinkLocalAddress {
    static func of(_ interface: String, table path: String = "/proc/net/if_inet6") -> IPv6Address? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 6, fields[5] == interface, fields[0].count == 32 else { continue }
            var bytes: [UInt8] = []
            var index = fields[0].startIndex
            while index < fields[0].endIndex {
                let next = fields[0].index(index, offsetBy: 2)
                guard let byte = UInt8(fields[0][index..<next], radix: 16) else { break }
                bytes.append(byte)
                index = next
            }
            guard bytes.count == 16 else { continue }
            let address = IPv6Address(bytes)
            if address.isLinkLocalUnicast { return address }
        }
        return nil
    }
}
