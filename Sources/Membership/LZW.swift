/// The LZW code memberlist compresses with: Go's `compress/lzw` in least-significant-bit-first
/// order with 8-bit literals (util.go `compressPayload`, `decompressBuffer`, `lzwLitWidth`).
///
/// The code space: 0...255 are the literal bytes, 256 clears the table, 257 ends the data,
/// and new strings are numbered from 258. Codes start 9 bits wide and widen by one bit each
/// time the next free code reaches a power of two, up to 12 bits. Bits are packed into bytes
/// from the least significant end.
///
/// The encoder makes Go's exact bytes (LZWTests checks a vector Go produced): it opens with a
/// clear code, and when the next free code would be 4095 it emits a clear code (at the
/// current width) and starts a new table instead of adding the string; it closes with the
/// pending code, then the end code, then the last partial byte.
public enum LZW {
    static let clearCode = 256
    static let endCode = 257
    static let firstFreeCode = 258
    static let initialWidth = 9
    static let maximumWidth = 12
    /// The encoder starts over when the next free code would reach this (Go's `maxCode`).
    static let encoderLimit = (1 << maximumWidth) - 1

    public enum DecodeError: Error, Equatable, Sendable, CustomStringConvertible {
        /// The bits ran out before the end code (Go: unexpected EOF).
        case missingEnd
        /// A code that names no string yet.
        case invalidCode(Int)
        /// The output would pass `limit` bytes.
        case tooLarge(limit: Int)

        public var description: String {
            switch self {
            case .missingEnd: return "lzw: unexpected EOF"
            case .invalidCode(let code): return "lzw: invalid code \(code)"
            case .tooLarge(let limit): return "lzw: output larger than \(limit) bytes"
            }
        }
    }

    // MARK: - Encoding

    /// `input` compressed as Go's `lzw.NewWriter(_, lzw.LSB, 8)` writes it, closed.
    public static func encode(_ input: [UInt8]) -> [UInt8] {
        var bits = BitPacker()
        var width = initialWidth
        // The last code handed out (the end code until the first string is added).
        var highest = endCode
        var widenAt = 1 << initialWidth
        var table: [UInt32: Int] = [:]

        /// Go's `incHi`: the next code is taken; false when the table was full and started over.
        func advance() -> Bool {
            highest += 1
            if highest == widenAt {
                width += 1
                widenAt <<= 1
            }
            if highest == encoderLimit {
                bits.write(clearCode, width: width)
                width = initialWidth
                highest = endCode
                widenAt = 1 << initialWidth
                table.removeAll(keepingCapacity: true)
                return false
            }
            return true
        }

        bits.write(clearCode, width: width)
        guard let first = input.first else {
            // Nothing was written: Go's Close sends the one clear code and the end code.
            bits.write(endCode, width: width)
            return bits.finish()
        }
        var code = Int(first)
        for byte in input.dropFirst() {
            let key = UInt32(code) << 8 | UInt32(byte)
            if let known = table[key] {
                code = known
                continue
            }
            bits.write(code, width: width)
            code = Int(byte)
            if advance() { table[key] = highest }
        }
        bits.write(code, width: width)
        _ = advance()
        bits.write(endCode, width: width)
        return bits.finish()
    }

    /// Packs codes least significant bit first.
    private struct BitPacker {
        var output: [UInt8] = []
        var pending: UInt32 = 0
        var pendingCount = 0

        mutating func write(_ code: Int, width: Int) {
            pending |= UInt32(code) << UInt32(pendingCount)
            pendingCount += width
            while pendingCount >= 8 {
                output.append(UInt8(truncatingIfNeeded: pending))
                pending >>= 8
                pendingCount -= 8
            }
        }

        mutating func finish() -> [UInt8] {
            if pendingCount > 0 { output.append(UInt8(truncatingIfNeeded: pending)) }
            return output
        }
    }

    // MARK: - Decoding

    /// The bytes `input` holds, as Go's `lzw.NewReader(_, lzw.LSB, 8)` reads them to the end
    /// code. Bytes after the end code are ignored, as Go's reader never reads them.
    public static func decode(_ input: [UInt8], limit: Int = 1 << 26) throws(DecodeError) -> [UInt8] {
        // Each code's string is its prefix code's string plus one byte.
        var prefix = [Int](repeating: -1, count: 1 << maximumWidth)
        var suffix = [UInt8](repeating: 0, count: 1 << maximumWidth)
        var firstByte = [UInt8](repeating: 0, count: 1 << maximumWidth)
        for literal in 0..<256 {
            suffix[literal] = UInt8(literal)
            firstByte[literal] = UInt8(literal)
        }
        var output: [UInt8] = []
        var width = initialWidth
        // The code the next string will get (Go's `hi` runs one ahead of what is defined).
        var next = endCode
        var widenAt = 1 << initialWidth
        var previous: Int?
        var pending: UInt32 = 0
        var pendingCount = 0
        var position = 0
        var scratch: [UInt8] = []

        while true {
            while pendingCount < width {
                guard position < input.count else { throw .missingEnd }
                pending |= UInt32(input[position]) << UInt32(pendingCount)
                position += 1
                pendingCount += 8
            }
            let code = Int(pending & ((1 << UInt32(width)) - 1))
            pending >>= UInt32(width)
            pendingCount -= width

            if code == clearCode {
                width = initialWidth
                next = endCode
                widenAt = 1 << initialWidth
                previous = nil
                continue
            }
            if code == endCode { return output }
            guard code < 256 || code <= next else { throw .invalidCode(code) }

            // The string for `code`; a code one past the table (the KwKwK case) is the
            // previous string plus its own first byte.
            scratch.removeAll(keepingCapacity: true)
            var walk = code
            if code >= firstFreeCode && code == next {
                guard let previous else { throw .invalidCode(code) }
                scratch.append(firstByte[previous])
                walk = previous
            } else if code >= 256 && prefix[code] < 0 {
                throw .invalidCode(code)
            }
            while walk >= 256 {
                scratch.append(suffix[walk])
                walk = prefix[walk]
            }
            scratch.append(UInt8(walk))
            guard output.count + scratch.count <= limit else { throw .tooLarge(limit: limit) }
            output.append(contentsOf: scratch.reversed())

            if let previous, next < (1 << maximumWidth) {
                prefix[next] = previous
                suffix[next] = UInt8(walk)
                firstByte[next] = firstByte[previous]
            }
            previous = code
            next += 1
            if next >= widenAt {
                if width == maximumWidth {
                    // The table is full: no more strings until a clear code.
                    previous = nil
                    next -= 1
                } else {
                    width += 1
                    widenAt <<= 1
                }
            }
        }
    }
}
