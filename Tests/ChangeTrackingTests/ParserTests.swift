import Foundation
import Testing

@testable import ChangeTracking

@Suite struct DpkgStatusTests {
    @Test func installedPackagesAndMalformedStanzas() {
        let text = """
            Package: good
            Status: install ok installed
            Maintainer: A <a@example.org>
            Architecture: amd64
            Version: 1.0-1
            Description: fine
             continued description

            Package: removed
            Status: deinstall ok config-files
            Version: 2.0

            Package broken-line-without-colon
            Status: install ok installed

            Package: second
            Status: install ok installed
            Version: 3:4.5
            Architecture: all
            """
        let parsed = DpkgStatus.parse(text, file: "status")
        #expect(parsed.packages.map(\.name) == ["good", "second"])
        #expect(parsed.packages[0].version == "1.0-1")
        #expect(parsed.packages[1].version == "3:4.5")
        #expect(parsed.warnings == ["status:13: malformed stanza skipped: line 13 is not 'Field: value'"])
    }

    @Test func crlfFilesParse() {
        let parsed = DpkgStatus.parse("Package: a\r\nStatus: install ok installed\r\nVersion: 1\r\n", file: "s")
        #expect(parsed.packages.first?.version == "1")
    }

    /// The package inventory of this host is exactly what dpkg-query reports as installed.
    @Test func thisHostMatchesDpkgQuery() throws {
        guard FileManager.default.fileExists(atPath: "/usr/bin/dpkg-query") else { return }
        let text = try String(contentsOfFile: "/var/lib/dpkg/status", encoding: .utf8)
        let ours = DpkgStatus.parse(text, file: "status").packages.map { "\($0.name)\t\($0.version)" }.sorted()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/dpkg-query")
        process.arguments = ["-W", "-f", "${db:Status-Status}\t${Package}\t${Version}\n"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let theirs = output.split(separator: "\n").filter { $0.hasPrefix("installed\t") }
            .map { String($0.dropFirst("installed\t".count)) }.sorted()
        #expect(!theirs.isEmpty)
        #expect(ours == theirs)
    }
}

@Suite struct RegFileTests {
    func hive(_ text: String, utf16: Bool = false) -> RegistryHive {
        var hive = RegistryHive()
        let bytes: [UInt8] =
            utf16 ? [0xFF, 0xFE] + Array(text.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] } : Array(text.utf8)
        hive.apply(bytes, file: "test.reg")
        return hive
    }

    @Test func everyValueTypeDecodes() {
        let hive = hive(
            """
            Windows Registry Editor Version 5.00\r
            \r
            [HKEY_LOCAL_MACHINE\\SOFTWARE\\Test]\r
            "Text"="a \\"quoted\\" C:\\\\path"\r
            "Number"=dword:0000002a\r
            "Big"=hex(b):01,00,00,00,00,00,00,00\r
            "Expand"=hex(2):25,00,77,00,25,00,00,00\r
            "Multi"=hex(7):61,00,00,00,62,00,00,00,00,00\r
            "Blob"=hex:de,ad,\\\r
              be,ef\r
            @="default"\r
            """, utf16: true)
        let key = hive.key("HKEY_LOCAL_MACHINE\\software\\test")
        #expect(key?.values["text"]?.data == "a \"quoted\" C:\\path")
        #expect(key?.values["number"] == RegistryValue(name: "Number", type: "REG_DWORD", data: "0x0000002a (42)"))
        #expect(key?.values["big"]?.type == "REG_QWORD")
        #expect(key?.values["big"]?.data == "0x0000000000000001 (1)")
        #expect(key?.values["expand"]?.data == "%w%")
        #expect(key?.values["multi"]?.data == "a\nb")
        #expect(key?.values["blob"]?.data == "de ad be ef")
        #expect(key?.values["(default)"]?.data == "default")
        #expect(hive.warnings.isEmpty)
    }

    @Test func deletionsApplyInOrder() {
        let hive = hive(
            """
            Windows Registry Editor Version 5.00

            [HKEY_LOCAL_MACHINE\\A]
            "x"="1"
            "y"="2"
            [HKEY_LOCAL_MACHINE\\A\\Sub]
            "z"="3"
            [HKEY_LOCAL_MACHINE\\A]
            "x"=-
            [-HKEY_LOCAL_MACHINE\\A\\Sub]
            """)
        #expect(hive.key("HKEY_LOCAL_MACHINE\\A")?.values.keys.sorted() == ["y"])
        #expect(hive.key("HKEY_LOCAL_MACHINE\\A\\Sub") == nil)
    }

    @Test func badHeaderSkipsTheFile() {
        let hive = hive("REGEDIT5\n[HKEY_LOCAL_MACHINE\\A]\n\"x\"=\"1\"\n")
        #expect(hive.keys.isEmpty)
        #expect(
            hive.warnings == [
                "test.reg:1: not a registry export (the first line must be 'Windows Registry Editor Version 5.00'); file skipped"
            ])
    }

    @Test func truncatedAndUnknownValuesAreReportedWithTheirLine() {
        let hive = hive(
            """
            Windows Registry Editor Version 5.00

            [HKEY_LOCAL_MACHINE\\A]
            "ok"="1"
            "short"=dword:0001
            "odd"=hex(9):00
            "cut"="no end
            "tail"=hex:01,02,\\
            """)
        #expect(hive.key("HKEY_LOCAL_MACHINE\\A")?.values.keys.sorted() == ["ok"])
        #expect(
            hive.warnings == [
                "test.reg:5: dword for 'short' is not 8 hex digits (truncated value?); value skipped",
                "test.reg:6: unknown value type 'hex(9)' for 'odd'; value skipped",
                "test.reg:7: unterminated string for 'cut' (truncated value?); value skipped",
                "test.reg:8: value continues past the end of the file; skipped",
            ])
    }
}

@Suite struct TimeFormatTests {
    @Test func isoTimeMatchesFoundation() {
        for seconds: Int64 in [0, 951_782_400, 1_800_000_000, 4_102_444_799] {
            let expected = Date(timeIntervalSince1970: Double(seconds)).formatted(.iso8601)
            #expect(FileCollection.isoTime(nanoseconds: seconds * 1_000_000_000 + 999) == expected)
        }
    }
}
