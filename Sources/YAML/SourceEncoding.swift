/// YAML sources are UTF-8 only, as Azure's YAML tooling reads them.
///
/// libyaml would decode a UTF-16 file (by its byte order mark) while everything after the
/// parser (the recorded runbook content, its digest, a resume) treats the bytes as UTF-8; such a
/// file is refused up front instead. Detection follows YAML 1.2's table (section 5.2): a byte
/// order mark, or the NUL pattern of an unmarked UTF-16/32 file in the first four bytes.
enum SourceEncoding {
    static func check(_ bytes: [UInt8]) throws(YAMLError) {
        if let name = otherEncoding(bytes) {
            throw YAMLError(
                .encoding("the file is \(name); save it as UTF-8 (runbooks and automation files are UTF-8 only)"),
                at: Mark(line: 1, column: 1))
        }
        if let offset = firstInvalidUTF8(bytes) {
            throw YAMLError(
                .encoding(
                    "invalid UTF-8 (byte 0x\(String(bytes[offset], radix: 16, uppercase: true))); "
                        + "save the file as UTF-8"),
                at: mark(ofOffset: offset, in: bytes))
        }
    }

    private static func otherEncoding(_ bytes: [UInt8]) -> String? {
        let head = Array(bytes.prefix(4)) + [UInt8](repeating: 0xAA, count: max(0, 4 - bytes.count))
        switch (head[0], head[1], head[2], head[3]) {
        case (0x00, 0x00, 0xFE, 0xFF): return "UTF-32 (big-endian, with a byte order mark)"
        case (0xFF, 0xFE, 0x00, 0x00): return "UTF-32 (little-endian, with a byte order mark)"
        case (0xFE, 0xFF, _, _): return "UTF-16 (big-endian, with a byte order mark)"
        case (0xFF, 0xFE, _, _): return "UTF-16 (little-endian, with a byte order mark)"
        case (0x00, 0x00, 0x00, _) where bytes.count >= 4: return "UTF-32 (big-endian)"
        case (_, 0x00, 0x00, 0x00) where bytes.count >= 4: return "UTF-32 (little-endian)"
        case (0x00, _, _, _) where bytes.count >= 2: return "UTF-16 (big-endian)"
        case (_, 0x00, _, _) where bytes.count >= 2: return "UTF-16 (little-endian)"
        default: return nil
        }
    }

    /// The offset of the first byte that does not start or continue a valid UTF-8 sequence.
    private static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                offset += UTF8.width(scalar)
            case .emptyInput:
                return nil
            case .error:
                return min(offset, bytes.count - 1)
            }
        }
    }

    private static func mark(ofOffset offset: Int, in bytes: [UInt8]) -> Mark {
        var line = 1
        var column = 1
        for byte in bytes.prefix(offset) {
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
