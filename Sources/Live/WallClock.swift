#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The wall clock a live run hands to the sans-IO code: the only place Live reads time.
///
/// Layer2 takes `now` as nanoseconds since an epoch of the driver's choosing; Live uses
/// CLOCK_MONOTONIC, which never jumps when the system time is set, so the 1.1 s gratuitous
/// ticker keeps its spacing. Frames in the pcap carry CLOCK_REALTIME, the clock the kernel
/// stamps captured frames with, so sent and received frames sort together in the file.
public enum WallClock {
    /// CLOCK_MONOTONIC in nanoseconds: Layer2's `now`.
    public static func monotonicNanoseconds() -> Int64 { read(CLOCK_MONOTONIC) }

    /// CLOCK_REALTIME in nanoseconds since the Unix epoch: pcap time stamps.
    public static func realtimeNanoseconds() -> Int64 { read(CLOCK_REALTIME) }

    private static func read(_ clock: clockid_t) -> Int64 {
        var now = timespec()
        clock_gettime(clock, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }
}
