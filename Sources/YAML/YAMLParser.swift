import CYAML

/// Turns libyaml's event stream into `Node` trees, enforcing `ParseLimits`.
public enum YAMLParser {
    /// Parses a stream that holds at most one document; returns nil for an empty stream.
    public static func parse(_ bytes: [UInt8], limits: ParseLimits = .default) throws(YAMLError) -> Node? {
        var single = limits
        single.allowsMultipleDocuments = false
        return try parseDocuments(bytes, limits: single).first
    }

    /// Parses a string; see `parse(_:limits:)`.
    public static func parse(_ text: String, limits: ParseLimits = .default) throws(YAMLError) -> Node? {
        try parse(Array(text.utf8), limits: limits)
    }

    /// Parses every document of a stream.
    public static func parseDocuments(_ bytes: [UInt8], limits: ParseLimits = .default) throws(YAMLError) -> [Node] {
        guard bytes.count <= limits.maxBytes else {
            throw YAMLError(.tooLarge(bytes: bytes.count, limit: limits.maxBytes), at: Mark(line: 1, column: 1))
        }
        try SourceEncoding.check(bytes)
        var builder = TreeBuilder(limits: limits)
        let result: Result<[Node], YAMLError> = bytes.withUnsafeBufferPointer { buffer in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else {
                return .failure(YAMLError(.syntax("libyaml could not allocate a parser"), at: Mark(line: 1, column: 1)))
            }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var event = yaml_event_t()
            while true {
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    return .failure(parserError(parser, source: buffer))
                }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { break }
                do throws(YAMLError) {
                    try builder.consume(event)
                } catch {
                    return .failure(error)
                }
            }
            return .success(builder.documents)
        }
        return try result.get()
    }

    static func mark(_ mark: yaml_mark_t) -> Mark {
        Mark(line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }

    private static func parserError(_ parser: yaml_parser_t, source: UnsafeBufferPointer<UInt8>) -> YAMLError {
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        if parser.error == YAML_READER_ERROR {
            // Reader errors (bad encoding) carry a byte offset rather than a mark.
            let position = markForOffset(Int(parser.problem_offset), in: source)
            var text = problem
            if parser.problem_value != -1 {
                text += String(format: " (byte 0x%02X)", Int(parser.problem_value) & 0xFF)
            }
            return YAMLError(.syntax(text), at: position)
        }
        var text = problem
        if let context = parser.context.map({ String(cString: $0) }) {
            text += " (\(context) at \(mark(parser.context_mark)))"
        }
        return YAMLError(.syntax(text), at: mark(parser.problem_mark))
    }

    private static func markForOffset(_ offset: Int, in source: UnsafeBufferPointer<UInt8>) -> Mark {
        var line = 1
        var column = 1
        for byte in source.prefix(min(offset, source.count)) {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return Mark(line: line, column: column)
    }
}
