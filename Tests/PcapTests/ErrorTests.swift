import Foundation
import Pcap
import TestSupport
import Testing

/// Damaged or missing files must give a `PcapError` carrying libpcap's explanation; they
/// must never crash the process or yield made-up records.
@Suite("Errors")
struct ErrorTests {
    /// Writes the standard trace and returns its bytes.
    private func standardFile(in scratch: TemporaryDirectory) throws -> Data {
        let path = scratch.path("good.pcap").path
        try writeStandardTrace(to: path)
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    private func write(_ data: Data, to path: String) throws {
        try data.write(to: URL(fileURLWithPath: path))
    }

    @Test("opening a file that does not exist throws libpcap's message")
    func missingFile() throws {
        let scratch = try TemporaryDirectory("pcap")
        let path = scratch.path("absent.pcap").path
        let error = try #require(throws: PcapError.self) { try PcapFileReader(path: path) }
        #expect(error.message.contains("No such file or directory"), "\(error)")
        #expect(error.operation.contains(path))
        #expect(error.description.contains(path) && error.description.contains(error.message))
    }

    @Test("a file cut in the middle of a record yields the records before it, then an error")
    func truncatedInRecordData() throws {
        let scratch = try TemporaryDirectory("pcap")
        let good = try standardFile(in: scratch)
        let path = scratch.path("cut.pcap").path
        try write(good.prefix(good.count - 10), to: path)

        let reader = try PcapFileReader(path: path)
        #expect(try reader.next() == standardTrace[0])
        #expect(try reader.next() == standardTrace[1])
        let error = try #require(throws: PcapError.self) { try reader.next() }
        #expect(error.message.contains("truncated"), "\(error)")
        #expect(try reader.next() == nil)

        let again = try PcapFileReader(path: path)
        #expect(throws: PcapError.self) { try again.readAll() }
    }

    @Test("a file cut in the middle of a record header is an error too")
    func truncatedInRecordHeader() throws {
        let scratch = try TemporaryDirectory("pcap")
        let good = try standardFile(in: scratch)
        let path = scratch.path("cut-header.pcap").path
        try write(good.prefix(24 + 16 + 42 + 5), to: path)

        let reader = try PcapFileReader(path: path)
        #expect(try reader.next() == standardTrace[0])
        let error = try #require(throws: PcapError.self) { try reader.next() }
        #expect(error.message.contains("truncated"), "\(error)")
    }

    @Test("a file cut inside its file header, or not a capture at all, fails to open")
    func badFileHeader() throws {
        let scratch = try TemporaryDirectory("pcap")
        let good = try standardFile(in: scratch)

        let short = scratch.path("short.pcap").path
        try write(good.prefix(10), to: short)
        let shortError = try #require(throws: PcapError.self) { try PcapFileReader(path: short) }
        #expect(!shortError.message.isEmpty)

        let empty = scratch.path("empty.pcap").path
        try write(Data(), to: empty)
        #expect(throws: PcapError.self) { try PcapFileReader(path: empty) }

        let text = scratch.path("text.pcap").path
        try write(Data(String(repeating: "not a capture file\n", count: 10).utf8), to: text)
        let textError = try #require(throws: PcapError.self) { try PcapFileReader(path: text) }
        #expect(textError.message.contains("unknown file format"), "\(textError)")
    }

    @Test("a record claiming more bytes than the snapshot length is rejected, not trusted")
    func corruptRecordLength() throws {
        let scratch = try TemporaryDirectory("pcap")
        var bytes = [UInt8](try standardFile(in: scratch))
        // Second record's caplen (offset 24 + 16 + 42 + 8) set to 0x7fffffff.
        let caplenOffset = 24 + 16 + 42 + 8
        withUnsafeBytes(of: UInt32(0x7fff_ffff)) { value in
            for (index, byte) in value.enumerated() { bytes[caplenOffset + index] = byte }
        }
        let path = scratch.path("corrupt.pcap").path
        try write(Data(bytes), to: path)

        let reader = try PcapFileReader(path: path)
        #expect(try reader.next() == standardTrace[0])
        #expect(throws: PcapError.self) { try reader.next() }
    }

    @Test("a writer that cannot create its file throws libpcap's message")
    func unwritablePath() throws {
        let scratch = try TemporaryDirectory("pcap")
        let path = scratch.path("no-such-directory/trace.pcap").path
        let error = try #require(throws: PcapError.self) { try PcapFileWriter(path: path) }
        #expect(error.message.contains("No such file or directory"), "\(error)")
        #expect(error.operation.contains(path))
    }

    @Test("a writer rejects a snapshot length that is not positive")
    func invalidSnapLength() throws {
        let scratch = try TemporaryDirectory("pcap")
        #expect(throws: PcapError.self) {
            try PcapFileWriter(path: scratch.path("zero.pcap").path, snapLength: 0)
        }
    }
}
