/// The random choices memberlist makes, drawn from the generator a `Memberlist` was given
/// (never the system's). Uniform draws use Lemire's multiply-and-reject on `next()`, so
/// they do not depend on the standard library's `random(in:)`, which may change between
/// Swift releases.
extension RandomNumberGenerator {
    /// Uniform in `0 ..< bound`; 0 when `bound` is 0 (memberlist's `randomOffset`).
    mutating func uniform(below bound: Int) -> Int {
        guard bound > 0 else { return 0 }
        let limit = UInt64(bound)
        var product = next().multipliedFullWidth(by: limit)
        if product.low < limit {
            let threshold = (0 &- limit) % limit
            while product.low < threshold {
                product = next().multipliedFullWidth(by: limit)
            }
        }
        return Int(product.high)
    }

    /// Fisher–Yates from the end, as Go's `rand.Shuffle` (memberlist's `shuffleNodes`).
    mutating func shuffle<T>(_ elements: inout [T]) {
        var index = elements.count - 1
        while index > 0 {
            elements.swapAt(index, uniform(below: index + 1))
            index -= 1
        }
    }

    /// Up to `k` distinct elements not `excluded` (memberlist's `kRandomNodes`): for a small
    /// list (fewer than 3k) a shuffled copy is walked in order, so nothing eligible is
    /// missed; otherwise up to 3n random picks, skipping repeats and excluded ones.
    mutating func pick<T>(
        _ k: Int, from elements: [T], excluding excluded: (T) -> Bool,
        sameAs: (T, T) -> Bool
    ) -> [T] {
        var chosen: [T] = []
        let n = elements.count
        if n < k * 3 {
            var shuffled = elements
            shuffle(&shuffled)
            for element in shuffled where chosen.count < k && !excluded(element) {
                chosen.append(element)
            }
            return chosen
        }
        var tries = 0
        while tries < 3 * n && chosen.count < k {
            tries += 1
            let candidate = elements[uniform(below: n)]
            if excluded(candidate) || chosen.contains(where: { sameAs($0, candidate) }) { continue }
            chosen.append(candidate)
        }
        return chosen
    }
}
