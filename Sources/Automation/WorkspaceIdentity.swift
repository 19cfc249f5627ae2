import Crypto
import Foundation

/// A workspace's id for Log Analytics' query API: Azure calls it the customer id, a GUID. Here
/// it is derived from the workspace's name, so it is stable across stores and nodes.
public enum WorkspaceIdentity {
    public static func customerId(workspace name: String) -> String {
        let digest = Array(SHA256.hash(data: Data(("workspace:" + name.lowercased()).utf8)))
        var bytes = Array(digest.prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50  // version 5 layout: name-based
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 4122 variant
        let hex = Array(bytes.map { String(format: "%02x", $0) }.joined())
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(hex[$0]) }.joined(separator: "-")
    }
}
