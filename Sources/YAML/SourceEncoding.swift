/// YAML sources are UTF-8 only, as Azure's YAML tooling reads them.
///
/// libyaml would decode a UTF-16 file (by its byte order mark) while everything after the
/// parser (the recorded runbook content, its digest, a resume) treats the bytes as UTF-8; such a
/// file is refused up front instead. Detection follows YAML 1.2's table (section 5.2): a byte
/// order mark, or the NUL pattern of an unmarked UTF-16/32 file in the first four bytes.
/// Invalid UTF-8 is left to libyaml's reader, which refuses it at the offending byte.
enum SourceEncoding {
    static func check(_ bytes: [UInt8]) throws(YAMLError) {
        if let name = otherEncoding(bytes) {
            throw YAMLError(
                .encoding("the file is \(name); save it as UTF-8 (runbooks and automation files are UTF-8 only)"),
                at: Mark(line: 1, column: 1))
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
}
