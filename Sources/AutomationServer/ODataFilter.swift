import Automation
import AutomationService
import Foundation

/// The `$filter` subset Azure's job and stream lists take: `FIELD OP VALUE` joined with `and`;
/// `eq`/`ne` on strings in single quotes, `ge`/`gt`/`le`/`lt` on ISO 8601 times.
struct ODataFilter {
    struct Clause: Equatable {
        var field: String
        var op: String
        var value: String
        var date: Date?
    }

    var clauses: [Clause]

    static let operators = ["eq", "ne", "ge", "gt", "le", "lt"]

    /// Parses the expression; every error names the part that is wrong and what is accepted.
    static func parse(_ text: String, fields: [String: Bool]) throws(ServiceError) -> ODataFilter {
        guard text.count <= 4096 else { throw .invalid("$filter is longer than 4096 characters", target: "$filter") }
        var clauses: [Clause] = []
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        while !rest.isEmpty {
            let field = take(&rest)
            let op = take(&rest).lowercased()
            let value = try takeValue(&rest)
            guard let isTime = fields[field] else {
                throw .invalid(
                    "$filter: unknown field \(Quoted.clip(field)); filterable: "
                        + fields.keys.sorted().joined(separator: ", "), target: "$filter")
            }
            guard operators.contains(op) else {
                throw .invalid(
                    "$filter: unknown operator \(Quoted.clip(op)) after \(field); use eq, ne, ge, gt, le or lt",
                    target: "$filter")
            }
            var date: Date?
            if isTime {
                guard let parsed = AzureTime.parse(value.trimmingCharacters(in: CharacterSet(charactersIn: "'"))) else {
                    throw .invalid(
                        "$filter: \(field) takes an ISO 8601 time, not \(Quoted.clip(value))", target: "$filter")
                }
                date = parsed
            } else {
                guard value.hasPrefix("'"), value.hasSuffix("'"), value.count >= 2, op == "eq" || op == "ne" else {
                    throw .invalid(
                        "$filter: \(field) compares with eq or ne to a string in single quotes, such as \(field) eq 'x'",
                        target: "$filter")
                }
            }
            let plain = isTime ? value : String(value.dropFirst().dropLast()).replacingOccurrences(of: "''", with: "'")
            clauses.append(Clause(field: field, op: op, value: plain, date: date))
            let joiner = take(&rest)
            if joiner.isEmpty { break }
            guard joiner.lowercased() == "and" else {
                throw .invalid(
                    "$filter: clauses are joined with 'and', found \(Quoted.clip(joiner))", target: "$filter")
            }
            guard !rest.isEmpty else { throw .invalid("$filter ends after 'and'", target: "$filter") }
        }
        guard !clauses.isEmpty else { throw .invalid("$filter is empty", target: "$filter") }
        return ODataFilter(clauses: clauses)
    }

    private static func take(_ rest: inout Substring) -> String {
        rest = rest.drop { $0 == " " }
        let word = rest.prefix { $0 != " " }
        rest = rest.dropFirst(word.count)
        return String(word)
    }

    /// A quoted string (with '' for a quote inside) or a bare word.
    private static func takeValue(_ rest: inout Substring) throws(ServiceError) -> String {
        rest = rest.drop { $0 == " " }
        guard rest.first == "'" else { return take(&rest) }
        var index = rest.index(after: rest.startIndex)
        while index < rest.endIndex {
            if rest[index] == "'" {
                let next = rest.index(after: index)
                if next < rest.endIndex, rest[next] == "'" {
                    index = rest.index(after: next)
                    continue
                }
                let value = String(rest[...index])
                rest = rest[next...]
                return value
            }
            index = rest.index(after: index)
        }
        throw .invalid("$filter: a string is not closed with a single quote", target: "$filter")
    }
}
