import Automation
import Foundation

/// A portal request after parsing: path segments below /portal, query, form fields, cookies.
struct PortalRequest: Sendable {
    var method: String
    /// Segments after `/portal`, percent-decoded one by one.
    var segments: [String]
    var query: [String: String]
    /// Form fields; a field given more than once (checkboxes) keeps every value in order.
    var form: [(String, String)]
    var cookies: [String: String]
    var session: PortalSession?
    var token: TokenInfo?

    func value(_ name: String) -> String? { form.first(where: { $0.0 == name })?.1 }

    func values(_ name: String) -> [String] { form.filter { $0.0 == name }.map(\.1) }

    /// A trimmed query value, nil when absent or empty.
    func parameter(_ name: String) -> String? {
        guard let value = query[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    var canWrite: Bool { token?.role.canWrite ?? false }

    /// `application/x-www-form-urlencoded` (and query strings): pairs in order.
    static func pairs(_ text: String) -> [(String, String)] {
        text.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    static func cookies(_ header: String?) -> [String: String] {
        var result: [String: String] = [:]
        for part in (header ?? "").split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2 else { continue }
            result[pair[0].trimmingCharacters(in: .whitespaces)] = pair[1].trimmingCharacters(in: .whitespaces)
        }
        return result
    }

    /// Path segments, refusing `.`/`..`, encoded separators and control characters.
    static func segments(_ path: String) -> [String]? {
        var result: [String] = []
        for raw in path.split(separator: "/", omittingEmptySubsequences: true) {
            guard let decoded = String(raw).removingPercentEncoding, decoded != ".", decoded != "..",
                !decoded.contains("/"), !decoded.unicodeScalars.contains(where: { TerminalText.isControl($0) })
            else { return nil }
            result.append(decoded)
        }
        return result
    }
}
