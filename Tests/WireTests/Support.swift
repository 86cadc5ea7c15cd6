import TestSupport

@testable import Wire

/// Random values of Wire's types, for the round-trip tests.
extension SplitMix64 {
    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &self) }
    }
    mutating func mac() -> MACAddress { MACAddress(rawValue: UInt64.random(in: 0...0xFFFF_FFFF_FFFF, using: &self)) }
    mutating func ipv4() -> IPv4Address { IPv4Address(rawValue: UInt32.random(in: .min ... .max, using: &self)) }
    mutating func u8() -> UInt8 { UInt8.random(in: .min ... .max, using: &self) }
    mutating func u16() -> UInt16 { UInt16.random(in: .min ... .max, using: &self) }
    mutating func u32() -> UInt32 { UInt32.random(in: .min ... .max, using: &self) }
    mutating func bool() -> Bool { Bool.random(using: &self) }
}

/// True for any `.truncated` error, whatever its header and counts. Takes what
/// `#expect(throws: WireError.self)` returns.
func isTruncated(_ error: WireError?) -> Bool {
    if case .truncated? = error { return true }
    return false
}

/// True for any `.malformed` error.
func isMalformed(_ error: WireError?) -> Bool {
    if case .malformed? = error { return true }
    return false
}

/// Frames captured with tcpdump on a Linux veth pair (kernel 6.x): host A is
/// 52:54:00:12:34:56 / 10.200.200.50, host B is 52:54:00:ab:cd:ef / 10.200.200.120.
/// Transmit checksum offload was switched off so TCP/UDP checksums are final on the wire,
/// and tcpdump reported every one "correct". veth does not pad to 60 bytes, so kernel ARP
/// frames are 42 bytes; arping pads its own to 58.
enum Captured {
    /// Kernel ARP request: `Request who-has 10.200.200.120 tell 10.200.200.50`.
    static let arpRequest = hex(
        """
        ffff ffff ffff 5254 0012 3456 0806 0001
        0800 0604 0001 5254 0012 3456 0ac8 c832
        0000 0000 0000 0ac8 c878
        """)
    /// Kernel ARP reply: `Reply 10.200.200.120 is-at 52:54:00:ab:cd:ef`.
    static let arpReply = hex(
        """
        5254 0012 3456 5254 00ab cdef 0806 0001
        0800 0604 0002 5254 00ab cdef 0ac8 c878
        5254 0012 3456 0ac8 c832
        """)
    /// `arping -U`: gratuitous request for 10.200.200.50, target MAC broadcast, padded.
    static let gratuitousRequest = hex(
        """
        ffff ffff ffff 5254 0012 3456 0806 0001
        0800 0604 0001 5254 0012 3456 0ac8 c832
        ffff ffff ffff 0ac8 c832 0000 0000 0000
        0000 0000 0000 0000 0000
        """)
    /// `arping -U -P`: gratuitous reply, as MetalLB also sends on failover.
    static let gratuitousReply = hex(
        """
        ffff ffff ffff 5254 0012 3456 0806 0001
        0800 0604 0002 5254 0012 3456 0ac8 c832
        ffff ffff ffff 0ac8 c832 0000 0000 0000
        0000 0000 0000 0000 0000
        """)
    /// Linux connect(): `10.200.200.50.44622 > 10.200.200.120.80: Flags [S], cksum 0x3277,
    /// seq 503982202, win 64240, options [mss 1460,sackOK,TS val 3023424257 ecr 0,nop,wscale 10]`,
    /// IPv4 id 35273 (0x89c9), DF, ttl 64, header checksum 0x0ab8.
    static let tcpSYN = hex(
        """
        5254 00ab cdef 5254 0012 3456 0800 4500
        003c 89c9 4000 4006 0ab8 0ac8 c832 0ac8
        c878 ae4e 0050 1e0a 287a 0000 0000 a002
        faf0 3277 0000 0204 05b4 0402 080a b435
        cb01 0000 0000 0103 030a
        """)
    /// The answer: `Flags [S.], cksum 0x9211, seq 2266909891, ack 503982203, win 65160`,
    /// IPv4 id 0, header checksum 0x9481.
    static let tcpSYNACK = hex(
        """
        5254 0012 3456 5254 00ab cdef 0800 4500
        003c 0000 4000 4006 9481 0ac8 c878 0ac8
        c832 0050 ae4e 871e 4cc3 1e0a 287b a012
        fe88 9211 0000 0204 05b4 0402 080a a7a7
        2133 b435 cb01 0103 030a
        """)
    /// `Flags [P.], cksum 0xe070, seq 1:19, ack 1, win 63` carrying `GET / HTTP/1.0\r\n\r\n`.
    static let tcpPSH = hex(
        """
        5254 00ab cdef 5254 0012 3456 0800 4500
        0046 89cb 4000 4006 0aac 0ac8 c832 0ac8
        c878 ae4e 0050 1e0a 287b 871e 4cc4 8018
        003f e070 0000 0101 080a b435 cb01 a7a7
        2133 4745 5420 2f20 4854 5450 2f31 2e30
        0d0a 0d0a
        """)
    /// `Flags [R.], cksum 0xad8a, seq 1, ack 20, win 64`: the listener closed unread.
    static let tcpRST = hex(
        """
        5254 0012 3456 5254 00ab cdef 0800 4500
        0034 7270 4000 4006 2219 0ac8 c878 0ac8
        c832 0050 ae4e 871e 4cc4 1e0a 288e 8014
        0040 ad8a 0000 0101 080a a7a7 32bb b435
        cb01
        """)
    /// UDP `lbsim` to port 9 with an IPv4 Record Route option (IHL 8): header checksum
    /// 0xf1a4, `options (RR 10.200.200.50, 0.0.0.0,EOL)`.
    static let udpWithOptions = hex(
        """
        5254 00ab cdef 5254 0012 3456 0800 4800
        002d 9602 4000 4011 f1a4 0ac8 c832 0ac8
        c878 070b 080a c8c8 3200 0000 0000 8ee1
        0009 000d 7de2 6c62 7369 6d
        """)
    /// The ICMP port unreachable it drew: tos 0xc0, no DF, id 53924, checksum 0xaf57.
    static let icmpUnreachable = hex(
        """
        5254 0012 3456 5254 00ab cdef 0800 48c0
        0055 d2a4 0000 4001 af57 0ac8 c878 0ac8
        c832 070b 0c0a c8c8 320a c8c8 7800 0303
        5e83 0000 0000 4800 002d 9602 4000 4011
        f1a4 0ac8 c832 0ac8 c878 070b 0c0a c8c8
        320a c8c8 7800 8ee1 0009 000d 7de2 6c62
        7369 6d
        """)
    /// An IPv6 router solicitation: an EtherType the decoder leaves alone.
    static let ipv6RouterSolicitation = hex(
        """
        3333 0000 0002 5254 00ab cdef 86dd 6000
        0000 0010 3aff fe80 0000 0000 0000 5054
        00ff feab cdef ff02 0000 0000 0000 0000
        0000 0000 0002 8500 3d50 0000 0000 0101
        5254 00ab cdef
        """)

    static let macA = MACAddress(0x52, 0x54, 0x00, 0x12, 0x34, 0x56)
    static let macB = MACAddress(0x52, 0x54, 0x00, 0xab, 0xcd, 0xef)
    static let ipA = IPv4Address(10, 200, 200, 50)
    static let ipB = IPv4Address(10, 200, 200, 120)
}
