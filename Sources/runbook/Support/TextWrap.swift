/// Prose lines wrapped at word boundaries to a width (a terminal's), each continuation indented:
/// `runbook actions` and the Frequencies line of `tracking show` fit a 100-column terminal.
/// Without a width (output to a pipe) a line is left whole.
enum TextWrap {
    static func wrap(_ line: String, width: Int?, indent: String = "    ") -> String {
        guard let width, line.count > width, width > indent.count + 10 else { return line }
        let leading = String(line.prefix(while: { $0 == " " }))
        var lines: [String] = []
        var current = leading
        for word in line.dropFirst(leading.count).split(separator: " ", omittingEmptySubsequences: false) {
            let start = current.isEmpty || current == leading || current == leading + indent
            if !start && current.count + 1 + word.count > width {
                lines.append(current)
                current = leading + indent + word
            } else {
                current += (start ? "" : " ") + word
            }
        }
        lines.append(current)
        return lines.joined(separator: "\n")
    }
}
