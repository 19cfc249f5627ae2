/// Text from files, machines and users shown to a person on a terminal: control characters are
/// made visible instead of being interpreted (an escape sequence in a file name must not recolour
/// the terminal or set its title; a newline in a name must not split a table row).
public enum TerminalText {
    /// C0 controls, DEL, C1 controls (U+0080-U+009F: some terminals take U+009B as CSI), and
    /// every character that is invisible or moves text around: format characters (category Cf:
    /// bidirectional marks and overrides, zero-width spaces and joiners, U+FEFF, the
    /// interlinear annotations U+FFF9-U+FFFB, the tag block U+E0000-U+E007F) and the line and
    /// paragraph separators U+2028 and U+2029 (categories Zl, Zp).
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x20...0x7E: return false  // printable ASCII, the common case, without a table lookup
        case 0xE0000...0xE007F: return true  // the whole tag block, unassigned ones included
        default:
            switch scalar.properties.generalCategory {
            case .format, .lineSeparator, .paragraphSeparator: return true
            default: return false
            }
        }
    }

    /// `name\u{1B}[31m` for a cell: every control character escaped, newlines and tabs included.
    public static func escaped(_ text: String) -> String {
        escaped(text, keepingLineBreaks: false)
    }

    /// Escapes control characters; with `keepingLineBreaks`, `\n` and `\t` stay as they are
    /// (multi-line messages), everything else is escaped.
    public static func escaped(_ text: String, keepingLineBreaks: Bool) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard isControl(scalar) else {
                result.append(scalar)
                continue
            }
            switch scalar {
            case "\n" where keepingLineBreaks, "\t" where keepingLineBreaks: result.append(scalar)
            case "\n": result.append(contentsOf: "\\n".unicodeScalars)
            case "\t": result.append(contentsOf: "\\t".unicodeScalars)
            case "\r": result.append(contentsOf: "\\r".unicodeScalars)
            default:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                result.append(contentsOf: "\\u{\(hex)}".unicodeScalars)
            }
        }
        return String(result)
    }
}
