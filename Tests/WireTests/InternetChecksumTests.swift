import TestSupport
import Testing

@testable import Wire

@Suite("InternetChecksum")
struct InternetChecksumTests {
    /// RFC 1071 section 3's worked example: the bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2.
    @Test func rfc1071Example() {
        let bytes: [UInt8] = [0x00, 0x01, 0xF2, 0x03, 0xF4, 0xF5, 0xF6, 0xF7]
        #expect(InternetChecksum.sum(bytes) == 0xDDF2)
        #expect(InternetChecksum.checksum(bytes) == 0x220D)
        #expect(referenceChecksum(bytes) == 0x220D)
    }

    @Test func emptyAndZeroData() {
        #expect(InternetChecksum.checksum([]) == 0xFFFF)
        #expect(InternetChecksum.checksum([0, 0, 0]) == 0xFFFF)
        #expect(InternetChecksum.checksum([0xFF, 0xFF]) == 0x0000)
        #expect(InternetChecksum.checksum([0x12]) == ~UInt16(0x1200), "odd byte is the high half")
    }

    /// The eight-byte loop against the sixteen-bit reference, over every tail length and
    /// random seeds (`initial`) up to the full 32 bits.
    @Test func matchesReferenceOnRandomData() {
        var rng = SplitMix64(seed: 0x1071)
        for length in 0..<300 {
            for _ in 0..<8 {
                let bytes = rng.bytes(length)
                let initial = rng.bool() ? UInt32(rng.u16()) : rng.u32()
                #expect(
                    InternetChecksum.checksum(bytes, initial: initial) == referenceChecksum(bytes, initial: initial),
                    "length \(length)")
            }
        }
        // All ones: the worst case for carries.
        let ones = [UInt8](repeating: 0xFF, count: 70_000)
        #expect(InternetChecksum.checksum(ones, initial: .max) == referenceChecksum(ones, initial: .max))
    }

    @Test func sumsChainAcrossPieces() {
        var rng = SplitMix64(seed: 0xC4A1)
        for _ in 0..<500 {
            let first = rng.bytes(2 * Int.random(in: 0...40, using: &rng))  // even, so words line up
            let second = rng.bytes(Int.random(in: 0...81, using: &rng))
            let chained = InternetChecksum.checksum(second, initial: InternetChecksum.sum(first))
            #expect(chained == InternetChecksum.checksum(first + second))
        }
    }

    @Test func checksumOfDataWithItsChecksumIsZero() {
        var rng = SplitMix64(seed: 0x5A5A)
        for _ in 0..<500 {
            var bytes = rng.bytes(2 * Int.random(in: 2...50, using: &rng))
            bytes[0] = 0
            bytes[1] = 0
            let checksum = InternetChecksum.checksum(bytes)
            bytes[0] = UInt8(checksum >> 8)
            bytes[1] = UInt8(checksum & 0xFF)
            #expect(InternetChecksum.checksum(bytes) == 0)
            #expect(InternetChecksum.sum(bytes) == 0xFFFF)
        }
    }

    /// The pseudo header sum equals the sum of the 12 pseudo header bytes laid out per
    /// RFC 793: source, destination, zero, protocol, TCP length.
    @Test func pseudoHeaderMatchesItsBytes() {
        var rng = SplitMix64(seed: 0x793)
        for _ in 0..<1_000 {
            let source = rng.ipv4()
            let destination = rng.ipv4()
            let proto = IPProtocol(rawValue: rng.u8())
            let length = Int(rng.u16())
            var bytes: [UInt8] = source.octets + destination.octets
            bytes += [0, proto.rawValue, UInt8(length >> 8), UInt8(length & 0xFF)]
            let sum = InternetChecksum.pseudoHeaderSum(
                source: source, destination: destination, protocol: proto, length: length)
            #expect(sum <= 0xFFFF)
            #expect(~UInt16(truncatingIfNeeded: sum) == referenceChecksum(bytes))
        }
    }

    @Test func bufferPointerAndArrayAgree() {
        let bytes = Captured.tcpPSH
        let viaPointer = bytes.withUnsafeBytes { InternetChecksum.checksum($0, initial: 7) }
        #expect(viaPointer == InternetChecksum.checksum(bytes, initial: 7))
    }

    /// The IPv6 pseudo-header summed word by word from the addresses equals the sum over its 40
    /// bytes as RFC 8200 section 8.1 lays them out.
    @Test func ipv6PseudoHeaderSumMatchesItsBytes() {
        var state: UInt64 = 0x1234_5678
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state
        }
        for _ in 0..<1000 {
            let source = IPv6Address(high: next(), low: next())
            let destination = IPv6Address(high: next(), low: next())
            let length = Int(next() % 0x1_0000_0000)
            let proto: IPProtocol = next() % 2 == 0 ? .tcp : .icmpv6
            var bytes = source.octets + destination.octets
            bytes += [
                UInt8(length >> 24 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF),
            ]
            bytes += [0, 0, 0, proto.rawValue]
            #expect(
                InternetChecksum.pseudoHeaderSum(
                    source: source, destination: destination, protocol: proto, length: length)
                    == InternetChecksum.sum(bytes))
        }
    }
}
