import Yams

/// A YAML value with the place it was written, so that every later complaint about it can
/// name file, line and column. Built once from Yams' tree; everything else in the Scenario
/// module reads these, never Yams directly.
public struct YAMLNode: Sendable {
    public enum Kind: Sendable {
        /// A scalar with its text, and whether it was quoted (a quoted `"1.0"` is a string).
        case scalar(String, quoted: Bool)
        case mapping([(key: YAMLNode, value: YAMLNode)])
        case sequence([YAMLNode])
    }

    public var kind: Kind
    public var location: SourceLocation
    /// A `|` or `>` block scalar: its text starts on the line after `location`, which lets an
    /// error inside embedded YAML (MetalLB's v0.9.4 config) point at the right line.
    public var isBlockScalar = false

    /// What a user would call this kind of value, for "expected X, found Y" messages.
    public var kindName: String {
        switch kind {
        case .scalar(let text, let quoted):
            if !quoted && (text.isEmpty || text == "~" || text == "null") { return "nothing (null)" }
            return "a scalar"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        }
    }

    public var isNull: Bool {
        if case .scalar(let text, let quoted) = kind {
            return !quoted && (text.isEmpty || text == "~" || text == "null")
        }
        return false
    }

    /// Parses one YAML document. YAML syntax errors become `ScenarioError`s at libyaml's mark.
    public static func parse(_ text: String, file: String) throws(ScenarioError) -> YAMLNode? {
        let documents = try parseAll(text, file: file)
        if documents.count > 1 {
            throw ScenarioError(documents[1].location, "expected a single YAML document, found \(documents.count)")
        }
        return documents.first
    }

    /// Parses every document of a multi-document stream (`---` separated), skipping empty ones.
    public static func parseAll(
        _ text: String, file: String, lineOffset: Int = 0,
        columnOffset: Int = 0
    ) throws(ScenarioError) -> [YAMLNode] {
        do {
            // Yams' document sequence stops at the first syntax error and keeps it aside:
            // iterate it by hand and raise that error, so a broken document is never taken
            // for the end of the file.
            var documents = try Yams.compose_all(yaml: text)
            var result: [YAMLNode] = []
            while let document = documents.next() {
                let node = try convert(document, file: file, lineOffset: lineOffset, columnOffset: columnOffset)
                if !node.isNull { result.append(node) }
            }
            if let error = documents.error { throw error }
            return result
        } catch let error as ScenarioError {
            throw error
        } catch let error as YamlError {
            throw translate(error, file: file, lineOffset: lineOffset, columnOffset: columnOffset)
        } catch {
            throw ScenarioError(
                SourceLocation(file: file, line: 1 + lineOffset, column: 1 + columnOffset),
                "could not read YAML: \(error)")
        }
    }

    /// What a merge key's value brings in: one mapping's pairs, or those of each mapping in a
    /// list, earlier mappings first (YAML's merge key type: earlier sources win).
    private static func mergeSources(_ source: YAMLNode) throws(ScenarioError) -> [(key: YAMLNode, value: YAMLNode)] {
        switch source.kind {
        case .mapping(let pairs):
            return pairs
        case .sequence(let items):
            var pairs: [(key: YAMLNode, value: YAMLNode)] = []
            for item in items {
                guard case .mapping(let more) = item.kind else {
                    throw ScenarioError(item.location, "a merge key (<<) takes mappings, found \(item.kindName)")
                }
                pairs += more
            }
            return pairs
        default:
            throw ScenarioError(
                source.location, "a merge key (<<) takes a mapping or a list of them, found \(source.kindName)")
        }
    }

    private static func convert(
        _ node: Yams.Node, file: String, lineOffset: Int,
        columnOffset: Int
    ) throws(ScenarioError) -> YAMLNode {
        let mark = node.mark
        let location = SourceLocation(
            file: file, line: (mark?.line ?? 1) + lineOffset,
            column: (mark?.column ?? 1) + columnOffset)
        switch node {
        case .scalar(let scalar):
            let quoted =
                scalar.style == .singleQuoted || scalar.style == .doubleQuoted
                || scalar.style == .literal || scalar.style == .folded
            var result = YAMLNode(kind: .scalar(scalar.string, quoted: quoted), location: location)
            result.isBlockScalar = scalar.style == .literal || scalar.style == .folded
            return result
        case .mapping(let mapping):
            var pairs: [(key: YAMLNode, value: YAMLNode)] = []
            var seen: [String: SourceLocation] = [:]
            var merged: [(key: YAMLNode, value: YAMLNode)] = []
            for (key, value) in mapping {
                let k = try convert(key, file: file, lineOffset: lineOffset, columnOffset: columnOffset)
                // A merge key (`<<: *anchor`, or a list of them), which kubectl's YAML reader
                // accepts: the merged mappings' keys come after the written ones, which win.
                if case .scalar("<<", false) = k.kind {
                    let source = try convert(value, file: file, lineOffset: lineOffset, columnOffset: columnOffset)
                    merged += try mergeSources(source)
                    continue
                }
                if case .scalar(let text, _) = k.kind {
                    if let first = seen[text] {
                        throw ScenarioError(
                            k.location, "duplicate key \"\(text)\" (first at \(first.line):\(first.column))")
                    }
                    seen[text] = k.location
                }
                pairs.append((k, try convert(value, file: file, lineOffset: lineOffset, columnOffset: columnOffset)))
            }
            for pair in merged {
                guard case .scalar(let text, _) = pair.key.kind, seen[text] == nil else { continue }
                seen[text] = pair.key.location
                pairs.append(pair)
            }
            return YAMLNode(kind: .mapping(pairs), location: location)
        case .sequence(let sequence):
            var items: [YAMLNode] = []
            for item in sequence {
                items.append(try convert(item, file: file, lineOffset: lineOffset, columnOffset: columnOffset))
            }
            return YAMLNode(kind: .sequence(items), location: location)
        case .alias(let alias):
            throw ScenarioError(location, "YAML aliases are not supported here (*\(alias.anchor))")
        }
    }

    private static func translate(_ error: YamlError, file: String, lineOffset: Int, columnOffset: Int) -> ScenarioError
    {
        func at(_ mark: Mark) -> SourceLocation {
            SourceLocation(file: file, line: mark.line + lineOffset, column: mark.column + columnOffset)
        }
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = context.map { "\($0.text): " } ?? ""
            return ScenarioError(at(mark), "invalid YAML: \(detail)\(problem)")
        case .reader(let problem, let offset, _, _):
            return ScenarioError(
                SourceLocation(file: file, line: 1 + lineOffset, column: 1 + columnOffset),
                "invalid YAML input: \(problem)\(offset.map { " at byte \($0)" } ?? "")")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ScenarioError(at(context.mark), "duplicate keys \(duplicates.joined(separator: ", "))")
        default:
            return ScenarioError(
                SourceLocation(file: file, line: 1 + lineOffset, column: 1 + columnOffset),
                "invalid YAML: \(error)")
        }
    }
}
