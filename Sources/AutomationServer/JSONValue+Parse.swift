import Foundation

/// Why a body is not JSON the API takes, with the byte offset where reading stopped.
public struct JSONParseError: Error, Sendable, CustomStringConvertible, Equatable {
    public var message: String
    public var offset: Int

    public var description: String { "\(message) (at byte \(offset))" }
}

extension JSONValue {
    /// Nesting a request body may have: Azure's documents are a few levels deep.
    public static let maxDepth = 64

    /// Parses a request body; nil when it is not JSON (or nests past ``maxDepth``).
    public static func parse(_ data: Data) -> JSONValue? {
        try? parse(bytes: data)
    }

    /// Parses JSON in one pass over its bytes: linear in the body's size whatever its shape,
    /// and nesting past `maxDepth` is refused before it costs anything. Object keys come out
    /// sorted (the last of a repeated key wins), as the API has always read them.
    public static func parse(bytes data: Data, maxDepth: Int = JSONValue.maxDepth) throws(JSONParseError) -> JSONValue {
        var reader = JSONReader(bytes: [UInt8](data), maxDepth: maxDepth)
        reader.skipSpace()
        let value = try reader.value(depth: 1)
        reader.skipSpace()
        guard reader.position == reader.bytes.count else {
            throw JSONParseError(message: "unexpected text after the JSON value", offset: reader.position)
        }
        return value
    }
}

/// The parser's state: a byte array and a position in it.
private struct JSONReader {
    let bytes: [UInt8]
    let maxDepth: Int
    var position = 0

    init(bytes: [UInt8], maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    func fail(_ message: String) -> JSONParseError {
        JSONParseError(message: message, offset: position)
    }

    mutating func skipSpace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    mutating func value(depth: Int) throws(JSONParseError) -> JSONValue {
        guard position < bytes.count else { throw fail("the JSON ends where a value was expected") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try word("true", .bool(true))
        case UInt8(ascii: "f"): return try word("false", .bool(false))
        case UInt8(ascii: "n"): return try word("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw fail("unexpected character where a JSON value was expected")
        }
    }

    mutating func enter(_ depth: Int) throws(JSONParseError) {
        guard depth <= maxDepth else {
            throw fail("the JSON nests deeper than \(maxDepth) levels, the limit for a request body")
        }
        position += 1
        skipSpace()
    }

    mutating func object(depth: Int) throws(JSONParseError) -> JSONValue {
        try enter(depth)
        var fields: [String: JSONValue] = [:]
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            return .object([])
        }
        while true {
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                throw fail("expected a quoted key in a JSON object")
            }
            let key = try string()
            skipSpace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
                throw fail("expected ':' after a key in a JSON object")
            }
            position += 1
            skipSpace()
            fields[key] = try value(depth: depth + 1)
            skipSpace()
            guard position < bytes.count else { throw fail("the JSON ends inside an object") }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
                skipSpace()
                continue
            }
            guard bytes[position] == UInt8(ascii: "}") else { throw fail("expected ',' or '}' in a JSON object") }
            position += 1
            return .object(fields.keys.sorted().map { ($0, fields[$0] ?? .null) })
        }
    }

    mutating func array(depth: Int) throws(JSONParseError) -> JSONValue {
        try enter(depth)
        var items: [JSONValue] = []
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            return .array([])
        }
        while true {
            items.append(try value(depth: depth + 1))
            skipSpace()
            guard position < bytes.count else { throw fail("the JSON ends inside an array") }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
                skipSpace()
                continue
            }
            guard bytes[position] == UInt8(ascii: "]") else { throw fail("expected ',' or ']' in a JSON array") }
            position += 1
            return .array(items)
        }
    }

    mutating func word(_ text: String, _ value: JSONValue) throws(JSONParseError) -> JSONValue {
        let expected = Array(text.utf8)
        guard position + expected.count <= bytes.count,
            bytes[position..<position + expected.count].elementsEqual(expected)
        else { throw fail("unexpected word where a JSON value was expected") }
        position += expected.count
        return value
    }

    /// A number as Foundation's decoder read it before: an integral value that fits `Int` is an
    /// int (`1`, `1.0`, `1e2`), anything else a double.
    mutating func number() throws(JSONParseError) -> JSONValue {
        let start = position
        var integral = true
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        func digits(_ reader: inout JSONReader) -> Int {
            let first = reader.position
            while reader.position < reader.bytes.count, (0x30...0x39).contains(reader.bytes[reader.position]) {
                reader.position += 1
            }
            return reader.position - first
        }
        guard digits(&self) > 0 else { throw fail("a JSON number needs digits") }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            integral = false
            position += 1
            guard digits(&self) > 0 else { throw fail("a JSON number needs digits after '.'") }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            integral = false
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard digits(&self) > 0 else { throw fail("a JSON number needs digits in its exponent") }
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        if integral, let number = Int(text) { return .int(number) }
        guard let number = Double(text), number.isFinite else {
            throw JSONParseError(message: "the number \(text.prefix(40)) is out of range", offset: start)
        }
        if number == number.rounded(), abs(number) < 9.2e18 { return .int(Int(number)) }
        return .number(number)
    }

    mutating func string() throws(JSONParseError) -> String {
        position += 1
        var output: [UInt8] = []
        var runStart = position
        while true {
            guard position < bytes.count else { throw fail("the JSON ends inside a string") }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                output.append(contentsOf: bytes[runStart..<position])
                position += 1
                break
            }
            if byte < 0x20 { throw fail("a control character inside a JSON string must be escaped") }
            guard byte == UInt8(ascii: "\\") else {
                position += 1
                continue
            }
            output.append(contentsOf: bytes[runStart..<position])
            position += 1
            guard position < bytes.count else { throw fail("the JSON ends inside an escape") }
            let escape = bytes[position]
            position += 1
            switch escape {
            case UInt8(ascii: "\""): output.append(0x22)
            case UInt8(ascii: "\\"): output.append(0x5C)
            case UInt8(ascii: "/"): output.append(0x2F)
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800...0xDBFF).contains(scalar) {
                    guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
                        bytes[position + 1] == UInt8(ascii: "u")
                    else { throw fail("a lone UTF-16 surrogate in a JSON string") }
                    position += 2
                    let low = try hex4()
                    guard (0xDC00...0xDFFF).contains(low) else {
                        throw fail("a lone UTF-16 surrogate in a JSON string")
                    }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw fail("a lone UTF-16 surrogate in a JSON string")
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw fail("an invalid \\u escape") }
                output.append(contentsOf: String(Character(unicode)).utf8)
            default: throw fail("an invalid escape in a JSON string")
            }
            runStart = position
        }
        guard let text = String(validating: output, as: UTF8.self) else {
            throw fail("a JSON string is not valid UTF-8")
        }
        return text
    }

    mutating func hex4() throws(JSONParseError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw fail("the JSON ends inside a \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt32
            switch byte {
            case 0x30...0x39: digit = UInt32(byte - 0x30)
            case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
            default: throw fail("a \\u escape needs four hex digits")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }
}
