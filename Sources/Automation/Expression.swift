import YAML

/// `${{ params.NAME }}` references inside a scalar.
enum Expression {
    /// A part and the byte offset where it starts in the scalar.
    struct Located {
        var part: Template.Part
        var byteOffset: Int
    }

    struct Problem: Error {
        var message: String
        var offset: Int
    }

    /// Splits text into literal and reference parts; nil when there is no `${{`.
    /// Scans UTF-8 bytes: every delimiter is ASCII, so byte offsets never split a character.
    static func parts(of text: String) -> Result<[Located], Problem>? {
        let bytes = Array(text.utf8)
        guard let first = find(open, in: bytes, from: 0) else { return nil }
        var parts: [Located] = []
        var cursor = 0
        var start: Int? = first
        while let openAt = start {
            if openAt > cursor {
                parts.append(Located(part: .text(string(bytes[cursor..<openAt])), byteOffset: cursor))
            }
            guard let closeAt = find(close, in: bytes, from: openAt + open.count) else {
                return .failure(Problem(message: "unterminated '${{': add '}}'", offset: characterOffset(text, openAt)))
            }
            var innerStart = openAt + open.count
            var innerEnd = closeAt
            while innerStart < innerEnd && bytes[innerStart] == space { innerStart += 1 }
            while innerEnd > innerStart && bytes[innerEnd - 1] == space { innerEnd -= 1 }
            let inner = bytes[innerStart..<innerEnd]
            guard inner.starts(with: prefix), isIdentifier(inner.dropFirst(prefix.count)) else {
                return .failure(
                    Problem(
                        message: "unknown expression \(Quoted.clip(string(inner))); the form is ${{ params.NAME }}",
                        offset: characterOffset(text, openAt)))
            }
            parts.append(Located(part: .reference(string(inner.dropFirst(prefix.count))), byteOffset: openAt))
            cursor = closeAt + close.count
            start = find(open, in: bytes, from: cursor)
        }
        if cursor < bytes.count { parts.append(Located(part: .text(string(bytes[cursor...])), byteOffset: cursor)) }
        return .success(parts)
    }

    private static let open = Array("${{".utf8)
    private static let close = Array("}}".utf8)
    private static let prefix = Array("params.".utf8)
    private static let space = UInt8(ascii: " ")

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= needle.count, start <= bytes.count - needle.count else { return nil }
        var index = start
        while index <= bytes.count - needle.count {
            if bytes[index] == needle[0] && bytes[index..<(index + needle.count)].elementsEqual(needle) {
                return index
            }
            index += 1
        }
        return nil
    }

    private static func string(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// Characters before a byte offset (for columns, which count characters).
    static func characterOffset(_ text: String, _ byteOffset: Int) -> Int {
        let index = text.utf8.index(text.utf8.startIndex, offsetBy: byteOffset)
        return text.distance(from: text.startIndex, to: index)
    }

    /// Where in the file a character offset of a scalar lies, when the scalar is on one line.
    static func mark(of node: Node, offset: Int) -> Mark {
        guard case .scalar(let text, let style) = node.kind, !text.contains("\n") else { return node.mark }
        switch style {
        case .plain: return Mark(line: node.mark.line, column: node.mark.column + offset)
        case .singleQuoted, .doubleQuoted: return Mark(line: node.mark.line, column: node.mark.column + 1 + offset)
        case .literal, .folded: return node.mark
        }
    }

    /// Identifiers are ASCII: a letter or '_', then letters, digits, '_' or '-'.
    static func isIdentifier<S: StringProtocol>(_ text: S) -> Bool {
        isIdentifier(text.utf8)
    }

    static func isIdentifier<C: Collection<UInt8>>(_ bytes: C) -> Bool {
        guard let first = bytes.first, isLetter(first) || first == UInt8(ascii: "_") else { return false }
        return bytes.allSatisfy { isLetter($0) || isDigit($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
