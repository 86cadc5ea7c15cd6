/// The Internet checksum (RFC 1071) done the slow, obvious way: 16-bit big-endian words, an odd
/// last byte padded with zero, carries folded at the end, then complemented. Wire's version
/// sums eight bytes at a time; this one is written independently so the tests can check it
/// (and the checksums in the frames the simulator sends) against something simpler.
public func referenceChecksum(_ bytes: [UInt8], initial: UInt32 = 0) -> UInt16 {
    var sum = UInt64(initial)
    var index = 0
    while index < bytes.count {
        let high = UInt64(bytes[index])
        let low = index + 1 < bytes.count ? UInt64(bytes[index + 1]) : 0
        sum += high << 8 | low
        index += 2
    }
    while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
    return ~UInt16(sum)
}
