import Automation
import Testing

@testable import AutomationStore

@Suite struct FieldsCodecTests {
    @Test(arguments: [
        [:],
        ["FileSystemPath": "/etc/hosts", "Size": "12"],
        ["Name": "with\nnewline and = and , and \"quotes\""],
        ["Odd": "unit\u{1F}separator", "Other": "record\u{1E}separator"],
        ["{starts": "with a brace"],
        ["Esc": "\u{1B}"],
    ])
    func roundTrips(_ fields: [String: String]) throws {
        #expect(try FieldsCodec.decode(try FieldsCodec.encode(fields)) == fields)
    }

    @Test func compactFormIsSortedAndPlain() throws {
        #expect(try FieldsCodec.encode(["b": "2", "a": "1"]) == "a\u{1F}1\u{1E}b\u{1F}2")
    }
}

@Suite struct FileIndexCodecTests {
    @Test func roundTrips() throws {
        let entry = FileIndexEntry(
            device: 2049, inode: 1_234_567, size: -1, mtimeNs: 1_800_000_000_123_456_789, ctimeNs: 42, mode: 0o100644,
            uid: 1000, gid: 1000, sha256: String(repeating: "ab", count: 32))
        let index = ["/etc/hosts": entry, "/odd/line\nbreak": entry, "": entry]
        #expect(try FileIndexCodec.decode(FileIndexCodec.encode(index)) == index)
        #expect(try FileIndexCodec.decode(FileIndexCodec.encode([:])).isEmpty)
    }

    @Test func truncatedDataIsAnErrorNotACrash() {
        let data = FileIndexCodec.encode([
            "/a": FileIndexEntry(
                device: 1, inode: 2, size: 3, mtimeNs: 4, ctimeNs: 5, mode: 6, uid: 7, gid: 8, sha256: "00")
        ])
        #expect(throws: StoreError.self) { try FileIndexCodec.decode(data.prefix(data.count - 5)) }
    }
}
