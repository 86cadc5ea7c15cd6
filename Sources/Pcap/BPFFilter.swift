import CPcap

/// A compiled BPF filter expression (tcpdump syntax), tested against frames in memory.
///
/// Tests and tools select frames the same way an operator would with
/// `tcpdump 'arp and ether src ...'`, so the expression is compiled by libpcap itself
/// (`pcap_compile` on a dead handle, optimised, netmask unknown) and run with
/// `pcap_offline_filter`: no second implementation of the filter language to drift.
///
/// A class because it owns the compiled program, which must be freed (`pcap_freecode`)
/// exactly once. Use it from one thread at a time only: it is deliberately not
/// `Sendable`, and libpcap makes no promise that running a program concurrently is safe.
public final class BPFFilter {
    /// The expression as given.
    public let expression: String
    /// The link type the expression was compiled for (it decides where headers start).
    public let linkType: LinkType

    private let program: UnsafeMutablePointer<bpf_program>

    /// Compiles `expression` for frames of `linkType`.
    ///
    /// - Throws: `PcapError` with libpcap's message (e.g. "syntax error in filter
    ///   expression: ...") if the expression does not compile.
    public init(
        _ expression: String,
        linkType: LinkType = .ethernet,
        snapLength: Int32 = 65535
    ) throws(PcapError) {
        let operation = "compiling filter \"\(expression)\""
        guard let dead = pcap_open_dead(linkType.rawValue, snapLength) else {
            throw PcapError(operation: operation, message: "pcap_open_dead failed (out of memory?)")
        }
        defer { pcap_close(dead) }

        let program = UnsafeMutablePointer<bpf_program>.allocate(capacity: 1)
        program.initialize(to: bpf_program())
        let status = pcap_compile(dead, program, expression, 1, cpcap_netmask_unknown())
        guard status == 0 else {
            let message = lastError(of: dead)
            program.deallocate()
            throw PcapError(operation: operation, message: message)
        }
        self.expression = expression
        self.linkType = linkType
        self.program = program
    }

    deinit {
        pcap_freecode(program)
        program.deallocate()
    }

    /// Whether the filter accepts `frame`.
    ///
    /// - Parameters:
    ///   - frame: the frame's bytes, link-layer header first.
    ///   - originalLength: the length on the wire if `frame` was cut short (matters to
    ///     `len`/`greater`/`less` primitives); defaults to `frame.count`.
    public func matches(_ frame: [UInt8], originalLength: Int? = nil) -> Bool {
        frame.withUnsafeBytes { matches($0, originalLength: originalLength) }
    }

    /// Whether the filter accepts the frame in `frame`, without copying it into an array.
    public func matches(_ frame: UnsafeRawBufferPointer, originalLength: Int? = nil) -> Bool {
        var header = pcap_pkthdr()
        header.caplen = UInt32(clamping: frame.count)
        header.len = UInt32(clamping: max(originalLength ?? frame.count, frame.count))
        if let base = frame.baseAddress {
            return pcap_offline_filter(program, &header, base.assumingMemoryBound(to: UInt8.self)) != 0
        }
        // Zero bytes: the program only looks at lengths, but still needs a valid pointer.
        var none: UInt8 = 0
        return pcap_offline_filter(program, &header, &none) != 0
    }
}
