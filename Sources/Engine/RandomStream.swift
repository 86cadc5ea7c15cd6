/// A seeded pseudo-random stream (xoshiro256**), one per subsystem.
///
/// Each subsystem (frame loss, client reachable times, sweep draws...) gets its own stream split
/// off the scenario's root seed by name, so adding a new consumer of randomness never shifts
/// the draws an existing one sees: old runs replay unchanged. The algorithms below are fixed
/// here rather than taken from the standard library, whose `random(in:)` may change between
/// Swift releases.
public struct RandomStream: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// A stream for `subsystem`, derived from `rootSeed` and the subsystem's name.
    public init(rootSeed: UInt64, subsystem: String) {
        self.init(seed: rootSeed ^ RandomStream.fnv1a(subsystem))
    }

    public init(seed: UInt64) {
        var sm = seed
        s0 = RandomStream.splitMix(&sm)
        s1 = RandomStream.splitMix(&sm)
        s2 = RandomStream.splitMix(&sm)
        s3 = RandomStream.splitMix(&sm)
    }

    /// A child stream named `name`: the same split rule, one level down (per node, per client).
    public func split(_ name: String) -> RandomStream {
        var copy = self
        return RandomStream(seed: copy.next() ^ RandomStream.fnv1a(name))
    }

    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    /// Uniform in `0..<bound` (Lemire's multiply-and-reject), bound > 0.
    public mutating func uniform(below bound: UInt64) -> UInt64 {
        precondition(bound > 0)
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold {
                product = next().multipliedFullWidth(by: bound)
            }
        }
        return product.high
    }

    /// Uniform in the closed range `lower...upper`.
    public mutating func uniform(in range: ClosedRange<Int64>) -> Int64 {
        let span = UInt64(bitPattern: range.upperBound &- range.lowerBound) &+ 1
        if span == 0 { return Int64(bitPattern: next()) }
        return range.lowerBound &+ Int64(bitPattern: uniform(below: span))
    }

    /// True with probability `numerator / denominator`.
    public mutating func chance(_ numerator: UInt64, in denominator: UInt64) -> Bool {
        uniform(below: denominator) < numerator
    }

    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    private static func splitMix(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// FNV-1a over the UTF-8 bytes: a stable name hash (Swift's `hashValue` is seeded per process).
    public static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}
