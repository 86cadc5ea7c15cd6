import IPAM

// Prints the allocator benchmark's lines (see AllocatorBenchmark), then the same first and
// last thousand allocations of a /16 made by walking the pool as MetalLB does, measured in
// this run, and the ratios between the two.
let clock = ContinuousClock()
for line in AllocatorBenchmark.run(clock: clock) { print(line) }

let count = 65_536
let lbsim = AllocatorBenchmark.measure(prefix: "10.0.0.0/16", clock: clock)
let walkFirst = WalkingBaseline.measure(count: count, range: 0..<1000, clock: clock)
let walkLast = WalkingBaseline.measure(count: count, range: (count - 1000)..<count, clock: clock)

func nanosecondsEach(_ duration: Duration) -> Int {
    let (seconds, attoseconds) = duration.components
    return Int((Double(seconds) * 1e9 + Double(attoseconds) / 1e9) / 1000)
}

let (lbsimFirst, lbsimLast) = (nanosecondsEach(lbsim.first1000), nanosecondsEach(lbsim.last1000))
let (baseFirst, baseLast) = (nanosecondsEach(walkFirst), nanosecondsEach(walkLast))
print("baseline (walking the pool, as MetalLB) 10.0.0.0/16: first 1000: \(baseFirst) ns each, "
    + "last 1000: \(baseLast) ns each (ratio \(baseLast / max(1, baseFirst)))")
print("last 1000 allocations of a /16: walking \(baseLast) ns each, lbsim \(lbsimLast) ns each: "
    + "lbsim is \(baseLast / max(1, lbsimLast))x faster (first 1000: \(baseFirst) vs \(lbsimFirst) ns)")
