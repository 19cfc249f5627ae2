/// The route table as a trie, built once: a request's path segments walk it in one pass (a
/// literal child, compared without ASCII case as ARM paths are, or the parameter child), instead
/// of every route being tried per request. A path that reaches routes answers with the first
/// route (in table order) of the request's method, or 405 with the methods it has.
struct ARMRouter: Sendable {
    /// A path that reached routes: each route with its parameters, in table order.
    struct Match: Sendable {
        var routes: [(route: ARMRoute, parameters: [String: String])]

        func route(for method: String) -> (route: ARMRoute, parameters: [String: String])? {
            routes.first { $0.route.method == method }
        }

        var allowedMethods: String { Set(routes.map(\.route.method)).sorted().joined(separator: ", ") }
    }

    private final class Node: @unchecked Sendable {
        // Written only while the router is built, read only after: no lock needed.
        var literals: [String: Node] = [:]
        var parameter: Node?
        /// Routes ending here, with their index in the table (their precedence).
        var routes: [(index: Int, route: ARMRoute)] = []
    }

    private let root = Node()

    init(_ routes: [ARMRoute]) {
        for (index, route) in routes.enumerated() {
            var node = root
            for part in route.template {
                switch part {
                case .literal(let text):
                    let key = Self.folded(text)
                    let next = node.literals[key] ?? Node()
                    node.literals[key] = next
                    node = next
                case .parameter:
                    // One child for every parameter here: each route names its own at its leaf.
                    let next = node.parameter ?? Node()
                    node.parameter = next
                    node = next
                }
            }
            node.routes.append((index, route))
        }
    }

    /// Every route whose template fits `segments`, in table order; nil when none does.
    func match(_ segments: [String]) -> Match? {
        var found: [(index: Int, route: ARMRoute, parameters: [String: String])] = []
        walk(root, segments[...], [], into: &found)
        guard !found.isEmpty else { return nil }
        return Match(routes: found.sorted { $0.index < $1.index }.map { ($0.route, $0.parameters) })
    }

    /// `values`: the segments taken by parameters so far, in order.
    private func walk(
        _ node: Node, _ rest: ArraySlice<String>, _ values: [String],
        into found: inout [(index: Int, route: ARMRoute, parameters: [String: String])]
    ) {
        guard let segment = rest.first else {
            for (index, route) in node.routes {
                let names = route.template.compactMap { part -> String? in
                    if case .parameter(let name) = part { return name }
                    return nil
                }
                found.append((index, route, Dictionary(zip(names, values), uniquingKeysWith: { _, last in last })))
            }
            return
        }
        if let next = node.literals[Self.folded(segment)] {
            walk(next, rest.dropFirst(), values, into: &found)
        }
        if let next = node.parameter {
            walk(next, rest.dropFirst(), values + [segment], into: &found)
        }
    }

    /// ASCII letters folded to lower case (every literal of an ARM path is ASCII; other
    /// characters are kept, so a non-ASCII segment only ever matches a parameter).
    static func folded(_ text: String) -> String {
        guard text.utf8.contains(where: { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }) else { return text }
        return String(
            decoding: text.utf8.map { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) ? $0 | 0x20 : $0 },
            as: UTF8.self)
    }
}
