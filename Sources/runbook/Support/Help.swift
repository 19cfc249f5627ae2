/// Help text written as paragraphs in the source, shown reflowed: ArgumentParser wraps each
/// line to the terminal, so a paragraph's source line breaks must not reach it.
enum Help {
    /// Joins the lines of each prose paragraph; blank lines, indented lines (examples) and a
    /// line ending with ':' keep their breaks.
    static func reflow(_ text: String) -> String {
        var output: [String] = []
        var joinable = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let prose = !line.isEmpty && !line.hasPrefix(" ")
            if prose && joinable, let last = output.popLast() {
                output.append(last + " " + line)
            } else {
                output.append(line)
            }
            joinable = prose && !line.hasSuffix(":")
        }
        return output.joined(separator: "\n")
    }
}
