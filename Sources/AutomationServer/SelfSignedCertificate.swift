import Crypto
import Foundation
import SwiftASN1
import X509

/// `--tls-self-signed`: a certificate for localhost and 127.0.0.1 made once in the store folder,
/// which clients trust by file (`REQUESTS_CA_BUNDLE=FOLDER/tls.crt`).
public enum SelfSignedCertificate {
    /// The certificate and key paths in `folder`, made when missing (key file mode 0600).
    public static func ensure(in folder: String, now: Date = Date()) throws -> (certificate: String, key: String) {
        let certificatePath = (folder as NSString).appendingPathComponent("tls.crt")
        let keyPath = (folder as NSString).appendingPathComponent("tls.key")
        if FileManager.default.fileExists(atPath: certificatePath), FileManager.default.fileExists(atPath: keyPath) {
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
                SubjectAlternativeNames([
                    .dnsName("localhost"), .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])),
                    .ipAddress(ASN1OctetString(contentBytes: ArraySlice([UInt8](repeating: 0, count: 15) + [1]))),
                ])
            }, issuerPrivateKey: Certificate.PrivateKey(key))
        try FileManager.default.createDirectory(
            atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let keyData = Data(key.pemRepresentation.utf8)
        guard FileManager.default.createFile(atPath: keyPath, contents: keyData, attributes: [.posixPermissions: 0o600])
        else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: keyPath]) }
        try Data(try certificate.serializeAsPEM().pemString.utf8).write(to: URL(fileURLWithPath: certificatePath))
        return (certificatePath, keyPath)
    }
}
