import Foundation

/// The real `sim` executable, as built next to the running test bundle, for the tests that run
/// it as users do (end to end, and `sim live` in network namespaces).
///
/// SwiftPM puts every product of a build in one directory: `<scratch>/debug/sim` beside
/// `<scratch>/debug/lbsimPackageTests.xctest` (an executable on Linux, a bundle on macOS),
/// whether the scratch path is `.build` or one given with `--scratch-path`. So the tests look for
/// an executable named `sim` in the directory that contains the test bundle, and nowhere else:
/// a stale binary from another build folder would test the wrong code.
public enum SimExecutable {
    public static let located: Result<URL, HarnessError> = locate()

    public static func url() throws -> URL { try located.get() }

    private static func locate() -> Result<URL, HarnessError> {
        var directories: [URL] = []
        func add(_ url: URL?) {
            guard var url else { return }
            url = url.resolvingSymlinksInPath()
            // Inside a bundle (macOS: X.xctest/Contents/MacOS/X): the products directory is the
            // bundle's parent.
            var walk = url
            while walk.pathComponents.count > 1 {
                if walk.pathExtension == "xctest" {
                    url = walk.deletingLastPathComponent()
                    break
                }
                walk = walk.deletingLastPathComponent()
            }
            if !directories.contains(url) { directories.append(url) }
        }
        // The test bundle itself, where Foundation knows it.
        for bundle in [Bundle.main] + Bundle.allBundles where bundle.bundleURL.pathExtension == "xctest" {
            add(bundle.bundleURL.deletingLastPathComponent())
        }
        // Linux: the test bundle is the running executable.
        if let executable = Bundle.main.executableURL { add(executable.deletingLastPathComponent()) }
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            add(URL(fileURLWithPath: exe).deletingLastPathComponent())
        }
        // A runner given the bundle's path (swiftpm-testing-helper --test-bundle-path X.xctest).
        for argument in ProcessInfo.processInfo.arguments where argument.contains(".xctest") {
            add(URL(fileURLWithPath: argument))
        }
        for directory in directories {
            let candidate = directory.appendingPathComponent("sim")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory),
                !isDirectory.boolValue,
                FileManager.default.isExecutableFile(atPath: candidate.path)
            {
                return .success(candidate)
            }
        }
        return .failure(
            HarnessError(
                """
                no executable named `sim` next to the test bundle (looked in: \
                \(directories.map(\.path).joined(separator: ", "))). Build it with the tests: \
                swift build --build-tests [--scratch-path DIR], then swift test [--scratch-path DIR]
                """))
    }
}
