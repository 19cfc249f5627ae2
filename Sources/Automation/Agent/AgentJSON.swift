import Foundation

/// The JSON of the agent's routes, on both sides: dates in ISO 8601 with milliseconds (a job's
/// timeline, recorded by a worker, keeps its order and precision); a date without them is
/// read too (an agent of an earlier version).
public enum AgentJSON {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var single = encoder.singleValueContainer()
            try single.encode(date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
        }
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let single = try decoder.singleValueContainer()
            let text = try single.decode(String.self)
            if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) {
                return date
            }
            if let date = try? Date(text, strategy: Date.ISO8601FormatStyle()) { return date }
            throw DecodingError.dataCorruptedError(
                in: single, debugDescription: "'\(text.prefix(40))' is not an ISO 8601 date and time")
        }
        return decoder
    }
}
