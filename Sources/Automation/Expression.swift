import YAML

/// `${{ params.NAME }}` references inside a scalar.
enum Expression {
    struct Problem: Error {
        var message: String
        var offset: Int
    }

    /// Splits text into literal and reference parts; nil when there is no `${{`.
    static func parts(of text: String) -> Result<[Template.Part], Problem>? {
        guard text.contains("${{") else { return nil }
        var parts: [Template.Part] = []
        var rest = Substring(text)
        while let open = rest.range(of: "${{") {
            if open.lowerBound > rest.startIndex {
                parts.append(.text(String(rest[rest.startIndex..<open.lowerBound])))
            }
            let offset = text.distance(from: text.startIndex, to: open.lowerBound)
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                return .failure(Problem(message: "unterminated '${{': add '}}'", offset: offset))
            }
            let inner = rest[open.upperBound..<close.lowerBound].trimmingSpaces()
            guard inner.hasPrefix("params."), isIdentifier(inner.dropFirst("params.".count)) else {
                return .failure(
                    Problem(
                        message: "unknown expression '\(inner)'; the form is ${{ params.NAME }}", offset: offset))
            }
            parts.append(.reference(String(inner.dropFirst("params.".count))))
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty { parts.append(.text(String(rest))) }
        return .success(parts)
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

    static func isIdentifier<S: StringProtocol>(_ text: S) -> Bool {
        guard let first = text.first, first.isLetter || first == "_" else { return false }
        return text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
