import Testing

@testable import YAML

@Suite struct YAMLParserTests {
    @Test func buildsATreeWithPositions() throws {
        let source = """
            name: demo
            steps:
              - name: one
                action: log
            """
        let root = try #require(try YAMLParser.parse(source))
        #expect(root.mark == Mark(line: 1, column: 1))
        #expect(root["name"]?.scalarText == "demo")
        let steps = try #require(root["steps"]?.sequence)
        #expect(steps.count == 1)
        #expect(steps[0].mark == Mark(line: 3, column: 5))
        #expect(steps[0]["action"]?.mark == Mark(line: 4, column: 13))
    }

    @Test func resolvesScalarsUnderTheCoreSchema() throws {
        let root = try #require(try YAMLParser.parse("a: 12\nb: true\nc: '12'\nd: yes\ne: ~\nf: 1.5\ng: !!str 7"))
        #expect(root["a"]?.resolvedScalar == .int(12))
        #expect(root["b"]?.resolvedScalar == .bool(true))
        #expect(root["c"]?.resolvedScalar == .string("12"))
        #expect(root["d"]?.resolvedScalar == .string("yes"))
        #expect(root["e"]?.resolvedScalar == .null)
        #expect(root["f"]?.resolvedScalar == .double(1.5))
        #expect(root["g"]?.resolvedScalar == .string("7"))
    }

    @Test func keepsStylesTagsAndAnchors() throws {
        let root = try #require(try YAMLParser.parse("a: &x \"q\"\nb: *x\nc: |\n  lit\n"))
        guard case .scalar(let text, let style) = root["a"]?.kind else {
            Issue.record("not a scalar")
            return
        }
        #expect(text == "q")
        #expect(style == .doubleQuoted)
        #expect(root["a"]?.anchor == "x")
        #expect(root["b"]?.scalarText == "q")
        #expect(root["c"]?.scalarText == "lit\n")
    }

    @Test func emptyStreamIsNil() throws {
        #expect(try YAMLParser.parse("") == nil)
        #expect(try YAMLParser.parse("# only a comment\n") == nil)
    }

    @Test func syntaxErrorCarriesLibyamlProblemAndPosition() {
        let error = #expect(throws: YAMLError.self) {
            try YAMLParser.parse("name: demo\nsteps: [a, b\n")
        }
        #expect(error?.mark == Mark(line: 3, column: 1))
        #expect(error?.message.contains("did not find expected ',' or ']'") == true)
    }

    @Test func badIndentationIsLocated() {
        let error = #expect(throws: YAMLError.self) {
            try YAMLParser.parse("a:\n  b: 1\n c: 2\n")
        }
        #expect(error?.mark == Mark(line: 3, column: 2))
        #expect(error?.message.contains("did not find expected key") == true)
    }

    @Test func invalidUTF8IsLocated() {
        var bytes = Array("name: ok\nbad: ".utf8)
        bytes += [0xFF, 0xFE]
        let error = #expect(throws: YAMLError.self) {
            try YAMLParser.parse(bytes)
        }
        #expect(error?.mark == Mark(line: 2, column: 6))
        #expect(error?.message.contains("invalid leading UTF-8 octet") == true)
    }

    @Test func duplicateKeysAreRefused() {
        let error = #expect(throws: YAMLError.self) {
            try YAMLParser.parse("name: a\nsteps: []\nname: b\n")
        }
        #expect(error?.mark == Mark(line: 3, column: 1))
        #expect(error?.message == "duplicate key 'name' (first defined at 1:1)")
    }

    @Test func secondDocumentIsRefused() {
        let error = #expect(throws: YAMLError.self) {
            try YAMLParser.parse("a: 1\n---\nb: 2\n")
        }
        #expect(error?.reason == .multipleDocuments)
        #expect(error?.mark == Mark(line: 2, column: 1))
    }

    @Test func severalDocumentsWhenAllowed() throws {
        var limits = ParseLimits.default
        limits.allowsMultipleDocuments = true
        let docs = try YAMLParser.parseDocuments(Array("a: 1\n---\nb: 2\n".utf8), limits: limits)
        #expect(docs.count == 2)
    }

    @Test func billionLaughsIsBoundedInTimeAndMemory() {
        var lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        for level in 1...9 {
            let refs = Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ")
            lines.append("a\(level): &a\(level) [\(refs)]")
        }
        let error = #expect(throws: YAMLError.self) {
            try YAMLParser.parse(lines.joined(separator: "\n"))
        }
        #expect(error?.reason == .aliasExpansion(limit: ParseLimits.default.maxExpandedNodes))
        #expect((error?.mark.line ?? 0) > 1)
    }

    /// A large document without a single alias is too large, not a billion-laughs document.
    @Test func tooManyNodesWithoutAliasesSaysSo() {
        let limit = ParseLimits.default.maxExpandedNodes
        let source = "[" + Array(repeating: "1", count: limit).joined(separator: ",") + "]"
        let error = #expect(throws: YAMLError.self) { try YAMLParser.parse(source) }
        #expect(error?.reason == .tooManyNodes(limit: limit))
        #expect(
            error?.message
                == "document has more than 100000 nodes (values, lists and mappings), the limit for one document")
        #expect(error?.mark == Mark(line: 1, column: 2 * limit))
    }

    @Test func tooMuchTextWithoutAliasesSaysSo() {
        var limits = ParseLimits.default
        limits.maxExpandedBytes = 10
        let error = #expect(throws: YAMLError.self) {
            try YAMLParser.parseDocuments(Array("a: 12345\nb: 67890\n".utf8), limits: limits)
        }
        #expect(error?.reason == .tooMuchText(limit: 10))
        #expect(error?.message == "document has more than 10 bytes of text in its values, the limit for one document")
        #expect(error?.mark == Mark(line: 2, column: 4))
        let aliased = #expect(throws: YAMLError.self) {
            try YAMLParser.parseDocuments(Array("a: &x 12345\nb: *x\n".utf8), limits: limits)
        }
        #expect(aliased?.reason == .aliasExpansionBytes(limit: 10))
    }

    @Test func deepNestingIsRefused() {
        let depth = 10_000
        let source = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let error = #expect(throws: YAMLError.self) {
            try YAMLParser.parse(source)
        }
        #expect(error?.reason == .tooDeep(limit: 64))
        #expect(error?.mark == Mark(line: 1, column: 65))
    }

    @Test func oversizedDocumentIsRefusedBeforeParsing() {
        let limits = ParseLimits(maxBytes: 16)
        let error = #expect(throws: YAMLError.self) {
            try YAMLParser.parse(Array("key: a value that is long".utf8), limits: limits)
        }
        #expect(error?.reason == .tooLarge(bytes: 25, limit: 16))
    }

    @Test func undefinedAliasIsLocated() {
        let error = #expect(throws: YAMLError.self) {
            try YAMLParser.parse("a: *nope\n")
        }
        #expect(error?.mark == Mark(line: 1, column: 4))
    }
}
