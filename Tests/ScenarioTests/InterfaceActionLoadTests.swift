import Testing

@testable import Scenario

/// The timeline's `ifDown`/`ifUp` (`ip link set dev IF down|up`, SCENARIO-FORMAT.md "Timeline
/// actions"): what loads, and what is refused at its `file:line:column`.
@Suite("Timeline: ifDown and ifUp")
struct InterfaceActionLoadTests {
    static func lab(_ timeline: String) throws -> Lab {
        var lab = try Lab()
        try lab.change("expect:\n", "timeline:\n" + timeline + "expect:\n")
        return lab
    }

    @Test("ifDown and ifUp load with a node and, optionally, one of its interfaces")
    func theyLoad() throws {
        let scenario = try Self.lab(
            "  - at: 2s\n    ifDown: {node: worker-1, interface: ens192}\n  - at: 3s\n    ifUp: {node: worker-1}\n"
        ).load()
        let actions = scenario.timeline.map { "\($0.action)" }
        #expect(
            actions == [
                "\(TimelineAction.ifDown(node: "worker-1", interface: "ens192"))",
                "\(TimelineAction.ifUp(node: "worker-1", interface: nil))",
            ])
    }

    struct BadCase: Sendable, CustomTestStringConvertible {
        var timeline: String
        var at: String
        var fragments: [String]
        var testDescription: String { fragments.joined(separator: " / ") }
    }

    static let badCases: [BadCase] = [
        BadCase(
            timeline: "  - at: 1s\n    ifUp: {node: worker-1, interface: ens224}\n", at: "ens224",
            fragments: ["ifUp: node \"worker-1\" has no interface \"ens224\" (it has ens192)"]),
        BadCase(
            timeline: "  - at: 1s\n    ifDown: {node: worker-9}\n", at: "worker-9",
            fragments: ["ifDown: no node named \"worker-9\""]),
        BadCase(
            timeline: "  - at: 1s\n    ifDown: {node: worker-1, iface: ens192}\n", at: "iface",
            fragments: ["iface", "interface"]),
    ]

    @Test("a bad ifDown or ifUp is refused at its location", arguments: badCases)
    func badInput(_ bad: BadCase) throws {
        let lab = try Self.lab(bad.timeline)
        let error = lab.error()
        let start = try #require(lab.scenario.range(of: "timeline:\n")).upperBound
        let inTail = try position(of: bad.at, in: String(lab.scenario[start...]))
        let linesBefore = lab.scenario[..<start].filter { $0 == "\n" }.count
        expectLocation(error, file: Lab.scenarioPath, (inTail.line + linesBefore, inTail.column))
        for fragment in bad.fragments {
            #expect(
                error?.message.contains(fragment) == true, "expected \"\(fragment)\" in: \(String(describing: error))")
        }
    }
}
