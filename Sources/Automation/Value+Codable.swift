/// JSON form: strings, numbers, booleans, arrays and objects (object keys keep their order).
extension Value: Codable {
    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        if let object = try? decoder.container(keyedBy: Key.self) {
            self = .map(try object.allKeys.map { Entry($0.stringValue, try object.decode(Value.self, forKey: $0)) })
            return
        }
        if var array = try? decoder.unkeyedContainer() {
            var items: [Value] = []
            while !array.isAtEnd { items.append(try array.decode(Value.self)) }
            self = .list(items)
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
        } else if let flag = try? single.decode(Bool.self) {
            self = .bool(flag)
        } else if let number = try? single.decode(Int.self) {
            self = .int(number)
        } else {
            self = .string(try single.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .null:
            var single = encoder.singleValueContainer()
            try single.encodeNil()
        case .string(let text):
            var single = encoder.singleValueContainer()
            try single.encode(text)
        case .int(let number):
            var single = encoder.singleValueContainer()
            try single.encode(number)
        case .bool(let flag):
            var single = encoder.singleValueContainer()
            try single.encode(flag)
        case .list(let items):
            var array = encoder.unkeyedContainer()
            for item in items { try array.encode(item) }
        case .map(let entries):
            var object = encoder.container(keyedBy: Key.self)
            for entry in entries { try object.encode(entry.value, forKey: Key(stringValue: entry.key)) }
        }
    }
}
