import AutomationService
import Foundation

/// A field of a request body that is wrong: the message says what is expected, `target` is the
/// field's path as Azure's error names it ("properties.frequency").
struct BodyFieldError: Error {
    var message: String
    var target: String
}

extension ARMRequest {
    /// The body decoded into a type that checks its own fields as it decodes. The bytes are
    /// first read by the bounded JSON reader (size and depth limits, an object at the top), so
    /// the decoder only ever sees a document within the limits. A malformed body, a field of
    /// the wrong type or a refused value is a 400 that names the field.
    func decode<Body: Decodable>(_ type: Body.Type) throws(ServiceError) -> Body {
        _ = try json()
        do {
            return try JSONDecoder().decode(Body.self, from: body)
        } catch let error as BodyFieldError {
            throw .invalid(error.message, target: error.target)
        } catch let error as DecodingError {
            throw Self.invalid(error)
        } catch {
            throw .invalid("the request body cannot be read: \(error)", target: "body")
        }
    }

    /// A decoder's own error (a field of the wrong JSON type) as a 400 naming the field.
    static func invalid(_ error: DecodingError) -> ServiceError {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
                .replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .typeMismatch(let type, let context):
            let field = path(context.codingPath)
            return .invalid("\(field) must be \(BodyField.kind(of: type))", target: field)
        case .valueNotFound(_, let context):
            let field = path(context.codingPath)
            return .invalid("\(field) is required", target: field)
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath + [key])
            return .invalid("\(field) is required", target: field)
        case .dataCorrupted(let context):
            let field = path(context.codingPath)
            return .invalid(
                "\(field.isEmpty ? "the request body" : field) is not valid", target: field.isEmpty ? "body" : field)
        @unknown default:
            return .invalid("the request body cannot be read", target: "body")
        }
    }
}

/// Reading Azure's loosely typed fields: names as JSON strings, flags that clients send as
/// `true` or `"true"`, numbers that arrive as `5`, `5.0` or `"5"`.
enum BodyField {
    static func kind(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type, is Double.Type: "a number"
        default: "of another type"
        }
    }
}

/// The keys of a body type, any string: a body type reads the fields it knows and ignores the
/// rest, as Azure does with read-only and unknown properties.
struct BodyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension KeyedDecodingContainer where Key == BodyKey {
    /// A field's path for errors: this container's path and the field's name.
    func path(_ name: String) -> String {
        (codingPath.map(\.stringValue) + [name]).joined(separator: ".")
    }

    /// A string field, nil when absent or null; another JSON type is refused with `message`.
    func text(_ name: String, or message: String? = nil) throws -> String? {
        let key = BodyKey(name)
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        guard let value = try? decode(String.self, forKey: key) else {
            throw BodyFieldError(message: message ?? "\(path(name)) must be a string", target: path(name))
        }
        return value
    }

    /// A flag sent as `true` or `"true"` (any case); nil when absent, null or neither.
    func flag(_ name: String) -> Bool? {
        let key = BodyKey(name)
        if let value = try? decode(Bool.self, forKey: key) { return value }
        return (try? decode(String.self, forKey: key)).flatMap { Bool($0.lowercased()) }
    }

    /// A nested object, nil when absent or null.
    func object(_ name: String) throws -> KeyedDecodingContainer<BodyKey>? {
        let key = BodyKey(name)
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        guard let nested = try? nestedContainer(keyedBy: BodyKey.self, forKey: key) else {
            throw BodyFieldError(message: "\(path(name)) must be an object", target: path(name))
        }
        return nested
    }

    /// An array field, nil when absent or null.
    func array(_ name: String) throws -> UnkeyedDecodingContainer? {
        let key = BodyKey(name)
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        guard let nested = try? nestedUnkeyedContainer(forKey: key) else {
            throw BodyFieldError(message: "\(path(name)) must be an array", target: path(name))
        }
        return nested
    }

    /// The names of an object's fields and their values read as parameter text: strings as
    /// they are, and unless `stringsOnly`, whole numbers and booleans as JSON writes them
    /// (Azure's clients send parameters as strings; some send numbers and flags bare).
    func parameters(
        _ name: String, stringsOnly: Bool = false, notAnObject: String, refusing message: (String) -> String
    ) throws -> [String: String] {
        let key = BodyKey(name)
        guard contains(key), try !decodeNil(forKey: key) else { return [:] }
        guard let object = try? nestedContainer(keyedBy: BodyKey.self, forKey: key) else {
            throw BodyFieldError(message: notAnObject, target: path(name))
        }
        var values: [String: String] = [:]
        for key in object.allKeys {
            if let text = try? object.decode(String.self, forKey: key) {
                values[key.stringValue] = text
            } else if !stringsOnly, let number = try? object.decode(Int.self, forKey: key) {
                values[key.stringValue] = String(number)
            } else if !stringsOnly, let flag = try? object.decode(Bool.self, forKey: key) {
                values[key.stringValue] = String(flag)
            } else {
                throw BodyFieldError(message: message(key.stringValue), target: path(name))
            }
        }
        return values
    }
}
