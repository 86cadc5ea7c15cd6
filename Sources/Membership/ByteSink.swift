/// Where the MessagePack encoders write (`MessagePackEncoding`).
///
/// Appending to an `[UInt8]` a byte or a few at a time costs a capacity and a uniqueness
/// check each, and copying a short key through `append(contentsOf:)` takes the general
/// sequence path; that was most of the cost of encoding a push/pull. The message encoders
/// therefore run twice: once into a `ByteCounter` for the exact size, then into a
/// `ByteWriter` over an array allocated at that size. The value tree encoder appends to an
/// array, which is a sink too.
protocol ByteSink {
    mutating func append(_ byte: UInt8)
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>)
    /// `bytes`, all of them.
    mutating func append(_ bytes: [UInt8])
    /// `text`'s UTF-8.
    mutating func append(utf8 text: String)
}

extension ByteSink {
    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0) }
    }

    mutating func append(utf8 text: String) {
        var text = text
        text.withUTF8 { append($0) }
    }
}

extension Array: ByteSink where Element == UInt8 {
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        append(contentsOf: bytes)
    }
}

/// Counts what would be written, without looking at the bytes.
struct ByteCounter: ByteSink {
    private(set) var count = 0

    mutating func append(_ byte: UInt8) { count += 1 }
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) { count += bytes.count }
    mutating func append(_ bytes: [UInt8]) { count += bytes.count }
    mutating func append(utf8 text: String) { count += text.utf8.count }
}

/// Writes into a buffer of fixed size, refusing (by trapping) to write past its end.
struct ByteWriter: ByteSink {
    private let buffer: UnsafeMutableBufferPointer<UInt8>
    /// Bytes written so far.
    private(set) var count = 0

    init(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
        self.buffer = buffer
    }

    mutating func append(_ byte: UInt8) {
        precondition(count < buffer.count, "ByteWriter: buffer full")
        buffer[count] = byte
        count += 1
    }

    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        precondition(bytes.count <= buffer.count - count, "ByteWriter: buffer full")
        (buffer.baseAddress! + count).initialize(from: source, count: bytes.count)
        count += bytes.count
    }
}

/// Something the encoders can write to any sink.
protocol ByteEncodable {
    func write<Sink: ByteSink>(to sink: inout Sink)
}

extension Array where Element == UInt8 {
    /// `value`'s bytes, in an array allocated once at their exact size: the value is
    /// written twice, first to count, then to fill.
    init(encoding value: some ByteEncodable) {
        var counter = ByteCounter()
        value.write(to: &counter)
        self.init(unsafeUninitializedCapacity: counter.count) { buffer, initialized in
            var writer = ByteWriter(buffer)
            value.write(to: &writer)
            precondition(writer.count == counter.count, "the two passes wrote different lengths")
            initialized = writer.count
        }
    }
}
