/// Text made safe for XML 1.0, for the hand-written JUnit and SVG outputs.
///
/// Scenario names, messages and node names are user text and can hold anything YAML can: the
/// markup characters are replaced by entities, and characters XML 1.0 cannot carry at all
/// (control characters other than tab, newline and carriage return, U+FFFE, U+FFFF) by
/// U+FFFD, so that no input makes a file a CI system refuses to read.
public enum XMLText {
    /// For an attribute value in double quotes. Tab, newline and carriage return are written
    /// as character references: a parser would otherwise turn them into spaces (and a
    /// carriage return in character data into a newline).
    public static func attribute(_ text: String) -> String {
        escape(text, inAttribute: true)
    }

    /// For character data between tags.
    public static func content(_ text: String) -> String {
        escape(text, inAttribute: false)
    }

    private static func escape(_ text: String, inAttribute: Bool) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"" where inAttribute: result += "&quot;"
            case "'" where inAttribute: result += "&apos;"
            case "\r": result += "&#13;"
            case "\t", "\n":
                if inAttribute {
                    result += "&#\(scalar.value);"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    result += "\u{FFFD}"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }
}
