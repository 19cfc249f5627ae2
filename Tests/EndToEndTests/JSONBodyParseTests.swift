import Foundation
import Testing

@testable import AutomationServer

/// Request bodies are parsed in one linear pass with a depth limit (issue 20, C): a 20 KB body
/// nested 500 deep cost 56 s of CPU through Foundation's decoder.
@Suite struct JSONBodyParseTests {
    @Test func documentsParseAsBefore() throws {
        let body =
            #"{"b": [1, 1.0, 1e2, -3, 2.5, 12345678901234567890, true, false, null], "a": "x\"\\\/\n\u00e9\ud83d\ude00", "a": "last"}"#
        let value = try JSONValue.parse(bytes: Data(body.utf8))
        #expect(
            value.serialized()
                == #"{"a":"last","b":[1,1,100,-3,2.5,1.2345678901234567e+19,true,false,null]}"#)
        #expect(try JSONValue.parse(bytes: Data(#"{"k": "é😀"}"#.utf8))["k"]?.string == "é😀")
        #expect(try JSONValue.parse(bytes: Data(#"{"k":"x\u00e9\ud83d\ude00"}"#.utf8))["k"]?.string == "xé😀")
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\" 1}", "{'a': 1}", "[1 2]", "nul", "\"\u{01}\"", "\"\\ud800\"", "01x", "1.", "-",
        "[1]x", "\"\\q\"", "{\"a\":1,}",
    ])
    func malformedBodiesAreRefusedWithAPosition(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(bytes: Data(text.utf8)) }
    }

    @Test func nestingPastTheLimitIsRefusedNamingIt() throws {
        let deep = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        let body = "[" + Array(repeating: deep, count: 20).joined(separator: ",") + "]"
        #expect {
            try JSONValue.parse(bytes: Data(body.utf8))
        } throws: { error in
            "\(error)".contains("deeper than 64 levels")
        }
        let allowed = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(throws: Never.self) { try JSONValue.parse(bytes: Data(allowed.utf8)) }
        let objects = String(repeating: "{\"a\":", count: 65) + "1" + String(repeating: "}", count: 65)
        #expect(throws: JSONParseError.self) { try JSONValue.parse(bytes: Data(objects.utf8)) }
    }

    /// Four MiB of nesting (the body limit) is refused as soon as the limit is passed; four MiB
    /// of flat data parses in one pass.
    @Test func fourMebibytesOfAnyShapeParseOrFailInOnePass() throws {
        let nested = String(repeating: "[", count: 4 << 20)
        #expect(throws: JSONParseError.self) { try JSONValue.parse(bytes: Data(nested.utf8)) }
        let flat = "[" + Array(repeating: "\"abcdefgh\"", count: 380_000).joined(separator: ",") + "]"
        guard case .array(let items) = try JSONValue.parse(bytes: Data(flat.utf8)) else {
            Issue.record("not an array")
            return
        }
        #expect(items.count == 380_000)
    }
}
