/// When a speaker sends its gratuitous ARP rounds after it starts announcing an address.
///
/// Both versions send one round at once, then one per tick of a 1.1 s ticker (1.1 s clears
/// Linux's 1 s ARP locktime, MetalLB issue #172) for as long as the address's window lasts:
/// 5 s from the last `SetBalancer`. They differ in the ticker's phase:
/// - v0.9.4 starts the ticker when the speaker starts and lets it run freely, so the ticks after
///   the first round fall anywhere in the next 1.1 s: 5 or 6 rounds in all.
/// - current starts the ticker afresh when the first address enters an empty window map: rounds
///   at 0, 1.1, 2.2, 3.3 and 4.4 s, five in all.
///
/// They also differ in what a failed send does to a round (`endsRoundAtFirstFailure`).
public struct GratuitousSchedule: Sendable, Hashable {
    public enum Ticker: Sendable, Hashable {
        /// Ticks at `epoch + k * interval` forever (v0.9.4: the speaker's start time).
        case freeRunning(epoch: Int64)
        /// Restarts from the moment a window opens in an empty map (current).
        case resetWhenIdle
    }

    public var ticker: Ticker
    /// The ticker period: 1.1 s.
    public var interval: Int64
    /// How long after the last `SetBalancer` the rounds go on: 5 s.
    public var window: Int64
    /// A responder that fails to send ends the round for the responders after it: v0.9.4's
    /// `gratuitous` returns the first error (internal/layer2/announcer.go); current's logs
    /// each error and goes on.
    public var endsRoundAtFirstFailure: Bool

    public init(
        ticker: Ticker, interval: Int64 = 1_100_000_000, window: Int64 = 5_000_000_000,
        endsRoundAtFirstFailure: Bool = false
    ) {
        self.ticker = ticker
        self.interval = interval
        self.window = window
        self.endsRoundAtFirstFailure = endsRoundAtFirstFailure
    }

    /// v0.9.4's schedule for a speaker that started at `speakerStart`.
    // swift-format-ignore: AlwaysUseLowerCamelCase
    // (MetalLB's version name: the underscores stand for its dots.)
    public static func v0_9_4(speakerStart: Int64) -> GratuitousSchedule {
        GratuitousSchedule(ticker: .freeRunning(epoch: speakerStart), endsRoundAtFirstFailure: true)
    }

    /// current's schedule.
    public static let current = GratuitousSchedule(ticker: .resetWhenIdle)

    /// The first tick strictly after `now` of a free-running ticker.
    func nextFreeRunningTick(after now: Int64, epoch: Int64) -> Int64 {
        if now < epoch { return epoch }
        let elapsed = now - epoch
        return epoch + (elapsed / interval + 1) * interval
    }
}
