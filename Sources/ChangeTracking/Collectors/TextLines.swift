/// Lines of a text file, LF or CRLF. Splitting a Swift String on "\n" misses CRLF, which is one
/// Character ("\r\n"); splitting the Unicode scalars does not.
enum TextLines {
    static func split(_ text: String) -> [String] {
        text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { scalars in
            var line = String(String.UnicodeScalarView(scalars))
            if line.unicodeScalars.last == "\r" { line.unicodeScalars.removeLast() }
            return line
        }
    }
}
