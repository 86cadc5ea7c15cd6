#if os(Linux)
import Glibc
import Wire

/// The few IPv4 socket calls the live memberlist needs (UDP and TCP, as memberlist's
/// transport/net_transport.go opens them), with errors as text. Every wait is bounded, so
/// no thread blocks past a deadline or a stop.
enum Sockets {
    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ what: String, errno code: Int32 = errno) {
            description = "\(what): \(String(cString: strerror(code)))"
        }
        init(message: String) { description = message }
    }

    /// A UDP socket bound to `address`:`port`.
    static func udp(_ address: IPv4Address, _ port: UInt16) throws(Failure) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw Failure("UDP socket") }
        // memberlist asks for a 2 MB receive buffer (net_transport.go setUDPRecvBuf); the
        // kernel caps it at rmem_max, which is fine.
        var size: Int32 = 2 * 1024 * 1024
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        do throws(Failure) {
            try bindTo(fd, address, port, "UDP")
        } catch {
            close(fd)
            throw error
        }
        return fd
    }

    /// A TCP socket listening on `address`:`port`.
    static func tcpListener(_ address: IPv4Address, _ port: UInt16) throws(Failure) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure("TCP socket") }
        var on: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        do throws(Failure) {
            try bindTo(fd, address, port, "TCP")
            guard listen(fd, 128) == 0 else { throw Failure("listen on \(address):\(port)") }
        } catch {
            close(fd)
            throw error
        }
        return fd
    }

    private static func bindTo(_ fd: Int32, _ address: IPv4Address, _ port: UInt16, _ kind: String) throws(Failure) {
        var socketAddress = sockaddrIn(address, port)
        let result = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else { throw Failure("\(kind) bind to \(address):\(port)") }
    }

    static func sockaddrIn(_ address: IPv4Address, _ port: UInt16) -> sockaddr_in {
        var socketAddress = sockaddr_in()
        socketAddress.sin_family = sa_family_t(AF_INET)
        socketAddress.sin_port = port.bigEndian
        socketAddress.sin_addr.s_addr = address.rawValue.bigEndian
        return socketAddress
    }

    static func endpoint(_ socketAddress: sockaddr_in) -> (IPv4Address, UInt16) {
        (
            IPv4Address(rawValue: UInt32(bigEndian: socketAddress.sin_addr.s_addr)),
            UInt16(bigEndian: socketAddress.sin_port)
        )
    }

    /// Waits up to `milliseconds` for `fd` to have `events`; true if it does.
    static func wait(_ fd: Int32, for events: Int16, milliseconds: Int32) -> Bool {
        var descriptor = pollfd(fd: fd, events: events, revents: 0)
        let ready = poll(&descriptor, 1, milliseconds)
        return ready > 0
    }

    static func sendDatagram(_ fd: Int32, _ payload: [UInt8], to address: IPv4Address, port: UInt16) throws(Failure) {
        var destination = sockaddrIn(address, port)
        let sent = withUnsafePointer(to: &destination) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(fd, payload, payload.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard sent == payload.count else { throw Failure("UDP send to \(address):\(port)") }
    }

    /// One datagram, if one arrives within `milliseconds`.
    static func receiveDatagram(_ fd: Int32, milliseconds: Int32) -> (
        payload: [UInt8], from: IPv4Address, port: UInt16
    )? {
        guard wait(fd, for: Int16(POLLIN), milliseconds: milliseconds) else { return nil }
        var buffer = [UInt8](repeating: 0, count: 65536)
        var source = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let count = withUnsafeMutablePointer(to: &source) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                recvfrom(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT), $0, &length)
            }
        }
        guard count > 0 else { return nil }
        let (address, port) = endpoint(source)
        return (Array(buffer[0..<count]), address, port)
    }

    /// An accepted connection, if one arrives within `milliseconds`.
    static func acceptConnection(_ fd: Int32, milliseconds: Int32) -> (fd: Int32, from: IPv4Address, port: UInt16)? {
        guard wait(fd, for: Int16(POLLIN), milliseconds: milliseconds) else { return nil }
        var source = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let connection = withUnsafeMutablePointer(to: &source) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { accept(fd, $0, &length) }
        }
        guard connection >= 0 else { return nil }
        let (address, port) = endpoint(source)
        return (connection, address, port)
    }

    /// A TCP connection to `address`:`port` from `source` (port chosen by the kernel), or
    /// the reason there is none within `milliseconds` (memberlist's `DialTimeout`).
    static func dial(
        _ address: IPv4Address, port: UInt16, from source: IPv4Address,
        milliseconds: Int32
    ) throws(Failure) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure("TCP socket") }
        do throws(Failure) {
            try bindTo(fd, source, 0, "TCP")
            let flags = fcntl(fd, F_GETFL, 0)
            _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
            var destination = sockaddrIn(address, port)
            let started = withUnsafePointer(to: &destination) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            if started != 0 {
                guard errno == EINPROGRESS else { throw Failure("dial \(address):\(port)") }
                guard wait(fd, for: Int16(POLLOUT), milliseconds: milliseconds) else {
                    throw Failure(message: "dial \(address):\(port): i/o timeout")
                }
                var code: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                _ = getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &length)
                guard code == 0 else { throw Failure("dial \(address):\(port)", errno: code) }
            }
            _ = fcntl(fd, F_SETFL, flags)
        } catch {
            close(fd)
            throw error
        }
        return fd
    }

    /// Sets how long one read or write on `fd` may block (memberlist's `SetDeadline` with
    /// TCPTimeout, per call rather than for the whole exchange).
    static func setTimeouts(_ fd: Int32, nanoseconds: Int64) {
        var limit = timeval(tv_sec: Int(nanoseconds / 1_000_000_000), tv_usec: Int(nanoseconds % 1_000_000_000 / 1000))
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws(Failure) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw Failure("TCP write") }
            offset += written
        }
    }

    /// Some bytes (empty at the end of the stream).
    static func readSome(_ fd: Int32) throws(Failure) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else {
                if errno == EAGAIN || errno == EWOULDBLOCK { throw Failure(message: "TCP read: i/o timeout") }
                throw Failure("TCP read")
            }
            return Array(buffer[0..<count])
        }
    }
}
#endif
