import CPcap
import Foundation

/// Captures frames from a live interface and injects frames into it, through libpcap.
///
/// Set up the way a responder needs it:
/// - `pcap_create` + `pcap_activate` (not `pcap_open_live`) so that immediate mode and
///   nanosecond time stamps can be asked for before the handle starts: every frame is handed
///   over as soon as it arrives, stamped by the kernel (CLOCK_REALTIME) in nanoseconds;
/// - a BPF filter (tcpdump syntax, compiled for the interface), so that only the frames the
///   responder cares about are copied to user space;
/// - `pcap_setdirection(PCAP_D_IN)`: frames this host sends (the responder's own replies)
///   are not captured back;
/// - promiscuous mode only when asked for (ARP requests are broadcast, and requests
///   unicast to the interface's own MAC arrive without it).
///
/// Capture runs on its own thread (`start`), which hands each frame to the caller's closure as
/// a `PcapRecord`: only bytes and time stamps cross threads. Sending goes through a second
/// handle on the same interface (`inject`), so the capture thread never shares its handle.
///
/// A class because it owns two libpcap handles and a thread. `@unchecked Sendable`: the
/// capture handle is touched only by the capture thread once started (plus
/// `pcap_breakloop`, which libpcap allows from any thread), the inject handle only under
/// `injectLock`, and the state flags under `stateLock`.
public final class LiveCapture: @unchecked Sendable {
    /// How the capture handle is set up.
    public struct Options: Sendable, Hashable {
        /// The BPF filter expression; `"arp"` is all an IPv4 responder needs.
        public var filter: String
        /// Capture frames not addressed to this interface (and not broadcast) too.
        public var promiscuous: Bool
        /// Bytes kept of each frame.
        public var snapLength: Int32
        /// How long a blocked read waits before the capture thread checks whether to stop.
        public var readTimeoutMilliseconds: Int32

        public init(
            filter: String = "arp", promiscuous: Bool = false, snapLength: Int32 = 65535,
            readTimeoutMilliseconds: Int32 = 100
        ) {
            self.filter = filter
            self.promiscuous = promiscuous
            self.snapLength = snapLength
            self.readTimeoutMilliseconds = readTimeoutMilliseconds
        }
    }

    /// The interface captured on.
    public let interface: String
    public let options: Options
    /// The interface's link type (Ethernet on every interface lbsim answers on).
    public let linkType: LinkType
    /// Whether libpcap delivers nanosecond time stamps (otherwise microseconds, scaled up).
    public let nanosecondTimestamps: Bool

    private var captureHandle: OpaquePointer?
    private var injectHandle: OpaquePointer?
    private let injectLock = NSLock()
    private let stateLock = NSLock()
    private var started = false
    private var stopping = false
    private var framesCaptured = 0
    private var readErrors: [String] = []
    private let finished = DispatchSemaphore(value: 0)

    /// Opens and activates both handles on `interface` and installs the filter.
    ///
    /// - Throws: `PcapError` naming the interface, with libpcap's message or a plainer one
    ///   for the common causes (no such interface, not permitted, interface down).
    public init(interface: String, options: Options = Options()) throws(PcapError) {
        self.interface = interface
        self.options = options
        let operation = "opening \(interface) for live capture"
        let capture = try LiveCapture.activate(
            interface: interface, options: options, capture: true,
            operation: operation)
        self.captureHandle = capture.handle
        self.nanosecondTimestamps = capture.nanosecond
        self.linkType = LinkType(rawValue: pcap_datalink(capture.handle))
        do throws(PcapError) {
            try LiveCapture.install(filter: options.filter, on: capture.handle, operation: operation)
            guard pcap_setdirection(capture.handle, cpcap_direction_in()) == 0 else {
                throw PcapError(
                    operation: operation,
                    message: "capturing inbound frames only: \(lastError(of: capture.handle))")
            }
            self.injectHandle = try LiveCapture.activate(
                interface: interface, options: options, capture: false,
                operation: "opening \(interface) for sending"
            ).handle
        } catch {
            pcap_close(capture.handle)
            self.captureHandle = nil
            throw error
        }
    }

    deinit {
        stop()
        if let captureHandle { pcap_close(captureHandle) }
        if let injectHandle { pcap_close(injectHandle) }
    }

    private static func activate(
        interface: String, options: Options, capture: Bool,
        operation: String
    ) throws(PcapError) -> (handle: OpaquePointer, nanosecond: Bool) {
        let (created, message) = withErrorBuffer { errbuf in pcap_create(interface, errbuf) }
        guard let handle = created else {
            throw PcapError(operation: operation, message: message.isEmpty ? "pcap_create failed" : message)
        }
        _ = pcap_set_snaplen(handle, capture ? options.snapLength : 128)
        _ = pcap_set_promisc(handle, capture && options.promiscuous ? 1 : 0)
        _ = pcap_set_timeout(handle, options.readTimeoutMilliseconds)
        _ = pcap_set_immediate_mode(handle, 1)
        let nanosecond = pcap_set_tstamp_precision(handle, Int32(cpcap_tstamp_precision_nano())) == 0
        let status = pcap_activate(handle)
        if status < 0 {
            let detail = lastError(of: handle)
            pcap_close(handle)
            throw PcapError(
                operation: operation, message: activationMessage(status, detail: detail, interface: interface))
        }
        // Positive statuses are warnings (e.g. promiscuous mode not supported): the handle works.
        return (handle, nanosecond)
    }

    /// A message for a failed `pcap_activate` that says what to do about it.
    static func activationMessage(_ status: Int32, detail: String, interface: String) -> String {
        let suffix = detail.isEmpty ? "" : " (\(detail))"
        switch status {
        case cpcap_error_no_such_device():
            return "no interface named \(interface)\(suffix)"
        case cpcap_error_perm_denied():
            return "not permitted to capture on \(interface): run as root or grant CAP_NET_RAW\(suffix)"
        case cpcap_error_iface_not_up():
            return "interface \(interface) is down: ip link set \(interface) up\(suffix)"
        default:
            return detail.isEmpty ? "pcap_activate failed with status \(status)" : detail
        }
    }

    private static func install(filter: String, on handle: OpaquePointer, operation: String) throws(PcapError) {
        var program = bpf_program()
        guard pcap_compile(handle, &program, filter, 1, cpcap_netmask_unknown()) == 0 else {
            throw PcapError(operation: operation, message: "filter \"\(filter)\": \(lastError(of: handle))")
        }
        defer { pcap_freecode(&program) }
        guard pcap_setfilter(handle, &program) == 0 else {
            throw PcapError(operation: operation, message: "installing filter \"\(filter)\": \(lastError(of: handle))")
        }
    }

    /// Starts the capture thread. `deliver` is called on that thread, once per captured frame,
    /// in capture order; it must not block for long (hand the record to another thread).
    /// Calling `start` a second time does nothing.
    public func start(_ deliver: @escaping @Sendable (PcapRecord) -> Void) {
        stateLock.lock()
        guard !started, !stopping, captureHandle != nil else {
            stateLock.unlock()
            return
        }
        started = true
        stateLock.unlock()
        let scale: Int64 = nanosecondTimestamps ? 1 : 1_000
        let thread = Thread { [self] in
            // The handle is read here, on the capture thread, which owns it from now on.
            if let handle = self.captureHandle { self.captureLoop(handle: handle, scale: scale, deliver: deliver) }
            self.finished.signal()
        }
        thread.name = "lbsim capture \(interface)"
        thread.start()
    }

    private func captureLoop(
        handle: OpaquePointer, scale: Int64,
        deliver: @Sendable (PcapRecord) -> Void
    ) {
        while !isStopping {
            var header: UnsafeMutablePointer<pcap_pkthdr>?
            var data: UnsafePointer<UInt8>?
            let status = pcap_next_ex(handle, &header, &data)
            switch status {
            case 1:
                guard let header else { continue }
                let captured = Int(header.pointee.caplen)
                let bytes = captured > 0 && data != nil ? Array(UnsafeBufferPointer(start: data, count: captured)) : []
                let time =
                    Int64(header.pointee.ts.tv_sec) * nanosecondsPerSecond + Int64(header.pointee.ts.tv_usec) * scale
                stateLock.lock()
                framesCaptured += 1
                stateLock.unlock()
                deliver(PcapRecord(timestampNanoseconds: time, originalLength: Int(header.pointee.len), bytes: bytes))
            case 0:
                continue  // read timeout: look at the stop flag again
            case cpcap_error_break():
                return  // pcap_breakloop from stop()
            default:
                stateLock.lock()
                readErrors.append(lastError(of: handle))
                stateLock.unlock()
                return  // the interface went away, or another error: capturing is over
            }
        }
    }

    private var isStopping: Bool {
        stateLock.lock()
        defer { stateLock.unlock() }
        return stopping
    }

    /// Stops the capture thread and waits for it to end (at most one read timeout). After
    /// `stop` no more frames are delivered. Safe to call more than once, from any thread but
    /// the capture thread.
    public func stop() {
        stateLock.lock()
        let wasRunning = started && !stopping
        stopping = true
        stateLock.unlock()
        guard wasRunning else { return }
        if let captureHandle { pcap_breakloop(captureHandle) }
        finished.wait()
    }

    /// Sends one frame out of the interface as given (`pcap_inject`: no link-layer header is
    /// added). May be called from any thread.
    ///
    /// - Throws: `PcapError` with libpcap's message when the frame could not be sent.
    public func inject(_ frame: [UInt8]) throws(PcapError) {
        injectLock.lock()
        defer { injectLock.unlock() }
        guard let injectHandle else {
            throw PcapError(operation: "sending on \(interface)", message: "capture is closed")
        }
        let sent = frame.withUnsafeBytes { raw in pcap_inject(injectHandle, raw.baseAddress, raw.count) }
        guard sent == frame.count else {
            let message = sent < 0 ? lastError(of: injectHandle) : "sent \(sent) of \(frame.count) bytes"
            throw PcapError(operation: "sending a \(frame.count)-byte frame on \(interface)", message: message)
        }
    }

    /// Frames handed to `deliver` so far.
    public var capturedCount: Int {
        stateLock.lock()
        defer { stateLock.unlock() }
        return framesCaptured
    }

    /// The read error that ended capturing early, if one did.
    public var readError: String? {
        stateLock.lock()
        defer { stateLock.unlock() }
        return readErrors.first
    }

    /// Frames the kernel dropped because the capture buffer was full (`pcap_stats`' ps_drop),
    /// or nil when libpcap cannot tell. Only meaningful after `stop()`.
    public var kernelDropped: Int? {
        guard let captureHandle, isStopping else { return nil }
        var stats = pcap_stat()
        guard pcap_stats(captureHandle, &stats) == 0 else { return nil }
        return Int(stats.ps_drop)
    }
}
