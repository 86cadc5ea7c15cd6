/// Which seeds `sim sweep` runs: `--seeds A-B` (both included), narrowed to one shard by
/// `--shard I/N`.
///
/// Shards are 0-based, the way a Kubernetes Indexed Job numbers its pods
/// (`JOB_COMPLETION_INDEX` runs from 0 to completions - 1): shard I of N takes the seeds whose
/// distance from A leaves remainder I when divided by N (A+I, A+I+N, A+I+2N...). The N shards
/// of one range are disjoint and together hold every seed, and each shard's seeds are spread
/// over the whole range, so shards take about equally long.
public struct SweepPlan: Sendable, Hashable {
    public var first: UInt64
    public var last: UInt64
    public var shard: Int
    public var shards: Int

    /// More seeds than this in one process is a typo more often than a plan; `--shard` splits
    /// larger sweeps across processes and machines.
    public static let maximumSeeds = 1_000_000

    /// A usage error, worded for the option it is about.
    public struct UsageError: Error, Sendable, Hashable, CustomStringConvertible {
        public var description: String
    }

    /// `seeds`: `A-B` with A <= B, or a single seed `N`. `shard`: `I/N` with 0 <= I < N, or
    /// nil for the whole range.
    public init(seeds: String, shard: String? = nil) throws(UsageError) {
        let parts = seeds.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let first = SweepPlan.number(parts[0]),
            let last = SweepPlan.number(parts[parts.count - 1])
        else {
            throw UsageError(
                description: "--seeds: expected a range A-B such as 1-200, or one seed, found \"\(seeds)\"")
        }
        guard first <= last else {
            throw UsageError(description: "--seeds: the range \(seeds) is empty; write the smaller seed first")
        }
        self.first = first
        self.last = last
        self.shard = 0
        self.shards = 1
        if let shard {
            let parts = shard.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, let index = SweepPlan.number(parts[0]), let count = SweepPlan.number(parts[1]),
                count >= 1, index < count, count <= UInt64(Int.max)
            else {
                throw UsageError(
                    description:
                        "--shard: expected I/N with 0 <= I < N (shards are numbered from 0, like a Kubernetes Indexed Job's JOB_COMPLETION_INDEX), found \"\(shard)\""
                )
            }
            self.shard = Int(index)
            self.shards = Int(count)
        }
        guard seedCount <= UInt64(SweepPlan.maximumSeeds) else {
            throw UsageError(
                description:
                    "--seeds: \(seeds)\(shard.map { " --shard \($0)" } ?? "") is \(seedCount) seeds; at most \(SweepPlan.maximumSeeds) run in one sweep (split it with --shard I/N)"
            )
        }
    }

    /// How many seeds this shard runs.
    public var seedCount: UInt64 {
        let span = last - first  // seeds in the range, minus one (cannot overflow)
        let offset = UInt64(shard)
        guard offset <= span else { return 0 }
        return (span - offset) / UInt64(shards) + 1
    }

    /// This shard's seeds, in increasing order.
    public var seeds: [UInt64] {
        var result: [UInt64] = []
        result.reserveCapacity(Int(seedCount))
        let step = UInt64(shards)
        var offset = UInt64(shard)
        while offset <= last - first {
            result.append(first + offset)
            let (next, overflow) = offset.addingReportingOverflow(step)
            if overflow { break }
            offset = next
        }
        return result
    }

    /// Whether `seed` is one of this shard's.
    public func contains(_ seed: UInt64) -> Bool {
        seed >= first && seed <= last && (seed - first) % UInt64(shards) == UInt64(shard)
    }

    /// Digits only: no sign, no spaces, no `0x`.
    private static func number(_ text: Substring) -> UInt64? {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return UInt64(text)
    }
}
