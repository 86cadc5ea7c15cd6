/// The baseline the allocator is measured against in the same run: allocation as MetalLB's
/// allocator does it, walking the pool from its first address and asking about each one
/// until a free one turns up (a hash-set lookup per address, the cheapest form of that
/// question). The k-th allocation looks at k addresses, so the last thousand of a /16 cost
/// about sixty times the first thousand; lbsim's free-interval index does not walk at all.
struct WalkingBaseline {
    private var used: Set<UInt32> = []
    private let first: UInt32
    private let last: UInt32

    init(first: UInt32, last: UInt32) {
        self.first = first
        self.last = last
        used.reserveCapacity(Int(last - first) + 1)
    }

    /// The lowest free address, now taken; nil when the pool is full.
    mutating func allocate() -> UInt32? {
        var address = first
        while true {
            if !used.contains(address) {
                used.insert(address)
                return address
            }
            if address == last { return nil }
            address += 1
        }
    }

    /// The time of allocations `range` (by position) out of a pool of `count`. The earlier
    /// ones are filled in untimed, directly: walking for them would take the whole
    /// quadratic cost the benchmark only needs to sample.
    static func measure(count: Int, range: Range<Int>, clock: some Clock<Duration>) -> Duration {
        var baseline = WalkingBaseline(first: 0x0A00_0000, last: 0x0A00_0000 + UInt32(count - 1))
        for offset in 0..<range.lowerBound { baseline.used.insert(baseline.first + UInt32(offset)) }
        return clock.measure {
            for _ in range { _ = baseline.allocate() }
        }
    }
}
