import Wire

/// The addresses of one prefix that nobody holds, as sorted, disjoint, closed intervals of
/// address values (IPv4 in the low 32 bits; IPv6 as its full 128-bit value).
///
/// MetalLB finds a free address by walking the prefix from its network address and asking
/// about each one, so the 65,536th allocation from a /16 looks at 65,535 addresses first.
/// Keeping the free space as intervals makes the lowest free address the first interval's
/// start: constant time, whatever the prefix size (an IPv6 /64 is one interval, not 2^64
/// entries). Taking or returning one address splits or merges one interval, found by binary
/// search.
struct FreeAddresses: Sendable {
    private(set) var intervals: [ClosedRange<UInt128>]

    /// Every address of `prefix`, minus .0 and .255 when `avoidBuggyIPs` (those are never
    /// handed out, so they never enter the free set).
    init(prefix: IPPrefix, avoidBuggyIPs: Bool) {
        let first = prefix.first.value
        let last = prefix.last.value
        guard avoidBuggyIPs, case .v4 = prefix else {
            intervals = [first...last]
            return
        }
        // Cut out the .255 and .0 at every /24 boundary inside the prefix.
        var result: [ClosedRange<UInt128>] = []
        var start = first
        while start <= last {
            let blockEnd = min(last, start | 0xFF)
            let low = start & 0xFF == 0 ? start + 1 : start
            let high = blockEnd & 0xFF == 0xFF ? blockEnd - 1 : blockEnd
            if low <= high { result.append(low...high) }
            if blockEnd == last { break }
            start = blockEnd + 1
        }
        intervals = result
    }

    var lowest: UInt128? { intervals.first?.lowerBound }

    var isEmpty: Bool { intervals.isEmpty }

    /// The index of the first interval whose upper bound is at least `value`.
    private func index(reaching value: UInt128) -> Int {
        var low = 0
        var high = intervals.count
        while low < high {
            let mid = (low + high) / 2
            if intervals[mid].upperBound < value { low = mid + 1 } else { high = mid }
        }
        return low
    }

    func contains(_ value: UInt128) -> Bool {
        let i = index(reaching: value)
        return i < intervals.count && intervals[i].contains(value)
    }

    /// Marks `value` held. Does nothing when it is not free; says whether it was.
    @discardableResult
    mutating func remove(_ value: UInt128) -> Bool {
        let i = index(reaching: value)
        guard i < intervals.count, intervals[i].contains(value) else { return false }
        let range = intervals[i]
        switch (range.lowerBound == value, range.upperBound == value) {
        case (true, true): intervals.remove(at: i)
        case (true, false): intervals[i] = (value + 1)...range.upperBound
        case (false, true): intervals[i] = range.lowerBound...(value - 1)
        case (false, false):
            intervals[i] = range.lowerBound...(value - 1)
            intervals.insert((value + 1)...range.upperBound, at: i + 1)
        }
        return true
    }

    /// Marks `value` free again, merging with its neighbours. Does nothing when already free.
    mutating func insert(_ value: UInt128) {
        let i = index(reaching: value)
        if i < intervals.count, intervals[i].contains(value) { return }
        let joinsNext = i < intervals.count && value != .max && intervals[i].lowerBound == value + 1
        let joinsPrevious = i > 0 && value != 0 && intervals[i - 1].upperBound == value - 1
        switch (joinsPrevious, joinsNext) {
        case (true, true):
            intervals[i - 1] = intervals[i - 1].lowerBound...intervals[i].upperBound
            intervals.remove(at: i)
        case (true, false): intervals[i - 1] = intervals[i - 1].lowerBound...value
        case (false, true): intervals[i] = value...intervals[i].upperBound
        case (false, false): intervals.insert(value...value, at: i)
        }
    }
}

extension IPAddress {
    /// The address as one number: IPv4 in the low 32 bits, IPv6 in all 128. Only compared
    /// within one prefix, so the two families never meet.
    var value: UInt128 {
        switch self {
        case .v4(let address): return UInt128(address.rawValue)
        case .v6(let address): return UInt128(address.high) << 64 | UInt128(address.low)
        }
    }

    /// The address of `family` whose value is `value`.
    init(family: IPFamily, value: UInt128) {
        switch family {
        case .ipv4: self = .v4(IPv4Address(rawValue: UInt32(truncatingIfNeeded: value)))
        case .ipv6:
            self = .v6(
                IPv6Address(
                    high: UInt64(truncatingIfNeeded: value >> 64),
                    low: UInt64(truncatingIfNeeded: value)))
        }
    }
}
