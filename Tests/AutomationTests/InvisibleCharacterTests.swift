import Testing

@testable import Automation

/// Findings after issue 8 (F3): invisible format characters, line and paragraph separators and
/// undecodable bytes were accepted in names and printed raw.
@Suite struct InvisibleCharacterTests {
    /// Format (Cf), line separator (Zl), paragraph separator (Zp), and the tag block.
    static let invisible: [UInt32] = [
        0x200B, 0x200F, 0x061C, 0x2028, 0x2029, 0xFEFF, 0xFFF9, 0xFFFA, 0xFFFB, 0x180E, 0x00AD, 0xE0000,
        0xE0001, 0xE0041, 0xE007F,
    ]

    static func text(_ value: UInt32) -> String { String(Unicode.Scalar(value).map(Character.init) ?? "?") }

    @Test(arguments: invisible)
    func aNameWithAnInvisibleCharacterIsRefused(_ value: UInt32) throws {
        let character = Self.text(value)
        let hex = String(value, radix: 16, uppercase: true)
        let problem = try #require(ResourceName.problem("web\(character)01", kind: "machine"))
        #expect(
            problem
                == "machine name 'web\\u{\(hex)}01' contains the invisible format character \\u{\(hex)}; "
                + "names are printable text")
    }

    @Test(arguments: invisible)
    func terminalTextEscapesInvisibleCharacters(_ value: UInt32) {
        let hex = String(value, radix: 16, uppercase: true)
        #expect(TerminalText.escaped("a\(Self.text(value))b") == "a\\u{\(hex)}b")
        #expect(TerminalText.escaped("a\(Self.text(value))b", keepingLineBreaks: true) == "a\\u{\(hex)}b")
    }

    @Test func controlsStillSayControlCharacter() {
        #expect(
            ResourceName.problem("a\u{1B}b", kind: "schedule")
                == "schedule name 'a\\u{1B}b' contains the control character \\u{1B}; names are printable text")
    }

    /// `$'a\xff'` on a command line arrives as `a` and U+FFFD.
    @Test func aNameThatWasNotUTF8IsRefused() {
        let decoded = String(decoding: [UInt8(ascii: "a"), 0xFF], as: UTF8.self)
        #expect(decoded == "a\u{FFFD}")
        #expect(
            ResourceName.problem(decoded, kind: "machine")
                == "machine name 'a\u{FFFD}' is not valid UTF-8 text "
                + "(it holds U+FFFD, the replacement for bytes that are not UTF-8)")
    }

    @Test(arguments: ["contoso-web01", "café", "東京-01", "web 01", "Ünïcødé"])
    func printableNamesAreAccepted(_ name: String) {
        #expect(ResourceName.problem(name, kind: "machine") == nil)
        #expect(TerminalText.escaped(name) == name)
    }
}
