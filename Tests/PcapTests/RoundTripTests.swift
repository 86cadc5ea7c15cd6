import Foundation
import Pcap
import TestSupport
import Testing

/// The frames most tests write: an ARP exchange and an unrelated IPv4 frame, at time
/// stamps that only read back right if nanoseconds survive.
let standardTrace: [PcapRecord] = [
    PcapRecord(timestampNanoseconds: Times.zero, originalLength: 42, bytes: Frames.arpRequest),
    PcapRecord(timestampNanoseconds: Times.twentySecondsAnd123ns, originalLength: 42, bytes: Frames.arpReply),
    PcapRecord(timestampNanoseconds: Times.late, originalLength: 46, bytes: Frames.ipv4UDP),
]

func writeStandardTrace(to path: String) throws {
    let writer = try PcapFileWriter(path: path)
    for record in standardTrace {
        writer.write(record.bytes, timestampNanoseconds: record.timestampNanoseconds)
    }
    writer.close()
}

@Suite("Writing and reading back")
struct RoundTripTests {
    @Test("frames read back with the exact nanosecond time stamps, lengths and bytes")
    func framesReadBackExactly() throws {
        let scratch = try TemporaryDirectory("pcap")
        let path = scratch.path("trace.pcap").path
        let writer = try PcapFileWriter(path: path)
        for record in standardTrace {
            writer.write(record.bytes, timestampNanoseconds: record.timestampNanoseconds)
        }
        #expect(writer.framesWritten == 3)
        #expect(writer.linkType == .ethernet)
        #expect(writer.snapLength == 65535)
        writer.close()

        let reader = try PcapFileReader(path: path)
        #expect(reader.linkType == .ethernet)
        #expect(reader.snapLength == 65535)
        let records = try reader.readAll()
        #expect(records.map(\.timestampNanoseconds) == [0, 20_000_000_123, 1_700_000_000_999_999_999])
        #expect(records.map(\.originalLength) == [42, 42, 46])
        #expect(records.map(\.bytes) == [Frames.arpRequest, Frames.arpReply, Frames.ipv4UDP])
        #expect(records == standardTrace)
        #expect(!records.contains { $0.isTruncated })
        // The end stays the end.
        #expect(try reader.next() == nil)
        #expect(try reader.next() == nil)
    }

    @Test("the file header carries the nanosecond magic and the record header carries nanoseconds")
    func fileHeaderIsNanosecondPcap() throws {
        let scratch = try TemporaryDirectory("pcap")
        let path = scratch.path("trace.pcap").path
        let writer = try PcapFileWriter(path: path)
        writer.write(Frames.arpReply, timestampNanoseconds: Times.twentySecondsAnd123ns)
        writer.close()

        let file = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        try #require(file.count == 24 + 16 + 42)
        func u32(_ offset: Int) -> UInt32 {
            file[offset..<offset + 4].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
        }
        func u16(_ offset: Int) -> UInt16 {
            file[offset..<offset + 2].withUnsafeBytes { $0.loadUnaligned(as: UInt16.self) }
        }
        // libpcap writes the header in host byte order; 0xa1b23c4d is the nanosecond
        // magic (0xa1b2c3d4 would be microseconds).
        let nanoMagic = withUnsafeBytes(of: UInt32(0xa1b2_3c4d)) { Array($0) }
        #expect(Array(file[0..<4]) == nanoMagic)
        #if _endian(little)
        #expect(Array(file[0..<4]) == [0x4d, 0x3c, 0xb2, 0xa1])
        #endif
        #expect(u16(4) == 2)  // version major
        #expect(u16(6) == 4)  // version minor
        #expect(u32(16) == 65535)  // snaplen
        #expect(u32(20) == 1)  // LINKTYPE_ETHERNET
        // First record header: seconds, then the fraction field holding nanoseconds.
        #expect(u32(24) == 20)
        #expect(u32(28) == 123)
        #expect(u32(32) == 42)  // caplen
        #expect(u32(36) == 42)  // len
        #expect(Array(file[40...]) == Frames.arpReply)
    }

    @Test("frames longer than the snapshot length are cut, keeping the original length")
    func snapLengthTruncation() throws {
        let scratch = try TemporaryDirectory("pcap")
        let path = scratch.path("snap.pcap").path
        let long = (0..<100).map { UInt8($0) }
        let writer = try PcapFileWriter(path: path, snapLength: 64)
        writer.write(long, timestampNanoseconds: 5)
        writer.write(Frames.arpRequest, timestampNanoseconds: 6)
        // A caller that already cut the frame says how long it was.
        writer.write(Frames.arpRequest, timestampNanoseconds: 7, originalLength: 60)
        writer.close()

        // Check the file itself: libpcap's reader would quietly cut an oversized record
        // to the snapshot length, hiding a writer that stored too much.
        let file = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(file.count == 24 + 16 + 64 + 16 + 42 + 16 + 42)
        func u32(_ offset: Int) -> UInt32 {
            file[offset..<offset + 4].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
        }
        #expect(u32(16) == 64)  // file header snaplen
        #expect(u32(24 + 8) == 64)  // first record caplen
        #expect(u32(24 + 12) == 100)  // first record len

        let reader = try PcapFileReader(path: path)
        #expect(reader.snapLength == 64)
        let records = try reader.readAll()
        try #require(records.count == 3)
        #expect(records[0].bytes.count == 64)
        #expect(records[0].bytes == Array(long.prefix(64)))
        #expect(records[0].originalLength == 100)
        #expect(records[0].isTruncated)
        #expect(records[1].bytes == Frames.arpRequest)
        #expect(records[1].originalLength == 42)
        #expect(records[2].bytes == Frames.arpRequest)
        #expect(records[2].originalLength == 60)
        #expect(records.map(\.timestampNanoseconds) == [5, 6, 7])
    }

    @Test("the raw-buffer overload writes the same file as the array overload")
    func rawBufferOverload() throws {
        let scratch = try TemporaryDirectory("pcap")
        let fromArrays = scratch.path("arrays.pcap").path
        let fromBuffers = scratch.path("buffers.pcap").path
        try writeStandardTrace(to: fromArrays)

        let writer = try PcapFileWriter(path: fromBuffers)
        for record in standardTrace {
            record.bytes.withUnsafeBytes { buffer in
                writer.write(buffer, timestampNanoseconds: record.timestampNanoseconds)
            }
        }
        writer.write(UnsafeRawBufferPointer(start: nil, count: 0), timestampNanoseconds: 9)
        writer.close()

        let a = try Data(contentsOf: URL(fileURLWithPath: fromArrays))
        let b = try Data(contentsOf: URL(fileURLWithPath: fromBuffers))
        #expect(b.count == a.count + 16)
        #expect(b.prefix(a.count) == a)
        let records = try PcapFileReader(path: fromBuffers).readAll()
        #expect(records.last == PcapRecord(timestampNanoseconds: 9, originalLength: 0, bytes: []))
    }

    @Test("flush makes written frames visible to a reader before the writer closes")
    func flushBeforeClose() throws {
        let scratch = try TemporaryDirectory("pcap")
        let path = scratch.path("live.pcap").path
        let writer = try PcapFileWriter(path: path)
        writer.write(Frames.arpRequest, timestampNanoseconds: 1)
        writer.write(Frames.arpReply, timestampNanoseconds: 2)
        writer.flush()
        let records = try PcapFileReader(path: path).readAll()
        #expect(records.map(\.bytes) == [Frames.arpRequest, Frames.arpReply])
        writer.close()
    }

    @Test("close is idempotent, and a writer that is never closed is closed by deinit")
    func closeAndDeinit() throws {
        let scratch = try TemporaryDirectory("pcap")
        let closedTwice = scratch.path("twice.pcap").path
        let writer = try PcapFileWriter(path: closedTwice)
        writer.write(Frames.arpRequest, timestampNanoseconds: 1)
        #expect(!writer.isClosed)
        writer.close()
        #expect(writer.isClosed)
        writer.close()
        writer.flush()  // no-op once closed
        #expect(writer.framesWritten == 1)
        #expect(try PcapFileReader(path: closedTwice).readAll().count == 1)

        let dropped = scratch.path("dropped.pcap").path
        do {
            let writer = try PcapFileWriter(path: dropped)
            writer.write(Frames.arpReply, timestampNanoseconds: Times.twentySecondsAnd123ns)
        }
        let records = try PcapFileReader(path: dropped).readAll()
        #expect(records == [standardTrace[1]])
    }

    @Test("a hundred thousand frames round-trip in order")
    func manyFrames() throws {
        let scratch = try TemporaryDirectory("pcap")
        let path = scratch.path("many.pcap").path
        let count = 100_000
        let writer = try PcapFileWriter(path: path)
        var frame = Frames.arpRequest
        for index in 0..<count {
            frame[41] = UInt8(truncatingIfNeeded: index)
            writer.write(frame, timestampNanoseconds: Int64(index) * 1_000_003)
        }
        writer.close()
        #expect(writer.framesWritten == count)

        let reader = try PcapFileReader(path: path)
        var seen = 0
        var ordered = true
        while let record = try reader.next() {
            if record.timestampNanoseconds != Int64(seen) * 1_000_003
                || record.bytes[41] != UInt8(truncatingIfNeeded: seen)
                || record.bytes.count != 42
            {
                ordered = false
            }
            seen += 1
        }
        #expect(seen == count)
        #expect(ordered)
    }
}
