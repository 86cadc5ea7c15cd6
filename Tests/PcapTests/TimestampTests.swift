import Foundation
import Pcap
import TestSupport
import Testing

/// Time stamps past 2038 and damaged fractions of a second, in hand-written classic pcap
/// files: read as the format defines them, never a trap (the tcpdump test captures
/// time_2106_max.pcap and timestamp_invalid_nano.pcap hold exactly these).
@Suite("Time stamps")
struct TimestampTests {
    /// A little-endian classic pcap file, nanosecond magic, Ethernet, with one 14-byte
    /// record per (seconds, fraction) pair as raw 32-bit fields.
    private func file(_ stamps: [(UInt32, UInt32)], nanosecond: Bool = true) -> Data {
        var bytes: [UInt8] = []
        func u32(_ value: UInt32) { bytes += withUnsafeBytes(of: value.littleEndian, Array.init) }
        u32(nanosecond ? 0xa1b2_3c4d : 0xa1b2_c3d4)
        bytes += [2, 0, 4, 0]  // version 2.4
        u32(0)
        u32(0)
        u32(65535)
        u32(1)  // thiszone, sigfigs, snaplen, Ethernet
        for (seconds, fraction) in stamps {
            u32(seconds)
            u32(fraction)
            u32(14)
            u32(14)
            bytes += [UInt8](repeating: 0xff, count: 6) + [0, 1, 2, 3, 4, 5, 0x08, 0x06]
        }
        return Data(bytes)
    }

    private func times(_ data: Data) throws -> [Int64] {
        let scratch = try TemporaryDirectory("pcap")
        let path = scratch.path("t.pcap").path
        try data.write(to: URL(fileURLWithPath: path))
        return try PcapFileReader(path: path).readAll().map(\.timestampNanoseconds)
    }

    @Test func secondsPast2038AreUnsigned() throws {
        let read = try times(file([(0x8000_0000, 5), (0xffff_ffff, 999_999_999)]))
        let expected: [Int64] = [2_147_483_648_000_000_005, 4_294_967_295_999_999_999]
        #expect(read == expected)
    }

    @Test func anImpossibleFractionKeepsTheSecondsAndTheRecord() throws {
        let read = try times(file([(100, 1_000_000_000), (101, 0xffff_ffff), (102, 7)]))
        #expect(read == [100_000_000_000, 101_000_000_000, 102_000_000_007])
        // Microsecond files are scaled up first: 1 000 000 us is no valid fraction either.
        let micro = try times(file([(100, 1_000_000), (101, 999_999)], nanosecond: false))
        #expect(micro == [100_000_000_000, 101_999_999_000])
    }
}
