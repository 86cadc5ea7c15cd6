#if os(Linux)
import Glibc

/// The network namespace a live memberlist was created in, so that the connections it dials
/// later, from threads of their own, come from the same one.
///
/// A socket belongs to the namespace of the thread that creates it, and a thread may be in
/// another namespace than the process (the namespace tests enter one per thread). Outside
/// such tests every thread shares one namespace and `enter` does nothing.
final class NetworkNamespace: @unchecked Sendable {
    private let fd: Int32
    private let identity: (device: UInt, inode: UInt)?

    /// The calling thread's namespace.
    init() {
        fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)
        identity = Self.identity(of: fd)
    }

    deinit {
        if fd >= 0 { close(fd) }
    }

    /// Moves the calling thread into this namespace if it is in another. Only for threads
    /// that end after their work.
    func enter() throws(Sockets.Failure) {
        guard fd >= 0, let identity else { return }
        let current = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)
        defer { if current >= 0 { close(current) } }
        if let mine = Self.identity(of: current), mine == identity { return }
        // setns(2) is not in Swift's Glibc module; take it from libc by name.
        guard let symbol = dlsym(nil, "setns") else { throw Sockets.Failure(message: "setns not found") }
        let setns = unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
        let cloneNewNet: Int32 = 0x4000_0000  // CLONE_NEWNET: enter the namespace's network stack
        guard setns(fd, cloneNewNet) == 0 else { throw Sockets.Failure("setns") }
    }

    private static func identity(of fd: Int32) -> (device: UInt, inode: UInt)? {
        guard fd >= 0 else { return nil }
        var status = stat()
        guard fstat(fd, &status) == 0 else { return nil }
        return (UInt(status.st_dev), UInt(status.st_ino))
    }
}
#endif
