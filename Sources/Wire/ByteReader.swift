/// A cursor over received bytes that reads the big-endian (network order) fields every
/// format here is made of.
///
/// The reads do not check bounds: each parser checks the buffer length against its header
/// length once, up front, and throws `WireError.truncated` if it is short, as smoltcp's
/// `check_len` does. Checking once keeps the hot parse paths (every host parses every
/// broadcast ARP) to straight-line loads, and a short buffer still never reaches a read.
/// `loadUnaligned` is used because fields sit at arbitrary offsets in a frame.
@usableFromInline
struct ByteReader {
    @usableFromInline let bytes: UnsafeRawBufferPointer
    @usableFromInline var offset: Int

    @inlinable
    init(_ bytes: UnsafeRawBufferPointer, offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    /// Bytes not yet read.
    @inlinable
    var remaining: Int { bytes.count - offset }

    @inlinable
    mutating func readU8() -> UInt8 {
        assert(remaining >= 1, "ByteReader: read past the checked length")
        let value = bytes[offset]
        offset += 1
        return value
    }

    @inlinable
    mutating func readU16() -> UInt16 {
        assert(remaining >= 2, "ByteReader: read past the checked length")
        let value = UInt16(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
        offset += 2
        return value
    }

    @inlinable
    mutating func readU32() -> UInt32 {
        assert(remaining >= 4, "ByteReader: read past the checked length")
        let value = UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
        offset += 4
        return value
    }

    /// Six octets as one 48-bit number: a 32-bit and a 16-bit load, no per-octet loop.
    @inlinable
    mutating func readMAC() -> MACAddress {
        let high = readU32()
        let low = readU16()
        return MACAddress(rawValue: UInt64(high) << 16 | UInt64(low))
    }

    @inlinable
    mutating func readIPv4() -> IPv4Address {
        IPv4Address(rawValue: readU32())
    }

    /// Copies `count` bytes out (options fields); the only reader that allocates.
    @inlinable
    mutating func readBytes(_ count: Int) -> [UInt8] {
        assert(remaining >= count, "ByteReader: read past the checked length")
        guard count > 0 else { return [] }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count])
        offset += count
        return Array(slice)
    }
}
