/// Where in a user's file something was written: what every error message starts with.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`, the form editors and CI annotations jump to.
    public var description: String { "\(file):\(line):\(column)" }
}

/// A scenario or manifest that cannot be loaded: where, and what was expected there.
/// `sim` prints it as `file:line:column: message` and exits with status 65.
public struct ScenarioError: Error, Sendable, Hashable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String

    public init(_ location: SourceLocation, _ message: String) {
        self.location = location
        self.message = message
    }

    public var description: String { "\(location): \(message)" }
}
