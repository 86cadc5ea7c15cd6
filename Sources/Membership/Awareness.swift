/// Lifeguard's local health score (memberlist's `awareness`, awareness.go).
///
/// A node that misses acks it should have had, or must refute suspicions of itself, is
/// probably the slow one; it raises its score and stretches its own probe interval
/// (× (score + 1)) instead of quickly accusing others. Successful probes lower it again.
public struct Awareness: Sendable, Hashable {
    /// The score stays in 0 ..< maximum.
    public let maximum: Int
    public private(set) var score = 0

    public init(maximum: Int) {
        self.maximum = maximum
    }

    /// Adds `delta`, clamped to 0...(maximum − 1).
    public mutating func apply(_ delta: Int) {
        score = min(max(score + delta, 0), maximum - 1)
    }

    /// `timeout` × (score + 1).
    public func scale(_ timeout: Int64) -> Int64 {
        timeout * Int64(score + 1)
    }
}
