import IPAM

// Prints the allocator benchmark's lines (see AllocatorBenchmark), then the same first and
// last thousand allocations of the /16 made by walking the pool as MetalLB does, measured in
// this run, and the ratios between the two.
let clock = ContinuousClock()
let results = AllocatorBenchmark.prefixes.map { AllocatorBenchmark.measure(prefix: $0, clock: clock) }
for line in AllocatorBenchmark.lines(results) { print(line) }

let lbsim = results[0]
let count = lbsim.allocations
let first = 0..<1000
let last = (count - 1000)..<count
let walkFirst = WalkingBaseline.measure(count: count, range: first, clock: clock)
let walkLast = WalkingBaseline.measure(count: count, range: last, clock: clock)

func nanosecondsEach(_ duration: Duration, _ range: Range<Int>) -> Int {
    Int(AllocatorBenchmark.nanoseconds(duration) / Double(range.count))
}

let (lbsimFirst, lbsimLast) = (nanosecondsEach(lbsim.first1000, first), nanosecondsEach(lbsim.last1000, last))
let (baseFirst, baseLast) = (nanosecondsEach(walkFirst, first), nanosecondsEach(walkLast, last))
print(
    "baseline (walking the pool, as MetalLB) \(lbsim.pool): first 1000: \(baseFirst) ns each, "
        + "last 1000: \(baseLast) ns each (ratio \(baseLast / max(1, baseFirst)))")
print(
    "last 1000 allocations of \(lbsim.pool): walking \(baseLast) ns each, lbsim \(lbsimLast) ns each: "
        + "lbsim is \(baseLast / max(1, lbsimLast))x faster (first 1000: \(baseFirst) vs \(lbsimFirst) ns)")
