import Crypto
import Foundation

/// The text of a token, `rbk_ID_SECRET`: `ID` is a short public id (lowercase letters and
/// digits), `SECRET` 32 random bytes in base64url without padding. Only `hash(secret:)` is stored.
public enum ApiToken {
    public static let prefix = "rbk_"
    public static let idLength = 12
    public static let secretBytes = 32
    /// Base64url of 32 bytes without padding.
    public static let secretLength = 43
    static let idAlphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")

    /// A new id and secret from the system's secure random source.
    public static func generate() -> (id: String, secret: String) {
        var random = SystemRandomNumberGenerator()
        var id = ""
        for _ in 0..<idLength { id.append(idAlphabet.randomElement(using: &random) ?? "a") }
        let bytes = (0..<secretBytes).map { _ in UInt8.random(in: .min ... .max, using: &random) }
        return (id, base64url(bytes))
    }

    public static func text(id: String, secret: String) -> String { prefix + id + "_" + secret }

    /// The id and secret of well-formed token text, or nil.
    public static func parse(_ text: String) -> (id: String, secret: String)? {
        let scalars = Array(text.unicodeScalars)
        let prefixLength = prefix.unicodeScalars.count
        guard scalars.count == prefixLength + idLength + 1 + secretLength, text.hasPrefix(prefix) else { return nil }
        let id = scalars[prefixLength..<(prefixLength + idLength)]
        let separator = scalars[prefixLength + idLength]
        let secret = scalars[(prefixLength + idLength + 1)...]
        guard separator == "_",
            id.allSatisfy({ idAlphabet.contains(Character($0)) }),
            secret.allSatisfy(isBase64url)
        else { return nil }
        return (String(String.UnicodeScalarView(id)), String(String.UnicodeScalarView(secret)))
    }

    /// SHA-256 of the secret, lowercase hex: what the store keeps.
    public static func hash(secret: String) -> String {
        // Hex by hand: `String(format:)` per byte was a tenth of an API request's time.
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: Data(secret.utf8)) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// Compares two hashes in time that depends only on their lengths, never on where they differ.
    public static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let a = Array(a.utf8)
        let b = Array(b.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    static func isBase64url(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "A"..."Z", "a"..."z", "0"..."9", "-", "_": true
        default: false
        }
    }

    static func base64url(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
