/// A failure of the test machinery itself (a tool missing, a file unreadable, a process that
/// hung), with a message that says what to do about it. Thrown rather than recorded, so the
/// helpers do not depend on a test framework and the test fails at the line that called them.
public struct HarnessError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
