#if os(Linux)
import Dispatch
import Foundation
import Membership
import Wire

/// memberlist's network transport on real sockets (transport/net_transport.go): one UDP
/// socket and one TCP listener bound to the same address and port, a reader thread, an
/// acceptor thread, a thread per connection, and a thread per push/pull this node dials.
///
/// It moves bytes and nothing else: whatever arrives is posted to the driver's mailbox, and
/// whatever the driver's memberlist (bare, or inside a `Speaker`) produced is sent with
/// `send`. Every protocol decision stays in the sans-IO code.
///
/// Sockets belong to the network namespace of the thread that creates them: the listeners
/// are made in `init`, and the threads that dial enter the namespace `init` ran in.
final class MemberlistTransport: @unchecked Sendable {
    /// What the transport hands the driver's loop.
    enum Arrival {
        case datagram([UInt8], from: IPv4Address, port: UInt16)
        /// A message read off an accepted connection; the reply (unframed; nil: none) goes
        /// in `reply`, and the connection thread writes it back.
        case incoming([UInt8], from: IPv4Address, port: UInt16, reply: Handoff<[UInt8]?>)
        /// The answer to a push/pull this node dialed `from`:`port` for.
        case answer([UInt8], from: IPv4Address, port: UInt16)
        case failed(String)
    }

    let address: IPv4Address
    let port: UInt16
    /// Dial and connection timeout (memberlist's TCPTimeout).
    let timeout: Int64
    /// Whether streams this node writes are LZW-compressed (memberlist's EnableCompression).
    let compress: Bool
    private let udp: Int32
    private let listener: Int32
    private let namespace = NetworkNamespace()
    private let stopped = StopFlag()
    private let threads = DispatchGroup()
    private let post: @Sendable (Arrival) -> Void

    /// Binds the UDP socket and the TCP listener in the calling thread's network namespace.
    init(
        address: IPv4Address, port: UInt16, config: MembershipConfig,
        post: @escaping @Sendable (Arrival) -> Void
    ) throws(Sockets.Failure) {
        self.address = address
        self.port = port
        timeout = config.tcpTimeout
        compress = config.enableCompression
        self.post = post
        let udp = try Sockets.udp(address, port)
        do {
            listener = try Sockets.tcpListener(address, port)
        } catch {
            close(udp)
            throw error
        }
        self.udp = udp
    }

    /// A transport dropped without `stop` (its driver never ran) still closes its sockets.
    deinit { stop() }

    /// Starts the reader and the acceptor.
    func start() {
        startReader()
        startAcceptor()
    }

    /// Stops the reader and the acceptor and closes the sockets, as a process's exit does.
    /// Connection and dial threads end on their own: each holds its own socket, bounded by
    /// TCPTimeout.
    func stop() {
        guard !stopped.isSet else { return }
        stopped.raise()
        // The reader and acceptor poll in short steps; their sockets close once they are out.
        _ = threads.wait(timeout: .now() + .seconds(2))
        close(udp)
        close(listener)
    }

    /// Sends one output of memberlist: by UDP, or (a push/pull this node starts) over a TCP
    /// connection of its own. Returns a failure to report, if the datagram could not be sent.
    func send(_ datagram: MembershipOutput.Datagram) -> String? {
        switch datagram.transport {
        case .packet, .streamReply:
            do {
                try Sockets.sendDatagram(udp, datagram.payload, to: datagram.destination, port: datagram.port)
            } catch {
                return error.description
            }
        case .stream:
            dial(datagram)
        }
        return nil
    }

    // MARK: - I/O threads

    private func startReader() {
        let (udp, post, stopped, threads) = (self.udp, self.post, self.stopped, self.threads)
        threads.enter()
        Thread {
            defer { threads.leave() }
            while !stopped.isSet {
                if let (payload, from, fromPort) = Sockets.receiveDatagram(udp, milliseconds: 100) {
                    post(.datagram(payload, from: from, port: fromPort))
                }
            }
        }.start()
    }

    private func startAcceptor() {
        let (listener, post, stopped, threads, timeout, compress) =
            (self.listener, self.post, self.stopped, self.threads, self.timeout, self.compress)
        threads.enter()
        Thread {
            defer { threads.leave() }
            while !stopped.isSet {
                guard let (fd, from, fromPort) = Sockets.acceptConnection(listener, milliseconds: 100) else { continue }
                Thread {
                    Self.serve(fd, from: from, port: fromPort, timeout: timeout, compress: compress, post: post)
                }.start()
            }
        }.start()
    }

    /// One accepted connection (net.go `handleConn`): read, let the loop answer, write back.
    private static func serve(
        _ fd: Int32, from: IPv4Address, port: UInt16, timeout: Int64, compress: Bool,
        post: @Sendable (Arrival) -> Void
    ) {
        defer { close(fd) }
        Sockets.setTimeouts(fd, nanoseconds: timeout)
        do {
            guard let message = try StreamConnection.readMessage(fd) else { return }
            let reply = Handoff<[UInt8]?>()
            post(.incoming(message, from: from, port: port, reply: reply))
            guard let answer = reply.take(waitingUpTo: timeout) else { return }
            if let answer { try Sockets.writeAll(fd, Stream.frame(answer, compress: compress)) }
        } catch {
            post(.failed("stream from \(from):\(port): \(error.description)"))
            try? Sockets.writeAll(fd, StreamConnection.errorMessage(error.description))
        }
    }

    /// A push/pull this node starts (net.go `sendAndReceiveState`), on a thread of its own.
    private func dial(_ datagram: MembershipOutput.Datagram) {
        let (namespace, post, source, timeout) = (self.namespace, self.post, address, self.timeout)
        let framed = Stream.frame(datagram.payload, compress: compress)
        let (destination, destinationPort) = (datagram.destination, datagram.port)
        Thread {
            do {
                try namespace.enter()
                let fd = try Sockets.dial(
                    destination, port: destinationPort, from: source,
                    milliseconds: Int32(clamping: timeout / 1_000_000))
                defer { close(fd) }
                Sockets.setTimeouts(fd, nanoseconds: timeout)
                try Sockets.writeAll(fd, framed)
                guard let answer = try StreamConnection.readMessage(fd) else {
                    throw Sockets.Failure(message: "connection closed without an answer")
                }
                post(.answer(answer, from: destination, port: destinationPort))
            } catch {
                post(.failed("push/pull with \(destination):\(destinationPort): \(error)"))
            }
        }.start()
    }
}
#endif
