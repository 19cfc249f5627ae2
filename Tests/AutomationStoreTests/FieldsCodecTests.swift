import Automation
import Foundation
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
    static let entry = FileIndexEntry(
        device: 2049, inode: 1_234_567, size: -1, mtimeNs: 1_800_000_000_123_456_789, ctimeNs: 42, mode: 0o100644,
        uid: 1000, gid: 1000, sha256: String(repeating: "ab", count: 32))

    @Test func roundTrips() throws {
        let index: FileIndex = ["/etc/hosts": Self.entry, "/odd/line\nbreak": Self.entry, "": Self.entry]
        #expect(try FileIndexCodec.decode(FileIndexCodec.encode(index)) == index)
        #expect(try FileIndexCodec.decode(FileIndexCodec.encode([:])).isEmpty)
        #expect(index["/etc/hosts"] == Self.entry)
        #expect(index["/etc"] == nil)
        #expect(index.entries.map(\.path) == ["", "/etc/hosts", "/odd/line\nbreak"])
    }

    @Test func truncatedDataIsAnErrorNotACrash() {
        let data = FileIndexCodec.encode(["/a": Self.entry])
        #expect(throws: StoreError.self) { try FileIndexCodec.decode(data.prefix(data.count - 5)) }
        #expect(throws: StoreError.self) { try FileIndexCodec.decode(data + Data([0])) }
    }

    /// A damaged value (a path end past the paths, or paths out of order) is refused whole: a
    /// lookup would read out of bounds or miss entries.
    @Test func damagedOffsetsAndOrderAreRefused() throws {
        let data = FileIndexCodec.encode(["/a": Self.entry, "/b": Self.entry])
        var pastTheEnd = [UInt8](data)
        pastTheEnd[16] = 0xFF  // the first path's end
        #expect(throws: StoreError.self) { try FileIndexCodec.decode(Data(pastTheEnd)) }
        var swapped = [UInt8](data)
        let paths = swapped.count - 4
        (swapped[paths + 1], swapped[paths + 3]) = (UInt8(ascii: "b"), UInt8(ascii: "a"))
        #expect(throws: StoreError.self) { try FileIndexCodec.decode(Data(swapped)) }
    }

    /// Stores written before the sorted form keep their index: the first form, entries in no
    /// order, still reads, and sorted.
    @Test func theFirstFormStillReads() throws {
        var bytes: [UInt8] = []
        for (path, inode) in [("/z", Int64(2)), ("/a", Int64(1))] {
            withUnsafeBytes(of: UInt32(path.utf8.count).littleEndian) { bytes += $0 }
            bytes += path.utf8
            for value in [Int64(1), inode, 3, 4, 5, 6, 7, 8] { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
            bytes += [UInt8](repeating: 0xAB, count: 32)
        }
        let index = try FileIndexCodec.decode(Data(bytes))
        #expect(index.entries.map(\.path) == ["/a", "/z"])
        #expect(index["/z"]?.inode == 2)
        #expect(index["/a"]?.sha256 == String(repeating: "ab", count: 32))
    }

    /// Lookups in walk order use the hint; out of order they still find every path.
    @Test func lookupsInAnyOrder() {
        var builder = FileIndex.Builder()
        let paths = (0..<1000).map { "/d\($0 % 7)/f\($0)" }
        for path in paths.shuffled() {
            builder.append(path: path, stat: Self.entry.stat, digest: [UInt8](repeating: 1, count: 32))
        }
        let index = builder.index()
        #expect(index.count == 1000)
        var hint = 0
        for path in paths.sorted() { #expect(index.position(of: path, hint: &hint).map(index.path(at:)) == path) }
        for path in paths.shuffled() { #expect(index.position(of: path, hint: &hint).map(index.path(at:)) == path) }
        #expect(index.position(of: "/d0/g", hint: &hint) == nil)
    }
}
