/// Splits a query into tokens; every error is located.
struct Lexer {
    /// Hyphenated words that are one operator name (unsupported ones are then named in the error).
    static let hyphenatedWords: Set<String> = [
        "project-away", "project-rename", "project-keep", "project-reorder", "mv-expand", "mv-apply",
        "make-series", "parse-where", "parse-kv", "top-nested", "top-hitters", "sort-by",
    ]

    /// Timespan units and their length in seconds.
    static let timespanUnits: [String: Double] = [
        "d": 86_400, "day": 86_400, "days": 86_400,
        "h": 3_600, "hr": 3_600, "hrs": 3_600, "hour": 3_600, "hours": 3_600,
        "m": 60, "min": 60, "minute": 60, "minutes": 60,
        "s": 1, "sec": 1, "second": 1, "seconds": 1,
        "ms": 0.001, "milli": 0.001, "millis": 0.001, "millisecond": 0.001, "milliseconds": 0.001,
        "microsecond": 0.000_001, "microseconds": 0.000_001, "tick": 0.000_000_1, "ticks": 0.000_000_1,
    ]

    let bytes: [UInt8]
    let source: SourceText
    var index = 0

    init(_ text: String) {
        bytes = Array(text.utf8)
        source = SourceText(bytes: bytes)
    }

    static func tokens(of text: String) throws(KQLDiagnostic) -> (tokens: [Token], source: SourceText) {
        var lexer = Lexer(text)
        var tokens: [Token] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { break }
        }
        return (tokens, lexer.source)
    }

    private func error(_ message: String, _ offset: Int, _ length: Int = 1) -> KQLDiagnostic {
        source.diagnostic(message, at: SourceRange(offset: offset, length: length), kind: .syntax)
    }

    private func peek(_ ahead: Int = 0) -> UInt8 {
        index + ahead < bytes.count ? bytes[index + ahead] : 0
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    private static func isWordByte(_ byte: UInt8) -> Bool { isLetter(byte) || isDigit(byte) }

    private func text(_ start: Int, _ end: Int) -> String {
        String(decoding: bytes[start..<end], as: UTF8.self)
    }

    private mutating func skipSpaceAndComments() {
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                index += 1
            } else if byte == 0x2F, peek(1) == 0x2F {
                while index < bytes.count, bytes[index] != 0x0A { index += 1 }
            } else {
                return
            }
        }
    }

    mutating func next() throws(KQLDiagnostic) -> Token {
        skipSpaceAndComments()
        let start = index
        guard index < bytes.count else {
            return Token(kind: .end, text: "", range: SourceRange(offset: start, length: 0))
        }
        let byte = bytes[index]
        if byte == 0x40, peek(1) == 0x22 || peek(1) == 0x27 {  // @"..." verbatim
            index += 1
            return try verbatimString(start: start)
        }
        if byte == 0x22 || byte == 0x27 { return try string(start: start) }
        if Self.isDigit(byte) { return try number(start: start) }
        if Self.isLetter(byte) || (byte == 0x24 && Self.isLetter(peek(1))) { return try word(start: start) }
        if byte == 0x21, Self.isLetter(peek(1)) {  // !has, !in, !contains ...
            index += 1
            while index < bytes.count, Self.isWordByte(bytes[index]) { index += 1 }
            if peek() == 0x7E { index += 1 }  // !in~
            return Token(
                kind: .bangWord, text: text(start, index), range: SourceRange(offset: start, length: index - start))
        }
        if byte == 0x5B, peek(1) == 0x22 || peek(1) == 0x27 {  // ['name']
            index += 1
            let name = try string(start: index)
            skipSpaceAndComments()
            guard peek() == 0x5D else { throw error("expected ']' after a bracketed name", index) }
            index += 1
            return Token(
                kind: .quotedIdentifier, text: name.text, range: SourceRange(offset: start, length: index - start))
        }
        for symbol in ["==", "!=", "<=", ">=", "=~", "!~", "..", "<>"] where matches(symbol) {
            index += 2
            return Token(kind: .symbol, text: symbol, range: SourceRange(offset: start, length: 2))
        }
        let singles: Set<UInt8> = Set("|(),;=<>+-*/%.[]{}:".utf8)
        if singles.contains(byte) {
            index += 1
            return Token(kind: .symbol, text: text(start, index), range: SourceRange(offset: start, length: 1))
        }
        let scalar = String(decoding: bytes[start..<min(bytes.count, start + 4)], as: UTF8.self).first.map(String.init)
        throw error("unexpected character '\(scalar ?? "?")'", start)
    }

    private func matches(_ symbol: String) -> Bool {
        var offset = 0
        for byte in symbol.utf8 {
            guard peek(offset) == byte else { return false }
            offset += 1
        }
        return true
    }

    private mutating func word(start: Int) throws(KQLDiagnostic) -> Token {
        index += 1
        while index < bytes.count, Self.isWordByte(bytes[index]) { index += 1 }
        var word = text(start, index)
        // project-away and friends: one word.
        if peek() == 0x2D, Self.isLetter(peek(1)) {
            var end = index + 1
            while end < bytes.count, Self.isWordByte(bytes[end]) || bytes[end] == 0x2D { end += 1 }
            let joined = text(start, end)
            if Self.hyphenatedWords.contains(joined) {
                index = end
                word = joined
            }
        }
        if word == "in", peek() == 0x7E {  // in~
            index += 1
            word = "in~"
        }
        if word == "datetime" || word == "timespan" {
            let save = index
            skipSpaceAndComments()
            if peek() == 0x28 {
                index += 1
                let contentStart = index
                while index < bytes.count, bytes[index] != 0x29, bytes[index] != 0x0A { index += 1 }
                guard peek() == 0x29 else { throw error("expected ')' to close \(word)(", contentStart - 1) }
                var content = text(contentStart, index).trimmingSpaces()
                if content.count >= 2, let first = content.first, first == "\"" || first == "'", content.last == first {
                    content = String(content.dropFirst().dropLast())
                }
                index += 1
                return Token(
                    kind: word == "datetime" ? .datetime : .timespanCall, text: content,
                    range: SourceRange(offset: start, length: index - start))
            }
            index = save
        }
        return Token(kind: .identifier, text: word, range: SourceRange(offset: start, length: index - start))
    }

    private mutating func number(start: Int) throws(KQLDiagnostic) -> Token {
        while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
        var isReal = false
        if peek() == 0x2E, Self.isDigit(peek(1)) {
            isReal = true
            index += 1
            while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
        }
        if peek() == 0x65 || peek() == 0x45,
            Self.isDigit(peek(1)) || ((peek(1) == 0x2B || peek(1) == 0x2D) && Self.isDigit(peek(2)))
        {
            isReal = true
            index += 2
            while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
        }
        let digits = text(start, index)
        if Self.isLetter(peek()) {
            let unitStart = index
            while index < bytes.count, Self.isLetter(bytes[index]) { index += 1 }
            let unit = text(unitStart, index)
            guard let scale = Self.timespanUnits[unit], let value = Double(digits) else {
                throw error(
                    "unknown timespan unit '\(unit)'; expected d, h, m, s, ms, microsecond or tick",
                    unitStart, index - unitStart)
            }
            return Token(
                kind: .timespan, text: text(start, index), range: SourceRange(offset: start, length: index - start),
                number: value * scale)
        }
        let range = SourceRange(offset: start, length: index - start)
        if !isReal, let value = Int64(digits) {
            return Token(kind: .long, text: digits, range: range, number: Double(value), integer: value)
        }
        guard let value = Double(digits), value.isFinite else {
            throw error("number '\(digits)' is out of range", start, index - start)
        }
        return Token(kind: .real, text: digits, range: range, number: value)
    }

    private mutating func string(start: Int) throws(KQLDiagnostic) -> Token {
        let quote = bytes[index]
        index += 1
        var decoded: [UInt8] = []
        while true {
            guard index < bytes.count, bytes[index] != 0x0A else {
                throw error("unterminated string literal", start, index - start)
            }
            let byte = bytes[index]
            if byte == quote {
                index += 1
                break
            }
            if byte == 0x5C {
                guard index + 1 < bytes.count else { throw error("unterminated string literal", start, index - start) }
                let escaped = bytes[index + 1]
                switch escaped {
                case 0x6E: decoded.append(0x0A)  // \n
                case 0x74: decoded.append(0x09)  // \t
                case 0x72: decoded.append(0x0D)  // \r
                case 0x5C, 0x22, 0x27: decoded.append(escaped)
                default:
                    throw error(
                        "unknown escape '\\\(String(UnicodeScalar(escaped)))' in a string literal; expected \\\\, \\\", \\', \\n, \\t or \\r (or a verbatim @\"...\" string)",
                        index, 2)
                }
                index += 2
                continue
            }
            decoded.append(byte)
            index += 1
        }
        return Token(
            kind: .string, text: String(decoding: decoded, as: UTF8.self),
            range: SourceRange(offset: start, length: index - start))
    }

    private mutating func verbatimString(start: Int) throws(KQLDiagnostic) -> Token {
        let quote = bytes[index]
        index += 1
        var decoded: [UInt8] = []
        while true {
            guard index < bytes.count, bytes[index] != 0x0A else {
                throw error("unterminated string literal", start, index - start)
            }
            if bytes[index] == quote {
                if peek(1) == quote {
                    decoded.append(quote)
                    index += 2
                    continue
                }
                index += 1
                break
            }
            decoded.append(bytes[index])
            index += 1
        }
        return Token(
            kind: .string, text: String(decoding: decoded, as: UTF8.self),
            range: SourceRange(offset: start, length: index - start))
    }
}

extension String {
    func trimmingSpaces() -> String {
        var view = Substring(self)
        while let first = view.first, first == " " || first == "\t" { view.removeFirst() }
        while let last = view.last, last == " " || last == "\t" { view.removeLast() }
        return String(view)
    }
}
