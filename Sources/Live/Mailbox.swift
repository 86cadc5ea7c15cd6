import Dispatch
import Foundation

/// A driver loop's inbox: other threads post, the loop thread waits until something came or
/// its next timer is due, then takes everything in arrival order.
final class Mailbox<Message>: @unchecked Sendable {
    private let lock = NSLock()
    private let signal = DispatchSemaphore(value: 0)
    private var messages: [Message] = []

    func post(_ message: Message) {
        lock.lock()
        messages.append(message)
        lock.unlock()
        signal.signal()
    }

    /// Waits until a message arrives or CLOCK_MONOTONIC reaches `deadline`, then takes
    /// everything queued.
    func wait(untilMonotonic deadline: Int64) -> [Message] {
        let remaining = deadline - WallClock.monotonicNanoseconds()
        if remaining > 0 {
            _ = signal.wait(timeout: .now() + .nanoseconds(Int(remaining)))
        }
        return drain()
    }

    func drain() -> [Message] {
        lock.lock()
        defer { lock.unlock() }
        let taken = messages
        messages = []
        return taken
    }
}

/// One value handed from one thread to another that waits for it, up to a deadline.
final class Handoff<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private let signal = DispatchSemaphore(value: 0)
    private var value: Value?

    func put(_ newValue: Value) {
        lock.lock()
        value = newValue
        lock.unlock()
        signal.signal()
    }

    /// The value, or nil if none came within `nanoseconds`.
    func take(waitingUpTo nanoseconds: Int64) -> Value? {
        guard signal.wait(timeout: .now() + .nanoseconds(Int(nanoseconds))) == .success else { return nil }
        lock.lock()
        defer { lock.unlock() }
        return value
    }
}

/// A flag one thread sets and others read.
final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var set = false

    var isSet: Bool {
        lock.lock()
        defer { lock.unlock() }
        return set
    }

    func raise() {
        lock.lock()
        set = true
        lock.unlock()
    }
}
