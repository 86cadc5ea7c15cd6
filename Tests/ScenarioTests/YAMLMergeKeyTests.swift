import Testing

@testable import Scenario

/// YAML anchors, aliases and merge keys, as kubectl's YAML reader takes them: published
/// manifests use `<<: *labels` to share label sets. The merged keys come after the written
/// ones, a written key wins over a merged one, and among merged mappings the earlier wins.
@Suite("YAML merge keys (<<) and aliases")
struct YAMLMergeKeyTests {
    static func keys(_ text: String, at path: [String]) throws -> [(String, String)] {
        var node = try #require(try YAMLNode.parse(text, file: "m.yaml"))
        for key in path {
            guard case .mapping(let pairs) = node.kind,
                let next = pairs.first(where: {
                    if case .scalar(key, _) = $0.key.kind { true } else { false }
                })
            else { throw HarnessFailure("no \(key)") }
            node = next.value
        }
        guard case .mapping(let pairs) = node.kind else { throw HarnessFailure("not a mapping") }
        return pairs.compactMap {
            guard case .scalar(let k, _) = $0.key.kind, case .scalar(let v, _) = $0.value.kind else { return nil }
            return (k, v)
        }
    }

    struct HarnessFailure: Error, CustomStringConvertible {
        var description: String
        init(_ text: String) { description = text }
    }

    @Test func mergedKeysFollowTheWrittenOnesWhichWin() throws {
        let text = """
            base: &labels {app: web, tier: back}
            pod:
              labels: {<<: *labels, tier: front}
            """
        let pairs = try Self.keys(text, at: ["pod", "labels"])
        #expect(pairs.map(\.0) == ["tier", "app"])
        #expect(pairs.first { $0.0 == "tier" }?.1 == "front")
        #expect(pairs.first { $0.0 == "app" }?.1 == "web")
    }

    @Test func aListOfMergesTakesTheEarlierOnFirst() throws {
        let text = """
            a: &a {role: a, only-a: "1"}
            b: &b {role: b, only-b: "2"}
            c:
              <<: [*a, *b]
            """
        let pairs = try Self.keys(text, at: ["c"])
        #expect(Dictionary(uniqueKeysWithValues: pairs) == ["role": "a", "only-a": "1", "only-b": "2"])
    }

    @Test func mergingAScalarIsRefusedWhereItIsWritten() throws {
        let text = """
            x: &s plain
            y:
              <<: *s
            """
        let error = #expect(throws: ScenarioError.self) { _ = try YAMLNode.parse(text, file: "m.yaml") }
        #expect(error?.description.contains("merge key (<<) takes a mapping") == true, "\(String(describing: error))")
    }
}
