import Foundation
import Wire

/// Follows an announce file: reads it when asked and reports a new set only when the content
/// changed. Polled by the driver (cheap: a small file read every 100 ms), which works on every
/// file system and with editors and `mv` replacing the file.
struct AnnounceFileFollower {
    let path: String
    private var lastText: String?

    init(path: String) { self.path = path }

    enum Outcome {
        case unchanged
        case changed([IPAddress])
        case rejected(String)
    }

    /// Reads the file. The first call always reports its set.
    mutating func poll() -> Outcome {
        guard let data = FileManager.default.contents(atPath: path) else {
            if lastText == nil { return .rejected("cannot read announce file \(path)") }
            return .unchanged  // briefly missing while being replaced: keep the set
        }
        let text = String(decoding: data, as: UTF8.self)
        guard text != lastText else { return .unchanged }
        lastText = text
        do {
            return .changed(try AnnounceAddress.parseSet(text, source: path))
        } catch {
            return .rejected("\(error.description); keeping the previous announce set")
        }
    }
}

/// Reads standard input on its own thread, line by line: `IP` or `+IP` adds, `-IP` removes.
/// Each line that changes the set hands the whole new set to `update`.
enum StandardInputFollower {
    static func start(update: @escaping @Sendable (Result<[IPAddress], AnnounceAddressError>) -> Void) {
        let thread = Thread {
            var set = Set<IPAddress>()
            var lineNumber = 0
            while let line = readLine() {
                lineNumber += 1
                var text = Substring(
                    line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
                text = Substring(text.trimmed(of: " \t\r"))
                if text.isEmpty { continue }
                var remove = false
                if text.first == "-" {
                    remove = true
                    text = text.dropFirst()
                } else if text.first == "+" {
                    text = text.dropFirst()
                }
                do throws(AnnounceAddressError) {
                    let address = try AnnounceAddress.parse(text, location: "stdin:\(lineNumber)")
                    if remove { set.remove(address) } else { set.insert(address) }
                    update(.success(set.sorted()))
                } catch {
                    update(.failure(error))
                }
            }
        }
        thread.name = "lbsim announce stdin"
        thread.start()
    }
}
