/// The shape the common JUnit XML schemas (Ant's, Jenkins' junit-10.xsd) give a report, as
/// CI systems rely on it: which element may hold which, the attributes each must carry, that
/// numbers are numbers, and that the counts agree with the test cases actually listed.
/// Returns every problem found (none: the report has that shape).
public enum JUnitShape {
    public static func problems(_ root: XMLTree) -> [String] {
        var problems: [String] = []
        func require(_ element: XMLTree, _ attributes: [String], where path: String) {
            for attribute in attributes where element[attribute] == nil {
                problems.append("\(path): <\(element.name)> lacks the required attribute \(attribute)")
            }
        }
        func integer(_ element: XMLTree, _ attribute: String, where path: String) -> Int? {
            guard let text = element[attribute] else { return nil }
            guard let value = Int(text), value >= 0 else {
                problems.append("\(path): \(attribute)=\"\(text)\" is not a non-negative integer")
                return nil
            }
            return value
        }
        func decimal(_ element: XMLTree, _ attribute: String, where path: String) {
            guard let text = element[attribute] else { return }
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            if !(1...2).contains(parts.count)
                || parts.contains(where: { $0.isEmpty || !$0.allSatisfy(\.isASCII) || !$0.allSatisfy(\.isNumber) })
            {
                problems.append("\(path): \(attribute)=\"\(text)\" is not an xs:decimal of seconds")
            }
        }
        func allowOnly(_ element: XMLTree, _ names: Set<String>, where path: String) {
            for child in element.children where !names.contains(child.name) {
                problems.append("\(path): <\(element.name)> may not hold <\(child.name)>")
            }
        }

        guard root.name == "testsuites" else { return ["the root element is <\(root.name)>, not <testsuites>"] }
        allowOnly(root, ["testsuite"], where: "testsuites")
        decimal(root, "time", where: "testsuites")
        var totalTests = 0
        var totalFailures = 0
        var totalErrors = 0
        for (index, suite) in root.children("testsuite").enumerated() {
            let path = "testsuite[\(index)]"
            require(suite, ["name", "tests", "failures", "errors", "time"], where: path)
            allowOnly(suite, ["properties", "testcase", "system-out", "system-err"], where: path)
            decimal(suite, "time", where: path)
            if suite.children("properties").count > 1 { problems.append("\(path): more than one <properties>") }
            if let first = suite.children.first, suite.children("properties").count == 1, first.name != "properties" {
                problems.append("\(path): <properties> must come before the test cases")
            }
            for property in suite.children("properties").flatMap({ $0.children }) {
                if property.name != "property" {
                    problems.append("\(path): <properties> may not hold <\(property.name)>")
                }
                require(property, ["name", "value"], where: "\(path)/properties")
            }
            let cases = suite.children("testcase")
            for (caseIndex, testcase) in cases.enumerated() {
                let casePath = "\(path)/testcase[\(caseIndex)]"
                require(testcase, ["name", "classname", "time"], where: casePath)
                decimal(testcase, "time", where: casePath)
                allowOnly(testcase, ["skipped", "error", "failure", "system-out", "system-err"], where: casePath)
                for failure in testcase.children("failure") + testcase.children("error") {
                    require(failure, ["message"], where: casePath)
                }
            }
            let failures = cases.filter { !$0.children("failure").isEmpty }.count
            let errors = cases.filter { !$0.children("error").isEmpty }.count
            if let tests = integer(suite, "tests", where: path), tests != cases.count {
                problems.append("\(path): tests=\"\(tests)\" but \(cases.count) test cases")
            }
            if let declared = integer(suite, "failures", where: path), declared != failures {
                problems.append("\(path): failures=\"\(declared)\" but \(failures) test cases fail")
            }
            if let declared = integer(suite, "errors", where: path), declared != errors {
                problems.append("\(path): errors=\"\(declared)\" but \(errors) test cases have errors")
            }
            totalTests += cases.count
            totalFailures += failures
            totalErrors += errors
        }
        for (attribute, total) in [("tests", totalTests), ("failures", totalFailures), ("errors", totalErrors)] {
            if let declared = integer(root, attribute, where: "testsuites"), declared != total {
                problems.append("testsuites: \(attribute)=\"\(declared)\" but the suites add up to \(total)")
            }
        }
        return problems
    }
}
