import Foundation
import TestSupport
import Testing

/// docs/ARCHITECTURE.md draws the module graph (each module's `-> dependencies`); Package.swift
/// is the graph. This test holds the page to the package, so the picture cannot drift.
@Suite("docs/ARCHITECTURE.md's module graph matches Package.swift")
struct ArchitectureDocTests {
    /// Each source target's dependencies in Package.swift: target names, and products by their
    /// product name.
    static func packageGraph() throws -> [String: Set<String>] {
        let text = try String(contentsOf: Repository.root.appendingPathComponent("Package.swift"), encoding: .utf8)
        let target = try Regex(
            #"\.(?:target|executableTarget)\(\s*name:\s*"([A-Za-z0-9-]+)"(?:\)|,\s*dependencies:\s*\[([^\]]*)\])"#)
        let quoted = try Regex(#"(?:\.product\(name:\s*)?"([A-Za-z0-9-]+)""#)
        var graph: [String: Set<String>] = [:]
        for match in text.matches(of: target) {
            let name = String(match.output[1].substring!)
            // A target without a dependency list depends on nothing.
            let list = match.output[2].substring.map(String.init) ?? ""
            // `.product(name: "X", package: "Y")`: X is the dependency, Y is not.
            let withoutPackages = list.replacing(try Regex(#"package:\s*"[^"]*""#), with: "")
            graph[name] = Set(withoutPackages.matches(of: quoted).map { String($0.output[1].substring!) })
        }
        return graph
    }

    /// Each module entry of the page's layout (`  Name/  text ... -> A, B, C.`) with the
    /// modules after its arrow; an entry without an arrow depends on nothing.
    static func documentedGraph() throws -> [String: Set<String>] {
        let text = try String(
            contentsOf: Repository.root.appendingPathComponent("docs/ARCHITECTURE.md"), encoding: .utf8)
        let layout = text.components(separatedBy: "```")[1]
        var graph: [String: Set<String>] = [:]
        var current: String?
        var body = ""
        func finish() {
            guard let current else { return }
            guard let arrow = body.range(of: "-> ") else {
                graph[current] = []
                return
            }
            let list = body[arrow.upperBound...].split(separator: ".", maxSplits: 1).first ?? ""
            graph[current] = Set(
                list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                    .filter { !$0.isEmpty })
        }
        for line in layout.split(separator: "\n", omittingEmptySubsequences: false) {
            if let match = line.wholeMatch(of: try Regex(#"  ([A-Za-z0-9-]+)/\s.*"#)) {
                finish()
                current = String(match.output[1].substring!)
                body = String(line)
            } else if line.hasPrefix("   ") {
                body += " " + line.trimmingCharacters(in: .whitespaces)
            } else {
                finish()
                current = nil
                body = ""
            }
        }
        finish()
        return graph
    }

    @Test func everySourceModuleIsDrawnWithItsDependencies() throws {
        let package = try Self.packageGraph()
        let documented = try Self.documentedGraph()
        let sourceModules = package.keys.filter { name in
            FileManager.default.fileExists(atPath: Repository.root.appendingPathComponent("Sources/\(name)").path)
        }
        #expect(sourceModules.count >= 12, "Package.swift parsed: \(package.keys.sorted())")
        for module in sourceModules.sorted() {
            #expect(
                documented[module] == package[module],
                "\(module): the page says -> \(documented[module]?.sorted() ?? []), Package.swift says \(package[module]!.sorted())"
            )
        }
    }
}
