import Speaker

/// The timers a live speaker armed (`SpeakerOutput.arm`), kept on CLOCK_MONOTONIC: the driver
/// sleeps until `next` and hands each due one back, earliest first, at the time it was armed
/// for (the speaker checks a wake-up against exactly that time).
struct ArmedTimers {
    private var armed: [(timer: SpeakerTimer, at: Int64)] = []

    mutating func arm(_ timer: SpeakerTimer, at time: Int64) { armed.append((timer, time)) }

    /// The earliest armed time, if any.
    var next: Int64? { armed.map(\.at).min() }

    /// Takes the earliest timer due at `now`, if any (the first armed among equals).
    mutating func popDue(now: Int64) -> (timer: SpeakerTimer, at: Int64)? {
        guard let index = armed.indices.filter({ armed[$0].at <= now }).min(by: { armed[$0].at < armed[$1].at })
        else { return nil }
        return armed.remove(at: index)
    }
}
