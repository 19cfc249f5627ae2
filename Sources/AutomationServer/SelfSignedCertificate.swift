import Crypto
import Foundation
import SwiftASN1
import X509

/// `--tls-self-signed`: a certificate for localhost and 127.0.0.1 (and the IPv4 address the
/// server listens on, when it is another) made once in the store folder, which clients trust
/// by file (`REQUESTS_CA_BUNDLE=FOLDER/tls.crt`).
public enum SelfSignedCertificate {
    /// The certificate and key paths in `folder`, made when missing, or again when the address
    /// it must also name changed (key file mode 0600).
    public static func ensure(in folder: String, address: String? = nil, now: Date = Date()) throws -> (
        certificate: String, key: String
    ) {
        let certificatePath = (folder as NSString).appendingPathComponent("tls.crt")
        let keyPath = (folder as NSString).appendingPathComponent("tls.key")
        let namesPath = (folder as NSString).appendingPathComponent("tls.names")
        let extra = address.flatMap(ipv4).map { ($0, address ?? "") }
        let names = "localhost 127.0.0.1 ::1" + (extra.map { " " + $0.1 } ?? "")
        let known = (try? String(contentsOfFile: namesPath, encoding: .utf8)) ?? "localhost 127.0.0.1 ::1"
        if FileManager.default.fileExists(atPath: certificatePath), FileManager.default.fileExists(atPath: keyPath),
            known == names
        {
            return (certificatePath, keyPath)
        }
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName {
            OrganizationName("runbook")
            CommonName("runbook serve (localhost)")
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: Certificate.PublicKey(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(825 * 86_400),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectKeyIdentifier(hash: Certificate.PublicKey(key.publicKey))
                SubjectAlternativeNames(
                    [
                        .dnsName("localhost"), .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])),
                        .ipAddress(ASN1OctetString(contentBytes: ArraySlice([UInt8](repeating: 0, count: 15) + [1]))),
                    ] + (extra.map { [.ipAddress(ASN1OctetString(contentBytes: ArraySlice($0.0)))] } ?? []))
            }, issuerPrivateKey: Certificate.PrivateKey(key))
        try FileManager.default.createDirectory(
            atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let keyData = Data(key.pemRepresentation.utf8)
        guard FileManager.default.createFile(atPath: keyPath, contents: keyData, attributes: [.posixPermissions: 0o600])
        else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: keyPath]) }
        try Data(try certificate.serializeAsPEM().pemString.utf8).write(to: URL(fileURLWithPath: certificatePath))
        try Data(names.utf8).write(to: URL(fileURLWithPath: namesPath))
        return (certificatePath, keyPath)
    }

    /// The four bytes of an IPv4 address other than loopback and 0.0.0.0, or nil.
    static func ipv4(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).compactMap { UInt8($0) }
        guard parts.count == 4, text.split(separator: ".").count == 4, parts[0] != 127, parts != [0, 0, 0, 0] else {
            return nil
        }
        return parts
    }
}
