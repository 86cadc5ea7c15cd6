#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// memberlist's timing formulas (util.go, suspicion.go), with Go's rounding: durations
/// are integer nanoseconds and the conversions truncate where Go's do.
public enum Timing {
    /// The shortest suspicion timeout for a cluster of `n` members (`suspicionTimeout`):
    /// suspicionMult × max(1, log10(max(1, n))) × interval, the scale kept to three decimals.
    public static func suspicionTimeout(suspicionMult: Int, members n: Int, interval: Int64) -> Int64 {
        let nodeScale = max(1.0, log10(max(1.0, Double(n))))
        return Int64(suspicionMult) * Int64(nodeScale * 1000) * interval / 1000
    }

    /// What a new suspicion timer starts with in a cluster of `n` members (memberlist's
    /// `suspectNode`): k confirmations are hoped for (SuspicionMult − 2), unless the cluster has
    /// too few other members to give them (n − 2: neither this node nor the suspect can
    /// confirm), then k = 0; the timeout runs from `maximum` down to `minimum`.
    public static func suspicionBounds(_ config: MembershipConfig, members n: Int)
        -> (expected: Int, minimum: Int64, maximum: Int64)
    {
        var expected = config.suspicionMult - 2
        if n - 2 < expected { expected = 0 }
        let minimum = suspicionTimeout(suspicionMult: config.suspicionMult, members: n, interval: config.probeInterval)
        return (expected, minimum, Int64(config.suspicionMaxTimeoutMult) * minimum)
    }

    /// How many times each broadcast is sent (`retransmitLimit`): mult × ceil(log10(n + 1)).
    public static func retransmitLimit(retransmitMult: Int, members n: Int) -> Int {
        retransmitMult * Int(ceil(log10(Double(n + 1))))
    }

    /// The push/pull interval for `n` members (`pushPullScale`): unchanged up to 32, then
    /// multiplied by ceil(log2(n) − log2(32)) + 1.
    public static func pushPullScale(interval: Int64, members n: Int) -> Int64 {
        guard n > 32 else { return interval }
        let multiplier = ceil(log2(Double(n)) - log2(32.0)) + 1.0
        return Int64(multiplier) * interval
    }

    /// The suspicion timeout after `confirmations` independent confirmations out of `k`
    /// expected (`remainingSuspicionTime` without the elapsed time): max − (max − min) ×
    /// log(c + 1) / log(k + 1), floored to the millisecond, never below min. With k = 0 the
    /// timer is the minimum from the start (memberlist's `newSuspicion`), and confirmations
    /// beyond k do not count (`Confirm` ignores them).
    public static func suspicionTimeout(confirmations c: Int, expected k: Int, minimum: Int64, maximum: Int64) -> Int64
    {
        guard k >= 1 else { return minimum }
        let c = min(c, k)
        guard c > 0 else { return maximum }
        let fraction = log(Double(c) + 1.0) / log(Double(k) + 1.0)
        let raw = seconds(maximum) - fraction * (seconds(maximum) - seconds(minimum))
        let timeout = Int64(floor(1000.0 * raw)) * 1_000_000
        return max(timeout, minimum)
    }

    /// Go's `Duration.Seconds()`: whole seconds plus the fraction, added as doubles.
    static func seconds(_ nanoseconds: Int64) -> Double {
        Double(nanoseconds / 1_000_000_000) + Double(nanoseconds % 1_000_000_000) / 1e9
    }
}
