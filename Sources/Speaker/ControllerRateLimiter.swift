/// client-go's `workqueue.DefaultControllerRateLimiter`, which MetalLB v0.9.4's work queue
/// uses (internal/k8s/k8s.go, `NewRateLimitingQueue`; client-go
/// util/workqueue/default_rate_limiters.go): the larger of two delays for every
/// `AddRateLimited`:
/// - per item, 5 ms doubled for each time the item was re-added since it was last forgotten
///   (`ItemExponentialFailureRateLimiter`, 5 ms to 1000 s);
/// - overall, a token bucket of 100 tokens refilled at 10 per second (`BucketRateLimiter`
///   over golang.org/x/time/rate), which starts full and hands out a reservation per call.
///
/// So a ForceSync of up to 100 services re-runs each 5 ms later, and beyond that one more
/// service every 100 ms: at 1,000 services the last one comes about 90 s after the event.
/// Tokens are kept as nanoseconds of credit (one token is 100 ms), so the arithmetic is exact.
struct ControllerRateLimiter: Sendable {
    static let baseDelay: Int64 = 5_000_000
    static let maxDelay: Int64 = 1_000_000_000_000
    static let tokenInterval: Int64 = 100_000_000
    static let burst: Int64 = 100

    /// The bucket's credit in nanoseconds (`burst × tokenInterval` when full); negative while
    /// reservations are waiting for tokens.
    private var credit: Int64 = burst * tokenInterval
    /// When the credit was last brought up to date.
    private var last: Int64?
    /// How often each item was re-added since it was last forgotten.
    private var failures: [String: Int] = [:]

    /// The delay for re-adding `item` at `now` (the limiter's `When`).
    mutating func delay(for item: String, now: Int64) -> Int64 {
        let count = failures[item, default: 0]
        failures[item] = count + 1
        let exponential = count >= 40 ? Self.maxDelay : min(Self.maxDelay, Self.baseDelay << count)
        if let last { credit = min(Self.burst * Self.tokenInterval, credit + (now - last)) }
        last = now
        credit -= Self.tokenInterval
        return max(exponential, max(0, -credit))
    }

    /// The item was processed successfully (`Forget`): its backoff starts over.
    mutating func forget(_ item: String) { failures[item] = nil }
}
