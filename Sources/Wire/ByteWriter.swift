/// Big-endian appends for building frames into a `[UInt8]`, the form the simulator passes
/// frames around in. Emitters append (rather than write into a preallocated buffer) so a
/// builder can `reserveCapacity` once for the whole frame and emit header after header into
/// it with no intermediate arrays.
extension Array where Element == UInt8 {
    @inlinable
    mutating func appendU8(_ value: UInt8) {
        append(value)
    }

    @inlinable
    mutating func appendU16(_ value: UInt16) {
        append(UInt8(truncatingIfNeeded: value >> 8))
        append(UInt8(truncatingIfNeeded: value))
    }

    @inlinable
    mutating func appendU32(_ value: UInt32) {
        append(UInt8(truncatingIfNeeded: value >> 24))
        append(UInt8(truncatingIfNeeded: value >> 16))
        append(UInt8(truncatingIfNeeded: value >> 8))
        append(UInt8(truncatingIfNeeded: value))
    }

    @inlinable
    mutating func appendMAC(_ address: MACAddress) {
        appendU32(UInt32(truncatingIfNeeded: address.rawValue >> 16))
        appendU16(UInt16(truncatingIfNeeded: address.rawValue))
    }

    @inlinable
    mutating func appendIPv4(_ address: IPv4Address) {
        appendU32(address.rawValue)
    }

    /// Appends `count` zero bytes: option padding and the Ethernet minimum-length pad.
    @inlinable
    mutating func appendZeros(_ count: Int) {
        if count > 0 { append(contentsOf: repeatElement(0, count: count)) }
    }

    /// Overwrites two bytes already appended: how a checksum is filled in once the bytes it
    /// covers have been written.
    @inlinable
    mutating func setU16(_ value: UInt16, at index: Int) {
        self[index] = UInt8(truncatingIfNeeded: value >> 8)
        self[index + 1] = UInt8(truncatingIfNeeded: value)
    }
}
