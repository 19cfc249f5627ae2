import Testing

@testable import AutomationStore

@Suite struct FieldsCodecTests {
    @Test(arguments: [
        [:],
        ["FileSystemPath": "/etc/hosts", "Size": "12"],
        ["Name": "with\nnewline and = and , and \"quotes\""],
        ["Odd": "unit\u{1F}separator", "Other": "record\u{1E}separator"],
        ["{starts": "with a brace"],
        ["Esc": "\u{1B}"],
    ])
    func roundTrips(_ fields: [String: String]) throws {
        #expect(try FieldsCodec.decode(try FieldsCodec.encode(fields)) == fields)
    }

    @Test func compactFormIsSortedAndPlain() throws {
        #expect(try FieldsCodec.encode(["b": "2", "a": "1"]) == "a\u{1F}1\u{1E}b\u{1F}2")
    }
}
