import Foundation

/// The JSON coding of generated clients: `Date` (`format: date-time`) as RFC 3339 text, with
/// or without fractional seconds; `Data` (`format: byte`) as base64; `UUID` as its text;
/// members in a stable order.
public enum WireJSON {
    /// A decoder for bodies.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = date(rfc3339: text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "\(text) is not an RFC 3339 date-time")
            }
            return date
        }
        return decoder
    }

    /// An encoder for bodies and parameter texts.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(text(date))
        }
        return encoder
    }

    /// The date an RFC 3339 date-time names (`2024-01-31T10:20:30Z`, `…30.123+02:00`,
    /// lower-case `t` and `z` too); nil for other text.
    public static func date(rfc3339 text: String) -> Date? {
        try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text.uppercased())
    }

    /// `date` as RFC 3339 text in UTC, with milliseconds only when it has a fraction of a second.
    public static func text(_ date: Date) -> String {
        let whole = date.timeIntervalSince1970.rounded(.down) == date.timeIntervalSince1970
        return Date.ISO8601FormatStyle(includingFractionalSeconds: !whole).format(date)
    }
}
