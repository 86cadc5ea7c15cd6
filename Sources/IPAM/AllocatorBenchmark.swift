import Wire

/// The allocation benchmark of issue 3: 65,536 services from an IPv4 /16 and from an IPv6
/// /112, timed per thousand, to show that an allocation costs the same whether the pool is
/// empty or nearly full (MetalLB walks the pool each time, so its cost grows with the number
/// already allocated).
///
/// The clock is handed in (`allocator-bench` passes `ContinuousClock()`): IPAM itself never reads
/// one.
public enum AllocatorBenchmark {
    /// One pool's run: the whole pool allocated, one service per address.
    public struct Result: Sendable {
        public var pool: String
        public var allocations: Int
        public var total: Duration
        public var first1000: Duration
        public var last1000: Duration
        /// The last address handed out (the pool's top address when everything worked).
        public var lastAddress: String
        /// Whether one more service was refused with "no available IPs", as it must be.
        public var exhaustedCorrectly: Bool

        /// The issue's bound: the last thousand cost at most twice the first thousand.
        public var isFlat: Bool { last1000 <= first1000 * 2 }
    }

    /// The issue's two pools.
    public static let prefixes = ["10.0.0.0/16", "fd00::/112"]

    /// One line per pool's result.
    public static func lines(_ results: [Result]) -> [String] {
        var lines: [String] = []
        for r in results {
            let per = { (d: Duration, n: Int) in nanoseconds(d) / Double(n) }
            lines.append(
                "allocator \(r.pool): \(r.allocations) allocations in \(milliseconds(r.total)) ms "
                    + "(\(format(per(r.total, r.allocations))) ns each); first 1000: \(format(per(r.first1000, 1000))) ns each, "
                    + "last 1000: \(format(per(r.last1000, 1000))) ns each (ratio \(format(nanoseconds(r.last1000) / max(1, nanoseconds(r.first1000)), digits: 2))); "
                    + "last address \(r.lastAddress); exhausted \(r.exhaustedCorrectly ? "ok" : "WRONG")")
        }
        return lines
    }

    /// Allocates every address of `prefix` (at least 2,000 of them) to its own service.
    public static func measure(prefix text: String, clock: some Clock<Duration>) -> Result {
        let prefix = IPPrefix(text)!
        let count = Int(prefix.addressCount!)
        var allocator = try! Allocator(pools: [AddressPool(name: "bench", cidrs: [prefix])])
        let claims = (0..<count).map {
            ServiceClaim(key: "bench/svc-\($0)", namespace: "bench", family: ServiceIPFamily(prefix.family))
        }
        // Three phases: the first thousand, everything in between, the last thousand.
        var last: IPAddress?
        func phase(_ range: Range<Int>) -> Duration {
            clock.measure {
                for i in range { last = (try? allocator.allocate(claims[i]))?.first }
            }
        }
        let first1000 = phase(0..<1000)
        let middle = phase(1000..<(count - 1000))
        let last1000 = phase((count - 1000)..<count)
        let extra = ServiceClaim(key: "bench/one-more", namespace: "bench", family: ServiceIPFamily(prefix.family))
        let refused: Bool
        do {
            _ = try allocator.allocate(extra)
            refused = false
        } catch { refused = error == .noAvailableIPs }
        return Result(
            pool: text, allocations: count, total: first1000 + middle + last1000,
            first1000: first1000, last1000: last1000,
            lastAddress: last?.description ?? "none", exhaustedCorrectly: refused)
    }

    public static func nanoseconds(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1e9 + Double(d.components.attoseconds) / 1e9
    }

    private static func milliseconds(_ d: Duration) -> String { format(nanoseconds(d) / 1e6, digits: 1) }

    /// Fixed-point text without Foundation (and without libm's `round`, which a Foundation-free
    /// executable does not link).
    private static func format(_ value: Double, digits: Int = 0) -> String {
        var scale = 1
        for _ in 0..<digits { scale *= 10 }
        let scaled = Int(value * Double(scale) + 0.5)
        guard digits > 0 else { return String(scaled) }
        let fraction = String(scaled % scale)
        return "\(scaled / scale).\(String(repeating: "0", count: digits - fraction.count))\(fraction)"
    }
}
