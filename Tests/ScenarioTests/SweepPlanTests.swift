import Testing

@testable import Scenario

/// `--seeds A-B` and `--shard I/N`: which seeds a sweep (or one shard of it) runs.
@Suite("Sweep plan: seed ranges and shards")
struct SweepPlanTests {
    @Test("A-B includes both ends; one number is one seed")
    func ranges() throws {
        #expect(try SweepPlan(seeds: "1-5").seeds == [1, 2, 3, 4, 5])
        #expect(try SweepPlan(seeds: "7").seeds == [7])
        #expect(try SweepPlan(seeds: "0-0").seeds == [0])
        #expect(
            try SweepPlan(seeds: "18446744073709551613-18446744073709551615").seeds
                == [18_446_744_073_709_551_613, 18_446_744_073_709_551_614, .max])
        #expect(try SweepPlan(seeds: "10-200").seedCount == 191)
    }

    @Test(
        "the N shards of a range are disjoint, cover it, and are spread over it",
        arguments: [
            ("1-200", 1), ("1-200", 3), ("1-200", 7), ("5-5", 4), ("0-9", 10), ("100-137", 16), ("3-4", 5),
            ("18446744073709551600-18446744073709551615", 6),
        ])
    func shardsPartition(range: String, count: Int) throws {
        let all = try SweepPlan(seeds: range).seeds
        var union: [UInt64] = []
        for index in 0..<count {
            let plan = try SweepPlan(seeds: range, shard: "\(index)/\(count)")
            let seeds = plan.seeds
            #expect(seeds.count == Int(plan.seedCount), "seedCount of shard \(index)/\(count)")
            #expect(seeds == seeds.sorted())
            // Spread: consecutive seeds of a shard are N apart.
            #expect(zip(seeds, seeds.dropFirst()).allSatisfy { $1 - $0 == UInt64(count) })
            for seed in all { #expect(plan.contains(seed) == seeds.contains(seed)) }
            union += seeds
        }
        #expect(union.count == all.count, "no seed in two shards")
        #expect(union.sorted() == all, "every seed in some shard")
    }

    @Test("shard I of N starts at A+I (0-based, like JOB_COMPLETION_INDEX)")
    func shardStart() throws {
        #expect(try SweepPlan(seeds: "1-10", shard: "0/3").seeds == [1, 4, 7, 10])
        #expect(try SweepPlan(seeds: "1-10", shard: "2/3").seeds == [3, 6, 9])
        #expect(try SweepPlan(seeds: "1-2", shard: "4/5").seeds == [])
    }

    @Test(
        "bad ranges and shards are usage errors naming the option",
        arguments: [
            ("20-10", nil, "--seeds"), ("", nil, "--seeds"), ("1-", nil, "--seeds"), ("-5", nil, "--seeds"),
            ("a-b", nil, "--seeds"),
            ("1-2-3", nil, "--seeds"), (" 1-2", nil, "--seeds"), ("1-18446744073709551616", nil, "--seeds"),
            ("0-1000000", nil, "at most 1000000"),
            ("1-10", "3/3", "--shard"), ("1-10", "0/0", "--shard"), ("1-10", "1", "--shard"),
            ("1-10", "-1/3", "--shard"),
            ("1-10", "1/3/4", "--shard"), ("1-10", "x/3", "--shard"),
        ] as [(String, String?, String)])
    func badUsage(seeds: String, shard: String?, fragment: String) {
        do {
            let plan = try SweepPlan(seeds: seeds, shard: shard)
            Issue.record("\(seeds) \(shard ?? "") should be refused, got \(plan)")
        } catch {
            #expect(error.description.contains(fragment), "\(error)")
        }
    }

    @Test("a million seeds fit, split by shards")
    func largeRangesWithShards() throws {
        #expect(try SweepPlan(seeds: "1-1000000").seedCount == 1_000_000)
        #expect(try SweepPlan(seeds: "1-4000000", shard: "3/4").seedCount == 1_000_000)
    }
}
