import IPAM

// Prints the allocator benchmark's lines; see AllocatorBenchmark.
for line in AllocatorBenchmark.run(clock: ContinuousClock()) { print(line) }
