/// The Internet checksum (RFC 1071): the 16-bit ones' complement of the ones' complement
/// sum of the data taken as big-endian 16-bit words, an odd last byte padded with zero.
///
/// IPv4 covers its header with it; TCP and UDP cover a pseudo header (addresses, protocol,
/// length) plus the segment, so a segment delivered to the wrong address fails the check.
/// Sums are kept apart from the final complement so pieces that are not contiguous (pseudo
/// header, then header and payload) can be added up without copying them together.
public enum InternetChecksum {
    /// The ones' complement sum of `bytes` added to `initial`, folded to 16 bits (returned
    /// in a `UInt32` so sums of several pieces can be chained through `initial`).
    ///
    /// Adds eight bytes at a time with end-around carry: by RFC 1071's byte-order and
    /// word-size independence, folding the 64-bit sum gives the same result as 16-bit words.
    public static func sum(_ bytes: UnsafeRawBufferPointer, initial: UInt32 = 0) -> UInt32 {
        var accumulator = UInt64(initial)
        let count = bytes.count
        var offset = 0
        while offset + 8 <= count {
            let word = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            let (partial, overflow) = accumulator.addingReportingOverflow(word)
            accumulator = partial &+ (overflow ? 1 : 0)
            offset += 8
        }
        // Fold before the tail (at most seven bytes, added as 16-bit words at their wire
        // positions; chunks start at even offsets) so those additions cannot overflow.
        var folded = UInt64(fold64(accumulator))
        while offset + 2 <= count {
            folded += UInt64(UInt16(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
            offset += 2
        }
        if offset < count {
            folded += UInt64(bytes[offset]) << 8
        }
        return UInt32(fold64(folded))
    }

    /// `sum` over a byte array.
    public static func sum(_ bytes: [UInt8], initial: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { sum($0, initial: initial) }
    }

    /// The checksum to put in a header: the complement of `sum(bytes, initial:)`.
    /// Over data whose checksum field is already filled in correctly, the result is 0.
    public static func checksum(_ bytes: UnsafeRawBufferPointer, initial: UInt32 = 0) -> UInt16 {
        ~UInt16(truncatingIfNeeded: sum(bytes, initial: initial))
    }

    /// `checksum` over a byte array.
    public static func checksum(_ bytes: [UInt8], initial: UInt32 = 0) -> UInt16 {
        bytes.withUnsafeBytes { checksum($0, initial: initial) }
    }

    /// The folded sum of the IPv4 pseudo header TCP and UDP checksums include (RFC 793
    /// section 3.1): source address, destination address, zero, protocol, and the length of
    /// the transport header plus payload. Pass it as `initial` to `checksum`.
    public static func pseudoHeaderSum(
        source: IPv4Address, destination: IPv4Address, protocol: IPProtocol, length: Int
    ) -> UInt32 {
        precondition((0...0xFFFF).contains(length), "transport length out of range for IPv4")
        let sum =
            UInt64(source.rawValue >> 16) + UInt64(source.rawValue & 0xFFFF)
            + UInt64(destination.rawValue >> 16) + UInt64(destination.rawValue & 0xFFFF)
            + UInt64(`protocol`.rawValue) + UInt64(length)
        return UInt32(fold64(sum))
    }

    /// Folds a 64-bit ones' complement sum to 16 bits with end-around carries.
    /// The folded sum of the IPv6 pseudo-header upper-layer checksums cover (RFC 8200
    /// section 8.1): both addresses, the upper-layer length as 32 bits, three zero bytes and
    /// the next header. Summed as 16-bit words of the addresses' two halves, like the IPv4
    /// one, without building the 40 bytes.
    public static func pseudoHeaderSum(
        source: IPv6Address, destination: IPv6Address, protocol: IPProtocol, length: Int
    ) -> UInt32 {
        func words(_ half: UInt64) -> UInt64 {
            (half >> 48) + ((half >> 32) & 0xFFFF) + ((half >> 16) & 0xFFFF) + (half & 0xFFFF)
        }
        let length = UInt32(truncatingIfNeeded: length)
        let sum =
            words(source.high) + words(source.low) + words(destination.high) + words(destination.low)
            + UInt64(length >> 16) + UInt64(length & 0xFFFF) + UInt64(`protocol`.rawValue)
        return UInt32(fold64(sum))
    }

    static func fold64(_ value: UInt64) -> UInt16 {
        var value = value
        while value > 0xFFFF {
            value = (value & 0xFFFF) + (value >> 16)
        }
        return UInt16(value)
    }
}
