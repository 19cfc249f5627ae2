/// Grammar-aware mutation of a JSON request body: the seed is read into a tree (keys in their
/// order, strings and numbers as their raw text), one to four rounds change the tree, and the
/// tree is written back. A round nests a value deep (past the parser's 64 levels too), repeats a
/// key, adds thousands of keys (job parameters past their limit of 1,000), puts in an extreme
/// number, a very long string, a string with NUL, control characters, lone surrogates or bytes
/// that are not UTF-8, a value of the wrong type, a word of the API's domain (names, dates,
/// frequencies, time zones), or changes the whole body; a `query` string is changed by the KQL
/// mutator. Some rounds are the byte mutator's, on the written text.
struct JSONMutator: GrammarMutator {
    let kql = KQLMutator()
    /// The API reads at most 4 MiB of a body (`ARMResponder.maxBodyBytes`): a handler never
    /// sees more, so no input is longer.
    static let maxBytes = 4 << 20
    /// What one repetition adds, at most: long enough for linear-time checks, short enough for
    /// a bounded run (a debug build parses about 4 MB a second).
    static let growthBytes = 1 << 20

    func mutate(_ seed: [UInt8], using random: inout SeededGenerator, bytes: Mutator) -> [UInt8] {
        guard var tree = JSONTree.parse(seed) else { return bytes.mutate(seed, using: &random) }
        var text: [UInt8]?
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            if var written = text {
                // Once the text is broken by a byte round, the rest of the rounds are bytes too.
                written = bytes.mutateOnce(written, using: &random)
                text = written
            } else if Int.random(in: 0..<6, using: &random) == 0 {
                text = bytes.mutateOnce(tree.written(), using: &random)
            } else if let whole = mutateOnce(&tree, using: &random) {
                text = whole
            }
        }
        return Array((text ?? tree.written()).prefix(Self.maxBytes))
    }

    /// One change of the tree; or a whole new body (returned) that is no longer a tree.
    func mutateOnce(_ tree: inout JSONTree, using random: inout SeededGenerator) -> [UInt8]? {
        let paths = tree.paths()
        let path = pick(paths, &random)
        switch Int.random(in: 0..<13, using: &random) {
        case 0:
            // Nested deep: arrays or objects around a value, up to far past the 64-level limit.
            let depth = pick([2, 10, 63, 64, 65, 100, 1_000, 100_000], &random)
            tree.update(at: path) { node in
                let inner = node.written()
                if Int.random(in: 0..<2, using: &random) == 0 {
                    return .raw(
                        Array(repeating: UInt8(ascii: "["), count: depth) + inner
                            + Array(repeating: UInt8(ascii: "]"), count: depth))
                }
                var bytes: [UInt8] = []
                bytes.reserveCapacity(depth * 6 + inner.count)
                for _ in 0..<depth { bytes += Array("{\"a\":".utf8) }
                return .raw(bytes + inner + Array(repeating: UInt8(ascii: "}"), count: depth))
            }
        case 1:
            // A key repeated: the same pair, or the same key with other values.
            let objects = paths.filter { tree.node(at: $0)?.isObject == true }
            guard let objectPath = objects.randomElement(using: &random) else { break }
            let chosen = pick([2, 10, 1_000, 20_000], &random)
            let sameValue = Int.random(in: 0..<2, using: &random) == 0
            let values = (0..<8).map { _ in domainValue(&random) }
            tree.update(at: objectPath) { node in
                guard case .object(var pairs) = node, let pair = pairs.randomElement(using: &random) else {
                    return node
                }
                let size = pair.key.count + pair.value.written().count + 4
                for index in 0..<min(chosen, max(1, Self.growthBytes / size)) {
                    pairs.append((pair.key, sameValue ? pair.value : values[index % 8]))
                }
                return .object(pairs)
            }
        case 2: tree.update(at: path) { _ in .raw(Array(pick(Self.numbers, &random).utf8)) }
        case 3:
            // A very long string.
            let length = pick([1_000, 16_385, 65_536, 1_048_577], &random)
            let unit = pick(["a", "é", "\\u0000", "\\\\", "\\\"", "\\ud83d\\ude00", "%", "/.."], &random)
            let count = max(1, length / unit.utf8.count)
            tree.update(at: path) { _ in .string(Array(String(repeating: unit, count: count).utf8)) }
        case 4:
            // Control characters, NUL, lone surrogates, bytes that are not UTF-8 (raw: invalid JSON).
            tree.update(at: path) { _ in .string(pick(Self.hostileStrings, &random)) }
        case 5:
            // Many keys: thousands of parameters, around the API's limit of 1,000.
            let objects = paths.filter { tree.node(at: $0)?.isObject == true }
            let parameters = objects.filter { tree.key(of: $0) == Array("parameters".utf8) }
            guard let objectPath = (parameters.isEmpty ? objects : parameters).randomElement(using: &random) else {
                break
            }
            let count = pick([10, 999, 1_000, 1_001, 5_000, 20_000], &random)
            let keyStyle = Int.random(in: 0..<4, using: &random)
            tree.update(at: objectPath) { node in
                guard case .object(var pairs) = node else { return node }
                for index in 0..<count {
                    let key: String =
                        switch keyStyle {
                        case 0: "p\(index)"
                        case 1: String(repeating: "k", count: index % 300 + 1)
                        case 2: "p\\u0000\(index)"
                        default: "\(index)"
                        }
                    pairs.append((Array(key.utf8), .string(Array("v\(index)".utf8))))
                }
                return .object(pairs)
            }
        case 6:
            // A value of another type.
            let replacement = pick(
                [
                    "null", "true", "false", "0", "-1", "\"\"", "[]", "{}", "\"true\"", "\"1\"", "[null]",
                    "{\"name\":null}",
                ],
                &random)
            let wrap = Int.random(in: 0..<4, using: &random)
            tree.update(at: path) { node in
                switch wrap {
                case 0: return .array([node])
                case 1: return .object([(Array("name".utf8), node)])
                default: return .raw(Array(replacement.utf8))
                }
            }
        case 7:
            // A pair or an element dropped.
            tree.remove(at: path)
        case 8: tree.update(at: path) { _ in domainValue(&random) }
        case 9:
            // The query of Log Analytics' API, changed as the KQL target changes queries.
            let queries = paths.filter { path in
                tree.key(of: path) == Array("query".utf8) && tree.node(at: path)?.isString == true
            }
            guard let queryPath = queries.randomElement(using: &random) else {
                tree.update(at: path) { _ in domainValue(&random) }
                break
            }
            tree.update(at: queryPath) { node in
                guard case .string(let raw) = node else { return node }
                let text = kql.mutateOnce(Array(JSONTree.unescape(raw).utf8), using: &random)
                return .string(JSONTree.escape(String(decoding: text, as: UTF8.self)))
            }
        case 10:
            // An array grown: one element many times, or extreme elements.
            let arrays = paths.filter { tree.node(at: $0)?.isArray == true }
            let target = arrays.randomElement(using: &random) ?? path
            let chosen = pick([10, 1_000, 20_000], &random)
            let extra = domainValue(&random)
            tree.update(at: target) { node in
                guard case .array(let items) = node else {
                    let copies = min(chosen, max(1, Self.growthBytes / (node.written().count + 1)))
                    return .array(Array(repeating: node, count: copies))
                }
                let element = items.first ?? extra
                let copies = min(chosen, max(1, Self.growthBytes / (element.written().count + 1)))
                return .array(items + Array(repeating: element, count: copies) + [extra])
            }
        case 11:
            // A key renamed: another casing, a domain word, a snake_case spelling, empty.
            guard tree.key(of: path) != nil else { break }
            let newKey = pick(Self.keys, &random)
            tree.renameKey(at: path, to: Array(newKey.utf8))
        default:
            return Array(pick(Self.wholeBodies, &random).utf8)
        }
        return nil
    }

    /// A value from the API's domain: names, dates, frequencies, zones, numbers as strings.
    private func domainValue(_ random: inout SeededGenerator) -> JSONTree.Node {
        switch Int.random(in: 0..<3, using: &random) {
        case 0: .raw(Array(pick(Self.numbers, &random).utf8))
        default: .string(JSONTree.escape(pick(Self.domainStrings, &random)))
        }
    }

    private func pick<T>(_ items: [T], _ random: inout SeededGenerator) -> T {
        items[Int.random(in: 0..<items.count, using: &random)]
    }

    static let numbers = [
        "0", "-0", "1", "-1", "0.5", "1.0", "-0.0", "2", "7", "31", "32", "-2", "1000", "1001", "2147483647",
        "2147483648", "-2147483649", "4294967296", "9007199254740993", "9223372036854775807", "9223372036854775808",
        "-9223372036854775808", "-9223372036854775809", "18446744073709551616", "123456789012345678901234567890",
        "1e15", "1e18", "9.3e18", "1e308", "1e309", "-1e309", "1E400", "4.9e-324", "1e-400", "1.7976931348623157e308",
        "0.1e1", "00", "01", "1.", ".5", "+1", "0x10", "NaN", "Infinity", "-Infinity", "1_000", "١",
    ]

    /// Escaped string contents (what goes between the quotes); some are raw, invalid bytes.
    static let hostileStrings: [[UInt8]] = [
        Array("\\u0000".utf8), [0], [0x01, 0x1F], Array("a\\u0000b".utf8), Array("\\u001b[31mred\\u001b[0m".utf8),
        Array("\\u001b]0;pwned\\u0007".utf8), Array("\\ud800".utf8), Array("\\udc00\\ud800".utf8),
        Array("\\ud83d\\ude00".utf8), Array("\\uDBFF\\uDFFF".utf8), [0xFF, 0xFE], [0xC0, 0x80], [0xED, 0xA0, 0x80],
        [0xF4, 0x90, 0x80, 0x80], Array("\u{202E}\u{200B}\u{FEFF}".utf8), [0x0A], [0x0D, 0x0A], [0x09],
        Array("\\n\\r\\t\\b\\f\\/".utf8), Array("\\x41".utf8), Array("\\u12".utf8), Array("\\".utf8),
        Array("\\u0041\\u030A".utf8), Array("\u{1F}\u{1E}".utf8), Array("\\u001f\\u001e".utf8),
    ]

    static let domainStrings = [
        "", " ", "hello", "scan", "enable-tracking", "nope", "HELLO", "hello ", "../../etc/passwd", "a/b", "a\\b",
        "..", ".", "CON", "%2F", "web01", "machines", "target", "attempt", "Yaml", "yaml", "PowerShell", "Script",
        "Graph", "OneTime", "Day", "Hour", "Week", "Month", "Minute", "cron", "week", "Monday", "Funday",
        "monday", "2030-01-07T06:00:00Z", "2030-01-07T06:00:00.1234567+14:00", "9999-12-31T23:59:59.9999999",
        "0001-01-01T00:00:00Z", "2030-02-30T00:00:00Z", "+275760-09-13T00:00:00Z", "2030-01-07", "yesterday",
        "1970-01-01T00:00:00Z", "Europe/Berlin", "UTC", "Mars/Olympus", "../../etc/localtime", "UTC+14:00",
        "Etc/GMT-14", "America/St_Johns", "PT1H", "P1D", "P9999999999D", "PT-1H", "2026-11-01/2026-11-20",
        "2026-11-20/2026-11-01", "P1Y2M3DT4H5M6S", "true", "false", "True", "1", "1e3", " 1", "0x10",
        "00000000-0000-4000-8000-000000000001", "eastus2", "westeurope", "nowhere", "Basic", "Free",
        "${{ params.target }}", "${{", "Heartbeat | take 1", "Heartbeat | summarize count() by Computer",
        "'; DROP TABLE job; --", String(repeating: "x", count: 300),
    ]

    static let keys = [
        "properties", "Properties", "PROPERTIES", "runbook", "name", "Name", "parameters", "schedule", "runOn",
        "runbookType", "runbook_type", "description", "logVerbose", "logProgress", "frequency", "interval",
        "startTime", "start_time", "expiryTime", "timeZone", "advancedSchedule", "weekDays", "week_days",
        "monthDays", "monthlyOccurrences", "occurrence", "day", "isEnabled", "query", "timespan", "workspaces",
        "location", "sku", "tags", "", " ", "\\u0000", "__proto__", "constructor",
    ]

    static let wholeBodies = [
        "", " ", "{", "}", "[]", "null", "\"\"", "1", "true", "{}", "{\"properties\":null}", "{\"properties\":[]}",
        "{\"properties\":\"x\"}", "\u{FEFF}{}", "{\"a\":1}garbage", "{\"a\":1}{\"b\":2}", "  {}  ", "{\"a\":1,}",
        "{'a':1}", "{a:1}", "{\"a\" 1}", "[{}]", "{\"properties\":{\"runbook\":{\"name\":[\"hello\"]}}}",
        "\u{0}{}", "{}\u{0}",
    ]
}

/// A JSON document as the mutator edits it: objects keep their pairs in order (repeated keys
/// too), strings and numbers keep their raw text, and a `raw` node is written as it is (deep
/// nests and invalid bytes, which no tree holds).
struct JSONTree {
    indirect enum Node {
        case object([(key: [UInt8], value: Node)])
        case array([Node])
        /// The escaped text between the quotes.
        case string([UInt8])
        case raw([UInt8])

        var isObject: Bool { if case .object = self { true } else { false } }
        var isArray: Bool { if case .array = self { true } else { false } }
        var isString: Bool { if case .string = self { true } else { false } }

        /// The JSON text, stopped soon after `JSONMutator.maxBytes` (a thousand copies of a long
        /// value are not all written, only to be cut).
        func written() -> [UInt8] {
            var out: [UInt8] = []
            write(into: &out)
            return out
        }

        func write(into out: inout [UInt8]) {
            guard out.count <= JSONMutator.maxBytes else { return }
            switch self {
            case .raw(let bytes): out += bytes
            case .string(let bytes): out += [UInt8(ascii: "\"")] + bytes + [UInt8(ascii: "\"")]
            case .array(let items):
                out.append(UInt8(ascii: "["))
                for (index, item) in items.enumerated() {
                    if index > 0 { out.append(UInt8(ascii: ",")) }
                    item.write(into: &out)
                }
                out.append(UInt8(ascii: "]"))
            case .object(let pairs):
                out.append(UInt8(ascii: "{"))
                for (index, pair) in pairs.enumerated() {
                    if index > 0 { out.append(UInt8(ascii: ",")) }
                    out += [UInt8(ascii: "\"")] + pair.key + Array("\":".utf8)
                    pair.value.write(into: &out)
                }
                out.append(UInt8(ascii: "}"))
            }
        }
    }

    var root: Node

    func written() -> [UInt8] { root.written() }

    /// Each node's path (indexes into arrays and objects' pairs), the root first, in order.
    func paths() -> [[Int]] {
        var result: [[Int]] = []
        func visit(_ node: Node, _ path: [Int]) {
            result.append(path)
            switch node {
            case .object(let pairs): for (index, pair) in pairs.enumerated() { visit(pair.value, path + [index]) }
            case .array(let items): for (index, item) in items.enumerated() { visit(item, path + [index]) }
            default: break
            }
        }
        visit(root, [])
        return result
    }

    func node(at path: [Int]) -> Node? {
        var node = root
        for index in path {
            switch node {
            case .object(let pairs) where index < pairs.count: node = pairs[index].value
            case .array(let items) where index < items.count: node = items[index]
            default: return nil
            }
        }
        return node
    }

    /// The key the node at `path` is the value of; nil for the root and array elements.
    func key(of path: [Int]) -> [UInt8]? {
        guard let last = path.last, case .object(let pairs) = node(at: Array(path.dropLast())), last < pairs.count
        else { return nil }
        return pairs[last].key
    }

    mutating func update(at path: [Int], _ transform: (Node) -> Node) {
        root = Self.updated(root, path[...], transform)
    }

    private static func updated(_ node: Node, _ path: ArraySlice<Int>, _ transform: (Node) -> Node) -> Node {
        guard let index = path.first else { return transform(node) }
        switch node {
        case .object(var pairs) where index < pairs.count:
            pairs[index].value = updated(pairs[index].value, path.dropFirst(), transform)
            return .object(pairs)
        case .array(var items) where index < items.count:
            items[index] = updated(items[index], path.dropFirst(), transform)
            return .array(items)
        default: return node
        }
    }

    mutating func remove(at path: [Int]) {
        guard let last = path.last else { return }
        update(at: Array(path.dropLast())) { node in
            switch node {
            case .object(var pairs) where last < pairs.count:
                pairs.remove(at: last)
                return .object(pairs)
            case .array(var items) where last < items.count:
                items.remove(at: last)
                return .array(items)
            default: return node
            }
        }
    }

    mutating func renameKey(at path: [Int], to key: [UInt8]) {
        guard let last = path.last else { return }
        update(at: Array(path.dropLast())) { node in
            guard case .object(var pairs) = node, last < pairs.count else { return node }
            pairs[last].key = key
            return .object(pairs)
        }
    }

    // MARK: - Reading a seed

    /// Reads a JSON text; nil when it is not JSON (a seed that is not, or a past finding).
    static func parse(_ bytes: [UInt8]) -> JSONTree? {
        var reader = Reader(bytes: bytes)
        reader.skipSpace()
        guard let root = reader.value(depth: 0) else { return nil }
        reader.skipSpace()
        return reader.index == bytes.count ? JSONTree(root: root) : nil
    }

    private struct Reader {
        static let ends = Set(",]} \t\r\n".utf8)
        let bytes: [UInt8]
        var index = 0

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        mutating func value(depth: Int) -> Node? {
            guard index < bytes.count, depth < 100 else { return nil }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                index += 1
                var pairs: [(key: [UInt8], value: Node)] = []
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return .object(pairs)
                }
                while true {
                    skipSpace()
                    guard let key = string() else { return nil }
                    skipSpace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
                    index += 1
                    skipSpace()
                    guard let value = value(depth: depth + 1) else { return nil }
                    pairs.append((key, value))
                    skipSpace()
                    guard index < bytes.count else { return nil }
                    index += 1
                    if bytes[index - 1] == UInt8(ascii: "}") { return .object(pairs) }
                    guard bytes[index - 1] == UInt8(ascii: ",") else { return nil }
                }
            case UInt8(ascii: "["):
                index += 1
                var items: [Node] = []
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return .array(items)
                }
                while true {
                    skipSpace()
                    guard let item = value(depth: depth + 1) else { return nil }
                    items.append(item)
                    skipSpace()
                    guard index < bytes.count else { return nil }
                    index += 1
                    if bytes[index - 1] == UInt8(ascii: "]") { return .array(items) }
                    guard bytes[index - 1] == UInt8(ascii: ",") else { return nil }
                }
            case UInt8(ascii: "\""):
                return string().map(Node.string)
            default:
                let start = index
                while index < bytes.count, !Self.ends.contains(bytes[index]) { index += 1 }
                return index > start ? .raw(Array(bytes[start..<index])) : nil
            }
        }

        /// The escaped text of a string, its quotes read.
        mutating func string() -> [UInt8]? {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
            index += 1
            let start = index
            while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
            }
            guard index < bytes.count else { return nil }
            index += 1
            return Array(bytes[start..<(index - 1)])
        }
    }

    // MARK: - Escapes

    /// A string's JSON escaped text (without the quotes).
    static func escape(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += Array("\\\"".utf8)
            case UInt8(ascii: "\\"): out += Array("\\\\".utf8)
            case 0x0A: out += Array("\\n".utf8)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: out.append(byte)
            }
        }
        return out
    }

    /// The text of escaped string contents (enough for the seeds' queries: the common escapes
    /// and `\uXXXX`; anything else is kept as written).
    static func unescape(_ raw: [UInt8]) -> String {
        var scalars = String.UnicodeScalarView()
        var bytes: [UInt8] = []
        var index = 0
        func flush() {
            scalars.append(contentsOf: String(decoding: bytes, as: UTF8.self).unicodeScalars)
            bytes.removeAll()
        }
        while index < raw.count {
            let byte = raw[index]
            guard byte == UInt8(ascii: "\\"), index + 1 < raw.count else {
                bytes.append(byte)
                index += 1
                continue
            }
            let next = raw[index + 1]
            index += 2
            switch next {
            case UInt8(ascii: "n"): bytes.append(0x0A)
            case UInt8(ascii: "t"): bytes.append(0x09)
            case UInt8(ascii: "r"): bytes.append(0x0D)
            case UInt8(ascii: "u") where index + 4 <= raw.count:
                if let code = UInt32(String(decoding: raw[index..<(index + 4)], as: UTF8.self), radix: 16),
                    let scalar = Unicode.Scalar(code)
                {
                    flush()
                    scalars.append(scalar)
                }
                index += 4
            default: bytes.append(next)
            }
        }
        flush()
        return String(scalars)
    }
}
