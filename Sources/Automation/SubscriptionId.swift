import Foundation

/// Azure subscription ids are GUIDs (`00000000-0000-0000-0000-000000000000`): an id written
/// otherwise would never match a resource id Azure's clients build.
public enum SubscriptionId {
    /// Why `text` is not a subscription id, or nil when it is one.
    public static func problem(_ text: String) -> String? {
        let shape =
            text.utf8.count == 36
            && text.utf8.enumerated().allSatisfy { index, byte in
                [8, 13, 18, 23].contains(index) ? byte == UInt8(ascii: "-") : isHex(byte)
            }
        guard !shape else { return nil }
        return "subscription \(Quoted.clip(text)) is not a subscription id: Azure's are GUIDs, such as "
            + "00000000-0000-0000-0000-000000000000"
    }

    private static func isHex(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
    }
}
