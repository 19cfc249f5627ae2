/// Kusto's `has`: the term occurs in the text as a whole term. Terms are runs of ASCII letters and
/// digits (and any non-ASCII character); where the term itself starts or ends with such a
/// character, the text must not continue the run there. ASCII letters compare case-insensitively
/// unless `caseless` is false.
enum TermMatch {
    static func isTermByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte >= 0x80
    }

    static func fold(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte + 32 : byte }

    static func has(_ text: String, _ term: String, caseless: Bool) -> Bool {
        var text = text
        var term = term
        return text.withUTF8 { haystack in
            term.withUTF8 { needle in
                guard !needle.isEmpty else { return true }
                guard needle.count <= haystack.count else { return false }
                let startsWithTerm = isTermByte(needle[0])
                let endsWithTerm = isTermByte(needle[needle.count - 1])
                let first = caseless ? fold(needle[0]) : needle[0]
                var start = 0
                while start + needle.count <= haystack.count {
                    let byte = caseless ? fold(haystack[start]) : haystack[start]
                    if byte == first, !(startsWithTerm && start > 0 && isTermByte(haystack[start - 1])) {
                        var offset = 1
                        while offset < needle.count {
                            let a = haystack[start + offset]
                            let b = needle[offset]
                            if caseless ? fold(a) != fold(b) : a != b { break }
                            offset += 1
                        }
                        let end = start + needle.count
                        if offset == needle.count, !(endsWithTerm && end < haystack.count && isTermByte(haystack[end]))
                        {
                            return true
                        }
                    }
                    start += 1
                }
                return false
            }
        }
    }
}
