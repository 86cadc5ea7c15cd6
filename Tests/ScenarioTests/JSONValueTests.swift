import Foundation
import Testing

@testable import Scenario

@Suite("JSONValue serialisation")
struct JSONValueTests {
    /// Parses `text` with Foundation, wrapping it in an array so that any value is a document.
    static func parse(_ value: JSONValue) throws -> Any {
        let text = "[" + value.serialized() + "]"
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        return try #require((parsed as? [Any])?.first)
    }

    @Test("object keys keep the order they were written in")
    func keyOrder() throws {
        let value = JSONValue.object([
            ("zeta", .int(1)), ("alpha", .string("a")), ("mid", .null), ("beta", .bool(false)),
        ])
        #expect(
            value.serialized() == """
                {
                  "zeta": 1,
                  "alpha": "a",
                  "mid": null,
                  "beta": false
                }

                """)
        let keys = ["\"zeta\"", "\"alpha\"", "\"mid\"", "\"beta\""].compactMap {
            value.serialized().range(of: $0)?.lowerBound
        }
        #expect(keys.count == 4 && keys == keys.sorted())
        // Same pairs in another order are a different document.
        #expect(
            value
                != JSONValue.object([
                    ("alpha", .string("a")), ("zeta", .int(1)), ("mid", .null), ("beta", .bool(false)),
                ]))
    }

    @Test("nested values, empty containers and verbatim numbers")
    func nesting() throws {
        let value = JSONValue.object([
            ("t", .number("21.500000001")), ("seed", .int(UInt64.max)),
            ("list", .array([.int(-3), .object([]), .array([])])),
            ("ok", .bool(true)),
        ])
        #expect(
            value.serialized() == """
                {
                  "t": 21.500000001,
                  "seed": 18446744073709551615,
                  "list": [
                    -3,
                    {},
                    []
                  ],
                  "ok": true
                }

                """)
        let parsed = try #require(try Self.parse(value) as? [String: Any])
        #expect((parsed["list"] as? [Any])?.count == 3)
        #expect(parsed["ok"] as? Bool == true)
    }

    @Test(
        "strings escape quotes, backslashes and every control character",
        arguments: [
            "plain", "quote \" and backslash \\", "line\nbreak\r\n", "tab\there",
            "\u{00}\u{01}\u{07}\u{08}\u{0B}\u{0C}\u{1B}\u{1F}",
            "DEL \u{7F} and é, ✓, 🐳", "</script>", "",
        ])
    func escaping(text: String) throws {
        let serialized = JSONValue.string(text).serialized()
        #expect(serialized.hasSuffix("\n"))
        let body = serialized.dropLast()
        #expect(
            !body.unicodeScalars.contains { $0.value < 0x20 },
            "no raw control character may appear: \(body.debugDescription)")
        #expect(try Self.parse(.string(text)) as? String == text, "round trip through JSONSerialization: \(body)")
        #expect(
            try Self.parse(.object([(text, .string(text))])) as? [String: String] == [text: text],
            "keys are escaped too")
    }

    @Test("control characters use the JSON escapes")
    func controlEscapes() {
        #expect(JSONValue.string("\u{01}\u{1F}\n\t\r\"\\").serialized() == #""\u0001\u001f\n\t\r\"\\""# + "\n")
    }
}
