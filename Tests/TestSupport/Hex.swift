/// Bytes from hex text, as `tcpdump -xx` and the test vectors print them; spaces and newlines
/// are ignored. Test vectors are written as the tools print them, so they can be compared with a
/// capture by eye; a typo traps rather than becoming other bytes.
public func hex(_ text: String) -> [UInt8] {
    let digits = Array(text.filter { $0.isHexDigit })
    precondition(digits.count % 2 == 0, "odd number of hex digits")
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
}

/// Lower-case hex digits, two per byte, as `sha256sum` and Go's `%x` print them, so a digest can
/// be compared with another implementation's output as text.
public func hexString(_ bytes: [UInt8]) -> String {
    bytes.map { byte in
        let digits = String(byte, radix: 16)
        return digits.count == 1 ? "0" + digits : digits
    }.joined()
}
